"""DOCX loading with real files made by python-docx (plus raw XML where Word needs it)."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.errors import IngestError
from rag.ingest import docx as docx_loader
from rag.ingest import load_document

from .conftest import Writer


def _save(document: docx.document.Document, path: Path) -> Path:
    document.save(str(path))
    return path


def _add_list(document: docx.document.Document, levels: list[tuple[str, str]], start: int = 1) -> str:
    """Define a list (numFmt, lvlText per level) in numbering.xml and return its numId."""
    numbering = document.part.numbering_part.element
    abstract_id = str(100 + len(numbering.findall(qn("w:abstractNum"))))
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'
    )
    numbering.find(qn("w:num")).addprevious(abstract)  # abstractNum elements come before num
    num_id = str(200 + len(numbering.findall(qn("w:num"))))
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
        )
    )
    return num_id


def _numbered(document: docx.document.Document, text: str, num_id: str, ilvl: int = 0) -> None:
    """A paragraph numbered directly (numPr on the paragraph), as Word's numbering button does."""
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _minutes() -> docx.document.Document:
    document = docx.Document()
    document.add_heading("Referat af klyngestyregruppemøde", level=1)
    document.add_paragraph("Mødeleder: Marianne Jensen")
    document.add_heading("Dagsorden", level=2)
    for item in ("Godkendelse af dagsorden", "Økonomi og sundhedsaftale", "Eventuelt"):
        document.add_paragraph(item, style="List Number")
    document.add_heading("Deltagere", level=2)
    rows = [
        ("Navn", "Organisation", "Rolle"),
        ("Marianne Jensen", "Randers Kommune", "Formand"),
        ("Per Jørgensen", "Regionshospitalet Randers", "Næstformand"),
    ]
    table = document.add_table(rows=len(rows), cols=3)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("Næste møde: 12. september på Regionshospitalet.")
    document.add_paragraph("Bilag: kommissorium", style="List Bullet")
    return document


def test_minutes_docx_in_document_order(tmp_path: Path) -> None:
    doc = load_document(_save(_minutes(), tmp_path / "referat.docx"))
    assert doc.format == "docx"
    assert doc.pages is None
    assert doc.text == (
        "Referat af klyngestyregruppemøde\n"
        "Mødeleder: Marianne Jensen\n"
        "\n"
        "Dagsorden\n"
        "1. Godkendelse af dagsorden\n"
        "2. Økonomi og sundhedsaftale\n"
        "3. Eventuelt\n"
        "\n"
        "Deltagere\n"
        "Navn\tOrganisation\tRolle\n"
        "Marianne Jensen\tRanders Kommune\tFormand\n"
        "Per Jørgensen\tRegionshospitalet Randers\tNæstformand\n"
        "Næste møde: 12. september på Regionshospitalet.\n"
        "- Bilag: kommissorium"
    )


def test_danish_heading_style_gets_its_own_line(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Indledning")
    style = document.styles.add_style("Overskrift 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Ad. 1: Godkendelse af referat", style=style)
    document.add_paragraph("Referatet blev godkendt.")
    lines = load_document(_save(document, tmp_path / "da.docx")).text.split("\n")
    assert lines == ["Indledning", "", "Ad. 1: Godkendelse af referat", "Referatet blev godkendt."]


def test_direct_multilevel_numbering_restarts_deeper_levels(tmp_path: Path) -> None:
    document = docx.Document()
    num_id = _add_list(document, [("decimal", "%1."), ("decimal", "%1.%2"), ("lowerLetter", "%3)")])
    for text, level in [("Velkomst", 0), ("Referat", 1), ("Opfølgning", 1), ("Økonomi", 0), ("Budget", 1),
                        ("Drift", 2), ("Anlæg", 2)]:  # fmt: skip
        _numbered(document, text, num_id, level)
    lines = load_document(_save(document, tmp_path / "liste.docx")).text.split("\n")
    assert lines == [
        "1. Velkomst",
        "1.1 Referat",
        "1.2 Opfølgning",
        "2. Økonomi",
        "2.1 Budget",
        "a) Drift",
        "b) Anlæg",
    ]


def test_numbering_start_value_bullets_and_numid_zero(tmp_path: Path) -> None:
    document = docx.Document()
    num_id = _add_list(document, [("decimal", "%1.")], start=7)
    bullets = _add_list(document, [("bullet", "\uf0b7")])
    _numbered(document, "Status på sundhedsaftalen", num_id)
    _numbered(document, "Et punkt med kugle", bullets)
    _numbered(document, "Ingen nummerering", "0")
    _numbered(document, "Eventuelt", num_id)
    lines = load_document(_save(document, tmp_path / "start.docx")).text.split("\n")
    assert lines == [
        "7. Status på sundhedsaftalen",
        "- Et punkt med kugle",
        "Ingen nummerering",
        "8. Eventuelt",
    ]


def test_nested_and_merged_table_cells(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "Punkt"
    merged = table.cell(0, 1).merge(table.cell(0, 2))
    merged.text = "Beslutning"
    table.cell(1, 0).text = "3"
    cell = table.cell(1, 1)
    cell.text = "Godkendt"
    cell.add_paragraph("med bemærkninger")
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Ansvarlig:"
    inner.cell(0, 1).text = "Kate Bøgh"
    table.cell(1, 2).text = "Ja"
    text = load_document(_save(document, tmp_path / "tabel.docx")).text
    assert text.split("\n") == [
        "Punkt\tBeslutning",
        "3\tGodkendt med bemærkninger Ansvarlig: Kate Bøgh\tJa",
    ]


def test_content_controls_and_tracked_changes(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Før")
    body = document.element.body
    body.insert(
        len(body) - 1,  # before sectPr
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtPr><w:alias w:val='Dato'/></w:sdtPr><w:sdtContent>"
            "<w:p><w:r><w:t>Dato: 22.06.2017</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        ),
    )
    body.insert(
        len(body) - 1,
        parse_xml(
            f"<w:p {nsdecls('w')}><w:r><w:t xml:space='preserve'>Beslutning: </w:t></w:r>"
            "<w:del><w:r><w:delText>afvist</w:delText></w:r></w:del>"
            "<w:ins><w:r><w:t>godkendt</w:t></w:r></w:ins>"
            "<w:sdt><w:sdtContent><w:r><w:t> af styregruppen</w:t></w:r></w:sdtContent></w:sdt></w:p>"
        ),
    )
    lines = load_document(_save(document, tmp_path / "sdt.docx")).text.split("\n")
    assert lines == ["Før", "Dato: 22.06.2017", "Beslutning: godkendt af styregruppen"]


def test_an_empty_content_controls_prompt_is_no_text(tmp_path: Path) -> None:
    """A template's unfilled field shows Word's prompt ("Klik eller tryk her …"); it says nothing."""
    document = docx.Document()
    document.add_paragraph("Resolution:")
    body = document.element.body
    body.insert(
        len(body) - 1,
        parse_xml(
            f"<w:p {nsdecls('w')}><w:sdt><w:sdtPr><w:showingPlcHdr/><w:text/></w:sdtPr><w:sdtContent>"
            "<w:r><w:t>Klik eller tryk her for at skrive tekst.</w:t></w:r></w:sdtContent></w:sdt></w:p>"
        ),
    )
    document.add_paragraph("Item 6\tSundhedsaftalen")
    lines = load_document(_save(document, tmp_path / "placeholder.docx")).text.split("\n")
    assert lines == ["Resolution:", "", "Item 6\tSundhedsaftalen"]


def test_zip_bomb_by_compression_ratio(tmp_path: Path) -> None:
    path = tmp_path / "bombe.docx"
    _save(_minutes(), path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image1.bin", b"\0" * (8 * 1024 * 1024))  # ~8 KB on disk
    assert path.stat().st_size < 200_000
    with pytest.raises(IngestError, match=r"suspicious archive \(possible zip bomb\)") as info:
        load_document(path)
    assert "mistænkelig" in info.value.danish


def test_zip_bomb_by_total_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_loader, "MAX_TOTAL_UNCOMPRESSED", 500_000)
    path = tmp_path / "stor.docx"
    _save(_minutes(), path)  # the default template alone inflates to ~850 KB
    with pytest.raises(IngestError, match="possible zip bomb"):
        load_document(path)


def test_not_a_zip_is_corrupt_docx(write: Writer) -> None:
    with pytest.raises(IngestError, match="corrupt DOCX") as info:
        load_document(write("referat.docx", "Dette er bare tekst med en forkert endelse."))
    assert "Word-filen" in info.value.danish


def test_zip_without_word_document_is_corrupt_docx(write: Writer) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(IngestError, match=r"corrupt DOCX \(no word/document.xml\)"):
        load_document(write("regneark.docx", buffer.getvalue()))


def test_truncated_docx_is_corrupt(tmp_path: Path, write: Writer) -> None:
    data = _save(_minutes(), tmp_path / "hel.docx").read_bytes()
    with pytest.raises(IngestError, match="corrupt DOCX"):
        load_document(write("halv.docx", data[: len(data) // 2]))


def test_legacy_or_password_protected_word_file(write: Writer) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(IngestError, match="encrypted or legacy Word") as info:
        load_document(write("gammel.docx", ole))
    assert ".docx" in info.value.danish


def test_docx_without_text_is_empty(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("   ")
    with pytest.raises(IngestError, match="empty"):
        load_document(_save(document, tmp_path / "tom.docx"))


@settings(max_examples=30, deadline=None)
@given(noise=st.binary(min_size=1, max_size=300))
def test_damaged_docx_only_raises_ingest_error(noise: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", noise)
    with contextlib.suppress(IngestError):
        docx_loader.extract(buffer.getvalue(), "fuzz.docx")
