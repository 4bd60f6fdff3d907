"""Content sniffing: magic bytes and binary detection."""

from __future__ import annotations

import pytest

from rag.ingest.sniff import describe, looks_binary, sniff


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (b" \n\t ", "empty"),
        (b"%PDF-1.7\n", "pdf"),
        (b"\xef\xbb\xbfjunk before the header %PDF-1.4\n", "pdf"),
        (b"PK\x03\x04\x14\x00", "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "ole"),
        ("Referat æøå".encode("utf-16"), "text"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        ("Referat fra mødet\n".encode(), "text"),
        ("Referat fra mødet\n".encode("cp1252"), "text"),
        (b"MZ\x90\x00\x03\x00", "binary"),
        (b"tekst\x01\x02\x03\x04", "binary"),
    ],
)
def test_sniff(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_a_few_stray_control_bytes_are_still_text() -> None:
    text = ("Referat fra mødet. " * 50).encode() + b"\x1a"  # DOS end-of-file marker
    assert not looks_binary(text)


def test_describe_names_common_binaries() -> None:
    assert describe(b"MZ\x90\x00\x03\x00") == "a Windows executable"
    assert describe(b"\x89PNG\r\n\x1a\n\x00") == "a PNG image"
    assert describe(b"\x00\x01\x02") == "binary data"
