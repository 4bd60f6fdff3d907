"""Fixture builders for the loader tests: real PDF, DOCX and HTML files written to tmp_path."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

Writer = Callable[[str, bytes | str], Path]
PdfMaker = Callable[..., Path]


def pdf_bytes(pages: Sequence[Sequence[str]], *, footer: bool = True) -> bytes:
    """A real PDF (reportlab, Helvetica) with one text line per entry and a "Side i af n" footer."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for number, lines in enumerate(pages, start=1):
        y = 780
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 18
        if footer:
            pdf.drawString(260, 30, f"Side {number} af {len(pages)}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    """Write bytes or utf-8 text to ``tmp_path/name`` (parents created) and return the path."""

    def _write(name: str, content: bytes | str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return _write


@pytest.fixture
def make_pdf(write: Writer) -> PdfMaker:
    """Build a PDF file from a list of pages (each a list of lines)."""

    def _make(pages: Sequence[Sequence[str]], name: str = "referat.pdf", *, footer: bool = True) -> Path:
        return write(name, pdf_bytes(pages, footer=footer))

    return _make
