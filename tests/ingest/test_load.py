"""Dispatch, folder expansion and batch loading (``rag.ingest``)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import docx
import pytest

import rag.ingest
from rag.errors import IngestError
from rag.ingest import SUPPORTED_SUFFIXES, iter_files, load_document, load_many

from .conftest import PdfMaker, Writer

MINUTES = Path(__file__).resolve().parents[2] / "data" / "minutes"
SAMPLES = sorted(MINUTES.glob("*.txt"))


def test_the_five_sample_minutes_are_present() -> None:
    assert len(SAMPLES) >= 5


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_minutes_load_with_danish_letters(path: Path) -> None:
    doc = load_document(path)
    assert doc.text.strip()
    assert "æ" in doc.text or "ø" in doc.text
    assert doc.format == "txt"
    assert doc.path == str(path)
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_supported_suffixes() -> None:
    assert {".txt", ".pdf", ".docx", ".html", ".htm"} == SUPPORTED_SUFFIXES


@pytest.mark.parametrize("name", ["budget.xlsx", "foto.png", "gammel.doc", "README"])
def test_unsupported_file_type(write: Writer, name: str) -> None:
    with pytest.raises(IngestError, match="unsupported file type") as info:
        load_document(write(name, b"PK\x03\x04 whatever"))
    assert "understøttes ikke" in info.value.danish
    assert info.value.path.endswith(name)


def test_suffix_is_case_insensitive(write: Writer) -> None:
    assert load_document(write("REFERAT.TXT", "Mødet blev holdt.")).format == "txt"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="file not found"):
        load_document(tmp_path / "findes-ikke.txt")


def test_too_large_file_is_refused(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rag.ingest, "MAX_FILE_BYTES", 10)
    with pytest.raises(IngestError, match="too large"):
        load_document(write("stor.txt", "Et referat der er længere end ti bytes."))


def test_error_message_names_file_and_reason(write: Writer) -> None:
    path = write("tom.pdf", b"")
    with pytest.raises(IngestError) as info:
        load_document(path)
    assert str(info.value) == f"{path}: empty file"


def test_iter_files_recursive_sorted_without_hidden_files(write: Writer, tmp_path: Path) -> None:
    for name in ["b.txt", "a.pdf", "sub/c.docx", "sub/.skjult.txt", ".git/config.txt", "~$referat.docx",
                 "a/z.txt"]:  # fmt: skip
        write(name, "x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files(tmp_path)]
    assert found == ["a/z.txt", "a.pdf", "b.txt", "sub/c.docx"]  # sorted by path components


def test_iter_files_keeps_explicit_paths_and_drops_duplicates(write: Writer, tmp_path: Path) -> None:
    one = write("one.txt", "x")
    missing = tmp_path / "missing.txt"
    assert list(iter_files([str(one), missing, tmp_path])) == [one, missing]
    assert list(iter_files(str(one))) == [one]  # a single path is not iterated as characters


def test_load_many_loads_the_good_and_reports_the_bad(
    write: Writer, make_pdf: PdfMaker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "referater"
    write("referater/a_referat.txt", "Referat fra mødet i Randersklyngen.")
    make_pdf([["Referat side 1 æøå"], ["Referat side 2"]], name="referater/b_referat.pdf")
    document = docx.Document()
    document.add_paragraph("Beslutning: godkendt af styregruppen.")
    document.save(str(folder / "c_referat.docx"))
    write(
        "referater/2017/d_referat.html", "<html><body><h1>Referat</h1><p>Mødet i Horsens.</p></body></html>"
    )
    write("referater/.DS_Store", b"\x00\x00\x00\x01Bud1")
    bad = {
        "e_tom.txt": b"",
        "f_virus.txt": b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64,
        "g_falsk.pdf": "Dette er ikke en PDF.",
        "h_ikke_zip.docx": "Heller ikke en Word-fil.",
        "i_budget.xlsx": b"PK\x03\x04",
    }
    for name, content in bad.items():
        write(f"referater/{name}", content)

    with caplog.at_level(logging.WARNING, logger="rag.ingest"):
        documents, skipped = load_many([folder])

    assert [Path(d.path).name for d in documents] == [
        "d_referat.html",
        "a_referat.txt",
        "b_referat.pdf",
        "c_referat.docx",
    ]  # fmt: skip  (sorted by path: the 2017/ folder sorts before the files)
    assert [d.format for d in documents] == ["html", "txt", "pdf", "docx"]
    assert documents[2].pages == 2
    reasons = {Path(path).name: reason for path, reason in skipped}
    assert set(reasons) == set(bad)
    assert reasons["e_tom.txt"] == "empty file"
    assert reasons["f_virus.txt"].startswith("binary content")
    assert reasons["g_falsk.pdf"].startswith("not a PDF")
    assert reasons["h_ikke_zip.docx"].startswith("corrupt DOCX")
    assert reasons["i_budget.xlsx"].startswith("unsupported file type")
    warned = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == "rag.ingest"]
    assert len(warned) == len(bad)
    assert all(r.args for r in warned)  # lazy %-style arguments, not pre-formatted strings


def test_load_many_survives_an_unexpected_loader_bug(write: Writer, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(data: bytes, path: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(rag.ingest._EXTRACTORS, "html", broken)
    good = write("ok.txt", "Referat")
    page = write("side.html", "<p>Referat</p>")
    documents, skipped = load_many([good, page])
    assert [d.path for d in documents] == [str(good)]
    assert skipped == [(str(page), "unexpected error (RuntimeError: boom)")]
