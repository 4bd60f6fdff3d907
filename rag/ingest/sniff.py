"""Content sniffing: what a file really is, whatever its extension says.

``load_document`` only trusts a file when extension and content agree, so a
download error page saved as ``.pdf`` or an ``.exe`` renamed ``.txt`` is
refused with a reason instead of producing garbage text.
"""

from __future__ import annotations

import logging
from typing import Literal

logger = logging.getLogger(__name__)

Kind = Literal["empty", "pdf", "zip", "ole", "html", "text", "binary"]

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# Signatures only used to name binary content in error messages.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "a Linux executable"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)

_DESCRIPTIONS: dict[str, str] = {
    "empty": "an empty file",
    "pdf": "a PDF",
    "zip": "a ZIP archive (e.g. DOCX/XLSX)",
    "ole": "an OLE container (legacy .doc/.xls or a password-protected Office file)",
    "html": "an HTML page",
    "text": "plain text",
    "binary": "binary data",
}

_SAMPLE = 64 * 1024
# Control bytes that never occur in text files (tab, newlines, form feed and ESC are allowed).
_CONTROL = frozenset(range(0x00, 0x09)) | {0x0B} | (frozenset(range(0x0E, 0x20)) - {0x1B})
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")


def sniff(data: bytes) -> Kind:
    """Classify file content by magic bytes and byte statistics."""
    if not data.strip():
        return "empty"
    head = data[:1024]
    # The PDF spec lets readers find the header anywhere in the first 1024 bytes.
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith(UTF16_BOMS):
        return "text"
    if looks_binary(data):
        return "binary"
    lowered = data[:4096].lower()
    return "html" if any(marker in lowered for marker in _HTML_MARKERS) else "text"


def looks_binary(data: bytes) -> bool:
    """True if the bytes contain NUL anywhere or too many control bytes to be text."""
    if b"\x00" in data:
        return True
    sample = data[:_SAMPLE]
    controls = sum(1 for byte in sample if byte in _CONTROL)
    return controls > max(2, len(sample) // 100)


def describe(data: bytes, kind: Kind | None = None) -> str:
    """Human-readable name of what the content looks like, for error messages."""
    kind = kind or sniff(data)
    if kind == "binary":
        for signature, name in _BINARY_SIGNATURES:
            if data.startswith(signature):
                return name
    return _DESCRIPTIONS[kind]
