"""PDF loading with real files made by reportlab and pypdf."""

from __future__ import annotations

import contextlib
import hashlib
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from rag.errors import IngestError
from rag.ingest import load_document, pdf
from rag.types import PAGE_BREAK

from .conftest import PdfMaker, Writer

PAGES = [
    ["Referat af klyngestyregruppemøde", "1. Godkendelse af dagsorden", "Dagsordenen blev godkendt."],
    ["2. Økonomi og sundhedsaftale", "Styregruppen tog orienteringen til efterretning: æøå ÆØÅ."],
]


def _encrypt(source: Path, target: Path, **kwargs: str) -> Path:
    writer = PdfWriter(clone_from=source)
    writer.encrypt(**kwargs)
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def test_multi_page_pdf_keeps_pages_and_danish_letters(make_pdf: PdfMaker) -> None:
    path = make_pdf(PAGES)
    doc = load_document(path)
    assert doc.format == "pdf"
    assert doc.pages == 2
    assert doc.text.count(PAGE_BREAK) == 1
    first, second = doc.text.split(PAGE_BREAK)
    assert "Side 1 af 2" in first and "Side 2 af 2" in second
    assert "1. Godkendelse af dagsorden" in first
    assert "2. Økonomi og sundhedsaftale" in second
    for letter in "æøåÆØÅ":
        assert letter in doc.text
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_blank_page_keeps_page_numbering(make_pdf: PdfMaker) -> None:
    doc = load_document(make_pdf([["Side et"], [], ["Side tre"]], footer=False))
    assert doc.pages == 3
    assert doc.text.split(PAGE_BREAK) == ["Side et", "", "Side tre"]


def test_password_protected_pdf_is_refused(make_pdf: PdfMaker, tmp_path: Path) -> None:
    path = _encrypt(make_pdf(PAGES), tmp_path / "hemmelig.pdf", user_password="kode", owner_password="ejer")
    with pytest.raises(IngestError, match="encrypted") as info:
        load_document(path)
    assert info.value.danish == "Filen er krypteret og kan ikke læses."


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_pdf_with_only_an_owner_password_opens(make_pdf: PdfMaker, tmp_path: Path, algorithm: str) -> None:
    if algorithm.startswith("AES"):
        pytest.importorskip("cryptography")
    source = make_pdf(PAGES)
    path = _encrypt(
        source, tmp_path / "laast.pdf", user_password="", owner_password="ejer", algorithm=algorithm
    )
    doc = load_document(path)
    assert doc.pages == 2
    assert "Økonomi" in doc.text


def test_truncated_pdf_is_corrupt(make_pdf: PdfMaker, write: Writer) -> None:
    data = make_pdf(PAGES).read_bytes()
    with pytest.raises(IngestError, match="corrupt PDF") as info:
        load_document(write("afbrudt.pdf", data[: len(data) // 2]))
    assert "beskadiget" in info.value.danish


def test_scanned_pdf_without_text_layer(write: Writer) -> None:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(72, 72, 400, 600, fill=1)  # stands in for a scanned image: no text operators
    page.showPage()
    page.save()
    with pytest.raises(IngestError, match="no text layer") as info:
        load_document(write("scannet.pdf", buffer.getvalue()))
    assert "OCR" in info.value.reason
    assert "scannet" in info.value.danish


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [
        ("Referat fra mødet\n1. Godkendelse\n", "plain text"),
        ("<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>", "HTML page"),
    ],
)
def test_pdf_extension_with_other_content(write: Writer, content: str, looks_like: str) -> None:
    with pytest.raises(IngestError, match="not a PDF") as info:
        load_document(write("download.pdf", content))
    assert looks_like in info.value.reason


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tail=st.binary(max_size=400))
def test_garbage_after_pdf_header_only_raises_ingest_error(tail: bytes) -> None:
    with contextlib.suppress(IngestError):
        pdf.extract(b"%PDF-1.7\n" + tail, "fuzz.pdf")
