"""Plain-text loading: encodings, newlines and refusing binary content."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.errors import IngestError
from rag.ingest import load_document
from rag.types import PAGE_BREAK

from .conftest import Writer

DANISH = "Referat: Sundhedsaftalen blev godkendt på mødet i Århus. Ærø og Søby: æ ø å Æ Ø Å."


def test_utf8_without_bom(write: Writer) -> None:
    doc = load_document(write("referat.txt", DANISH.encode("utf-8")))
    assert doc.text == DANISH
    assert doc.format == "txt"
    assert doc.pages is None


def test_utf8_with_bom_drops_the_bom(write: Writer) -> None:
    doc = load_document(write("bom.txt", b"\xef\xbb\xbf" + DANISH.encode("utf-8")))
    assert doc.text == DANISH
    assert not doc.text.startswith("\ufeff")


def test_cp1252_with_danish_letters(write: Writer) -> None:
    text = DANISH + " Pris: 100 € – «citat»"  # € and – only exist in cp1252, not latin-1
    doc = load_document(write("windows.txt", text.encode("cp1252")))
    assert doc.text == text
    assert "æ" in doc.text and "ø" in doc.text and "å" in doc.text


def test_latin1_fallback_when_cp1252_fails(write: Writer) -> None:
    data = "Mødet i Ærøskøbing".encode("latin-1") + b" \x81"  # 0x81 is undefined in cp1252
    doc = load_document(write("latin1.txt", data))
    assert doc.text.startswith("Mødet i Ærøskøbing")


def test_utf16_with_bom_is_text_not_binary(write: Writer) -> None:
    doc = load_document(write("notepad.txt", DANISH.encode("utf-16")))
    assert doc.text == DANISH


def test_newlines_are_normalised(write: Writer) -> None:
    doc = load_document(write("crlf.txt", b"Linje 1\r\nLinje 2\rLinje 3\n"))
    assert doc.text == "Linje 1\nLinje 2\nLinje 3\n"


def test_form_feed_page_breaks_are_kept(write: Writer) -> None:
    doc = load_document(write("pdftotext.txt", f"Side 1{PAGE_BREAK}Side 2"))
    assert doc.text.split(PAGE_BREAK) == ["Side 1", "Side 2"]


def test_decomposed_letters_are_composed(write: Writer) -> None:
    decomposed = unicodedata.normalize("NFD", "Århus og Høje-Taastrup")
    assert decomposed != "Århus og Høje-Taastrup"
    assert load_document(write("mac.txt", decomposed)).text == "Århus og Høje-Taastrup"


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, "Windows executable"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "Linux executable"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    ],
)
def test_binary_renamed_txt_is_refused(write: Writer, data: bytes, looks_like: str) -> None:
    with pytest.raises(IngestError) as info:
        load_document(write("virus.txt", data))
    assert info.value.reason.startswith("binary content")
    assert looks_like in info.value.reason
    assert info.value.danish != IngestError.danish


def test_nul_byte_in_text_is_binary(write: Writer) -> None:
    with pytest.raises(IngestError, match="binary content"):
        load_document(write("nul.txt", b"Referat fra m\xc3\xb8det\x00 og mere tekst"))


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  "])
def test_empty_and_whitespace_only(write: Writer, content: bytes) -> None:
    with pytest.raises(IngestError, match="empty") as info:
        load_document(write("tom.txt", content))
    assert "tom" in info.value.danish


_DANISH_TEXT = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzæøåÆØÅABCXYZ0123456789 .,:;-()\n"),
    min_size=1,
    max_size=200,
).filter(lambda s: s.strip())


@settings(max_examples=60, deadline=None)
@given(text=_DANISH_TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_danish_text_round_trips_in_every_encoding(tmp_path_factory, text: str, encoding: str) -> None:
    path = tmp_path_factory.mktemp("rt") / "referat.txt"
    path.write_bytes(text.encode(encoding))
    assert load_document(path).text == text
