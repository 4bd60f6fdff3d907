"""DOCX loader: paragraphs and tables in document order, with Word's list numbers.

python-docx opens the package (relationships, content types); the body is then
walked at XML level because ``Paragraph.text`` skips content controls, tracked
insertions and text boxes, and does not render automatic numbering.

Output: one paragraph per line (a blank line before headings), one table row
per line with cells separated by a tab, nested tables and multi-paragraph cells
flattened into their cell. Page headers/footers, footnotes and comments are not
read.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from rag.errors import IngestError
from rag.ingest._numbering import ListNumbering, W
from rag.ingest._text import Extracted, clean, tidy_lines
from rag.types import CELL_BREAK

logger = logging.getLogger(__name__)

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024
"""Refuse archives that would inflate to more than this many bytes."""
MAX_COMPRESSION_RATIO = 100
"""Refuse archives with an entry that inflates more than this many times..."""
RATIO_CHECK_MIN_BYTES = 1024 * 1024
"""...unless the entry is smaller than this: small parts cannot hurt, and a real styles.xml reaches ~30x."""

DANISH_CORRUPT = "Word-filen er beskadiget og kan ikke læses."
DANISH_BOMB = "Word-filen ser mistænkelig ud (den fylder alt for meget udpakket) og er ikke indlæst."

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC = W + "p", W + "tbl", W + "tr", W + "tc"
_SDT, _SDT_CONTENT, _CUSTOM_XML = W + "sdt", W + "sdtContent", W + "customXml"
# Subtrees whose text is not part of the visible paragraph: properties, deleted or
# moved-away revisions, and the legacy duplicate of text boxes (mc:Fallback).
_SKIP = {W + "pPr", W + "rPr", W + "sdtPr", W + "del", W + "moveFrom", MC + "Fallback"}
_CHARS = {W + "tab": "\t", W + "ptab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-"}
_HEADING = re.compile(r"^(heading|overskrift)\s*\d|^(title|titel)$", re.IGNORECASE)


def extract(data: bytes, path: str) -> Extracted:
    """Check the archive, then render the body's paragraphs and tables in document order."""
    check_archive(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        renderer = _Renderer(_related(document, RT.STYLES), _related(document, RT.NUMBERING))
        lines = list(renderer.blocks(body))
    except Exception as exc:  # python-docx/lxml raise many types on malformed packages
        raise IngestError(path, f"corrupt DOCX ({type(exc).__name__}: {exc})", danish=DANISH_CORRUPT) from exc
    return Extracted(clean(tidy_lines(lines)))


def check_archive(data: bytes, path: str) -> None:
    """Refuse non-zip files, zips without word/document.xml and likely zip bombs, before parsing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise IngestError(path, f"corrupt DOCX (not a zip archive: {exc})", danish=DANISH_CORRUPT) from exc
    if not any(entry.filename == "word/document.xml" for entry in entries):
        raise IngestError(path, "corrupt DOCX (no word/document.xml)", danish=DANISH_CORRUPT)
    # zipfile never inflates an entry past its declared size, so the declared sizes are a bound.
    total = sum(entry.file_size for entry in entries)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise IngestError(
            path,
            f"suspicious archive (possible zip bomb): {total} bytes uncompressed",
            danish=DANISH_BOMB,
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size >= RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise IngestError(
                path,
                f"suspicious archive (possible zip bomb): {entry.filename} inflates {ratio:.0f}x",
                danish=DANISH_BOMB,
            )


def _related(document: Any, reltype: str) -> Any | None:
    """The XML root of a related part (styles, numbering), or None if the document has none."""
    try:
        return document.part.part_related_by(reltype).element
    except KeyError:
        return None


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    num: tuple[str | None, int | None] | None
    outline: bool


def _val(element: Any, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return None if found is None else found.get(W + "val")


def _num_pr(ppr: Any) -> tuple[str | None, int | None] | None:
    """(numId, ilvl) of a ``w:numPr`` under ``ppr``; either may be missing (inherited)."""
    num_pr = ppr.find(W + "numPr") if ppr is not None else None
    if num_pr is None:
        return None
    ilvl = _val(num_pr, W + "ilvl")
    return _val(num_pr, W + "numId"), int(ilvl) if ilvl and ilvl.isdigit() else None


def _read_styles(styles: Any | None) -> dict[str, _Style]:
    result: dict[str, _Style] = {}
    for style in styles.iter(W + "style") if styles is not None else ():
        ppr = style.find(W + "pPr")
        result[style.get(W + "styleId", "")] = _Style(
            name=_val(style, W + "name") or "",
            based_on=_val(style, W + "basedOn"),
            num=_num_pr(ppr),
            outline=_val(ppr, W + "outlineLvl") not in (None, "9"),
        )
    return result


class _Renderer:
    """Walks a body (or table cell) and yields text lines in document order."""

    def __init__(self, styles: Any | None, numbering: Any | None) -> None:
        self._styles = _read_styles(styles)
        self._numbering = ListNumbering(numbering)

    def blocks(self, container: Any) -> Iterator[str]:
        """Lines of the paragraphs and tables directly in ``container`` (content controls unwrapped)."""
        for child in container:
            if child.tag == _P:
                yield from self._paragraph(child)
            elif child.tag == _TBL:
                yield from self._table(child)
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None and not _placeholder(child):
                    yield from self.blocks(content)
            elif child.tag == _CUSTOM_XML:
                yield from self.blocks(child)

    def _paragraph(self, p: Any) -> Iterator[str]:
        parts: list[str] = []
        _collect_text(p, parts)
        text = "".join(parts)
        ppr = p.find(W + "pPr")
        style_id = _val(ppr, W + "pStyle") or ""
        num = self._num_ref(ppr, style_id)
        # Count empty numbered paragraphs too: Word shows (and counts) their number.
        label = self._numbering.label(*num) if num else ""
        if not text.strip():
            yield ""
            return
        if self._is_heading(ppr, style_id):
            yield ""
        yield label + text

    def _table(self, tbl: Any) -> Iterator[str]:
        for tr in _children(tbl, _TR):
            cells = [self._cell(tc) for tc in _children(tr, _TC)]
            if any(cells):
                yield "\t".join(cells)

    def _cell(self, tc: Any) -> str:
        # A row must stay on one line, so the cell's own paragraphs, breaks and nested
        # tables are flattened with spaces. A cell opening with a bold or heading-styled
        # paragraph over more text ("Punkt": title, then the case) keeps that heading apart
        # with CELL_BREAK, so the parser can tell the title from the description.
        text = " ".join(" ".join(self.blocks(tc)).split())
        first = next((p for p in _children(tc, _P) if _paragraph_text(p).strip()), None)
        if first is None or not self._is_emphasised(first):
            return text
        head = " ".join(_paragraph_text(first).split())
        if text.startswith(head + " ") and not text.startswith(head + " " + head):
            return head + CELL_BREAK + text[len(head) + 1 :]
        return text

    def _style_chain(self, style_id: str) -> Iterator[_Style]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            yield style
            style_id = style.based_on or ""

    def _num_ref(self, ppr: Any, style_id: str) -> tuple[str, int] | None:
        """(numId, ilvl) from the paragraph, else inherited from its style chain; numId 0 = none."""
        num_id, ilvl = _num_pr(ppr) or (None, None)
        for style in self._style_chain(style_id):
            if num_id is not None and ilvl is not None:
                break
            if style.num:
                num_id = num_id if num_id is not None else style.num[0]
                ilvl = ilvl if ilvl is not None else style.num[1]
        if num_id is None or num_id == "0":
            return None
        return num_id, ilvl or 0

    def _is_emphasised(self, p: Any) -> bool:
        """A heading-styled paragraph, or one whose text runs are all bold."""
        ppr = p.find(W + "pPr")
        if self._is_heading(ppr, _val(ppr, W + "pStyle") or ""):
            return True
        runs = [r for r in p.iter(W + "r") if "".join(t.text or "" for t in r.iter(W + "t")).strip()]
        return bool(runs) and all(_bold(r.find(W + "rPr")) for r in runs)

    def _is_heading(self, ppr: Any, style_id: str) -> bool:
        """Outline level set, or a Heading/Overskrift/Title style (by id, name or base style)."""
        if _val(ppr, W + "outlineLvl") not in (None, "9") or _HEADING.match(style_id):
            return True
        return any(style.outline or _HEADING.match(style.name) for style in self._style_chain(style_id))


def _bold(rpr: Any) -> bool:
    """Run properties with bold switched on (``<w:b/>``, not ``w:val="0"``/``"false"``)."""
    b = rpr.find(W + "b") if rpr is not None else None
    return b is not None and b.get(W + "val", "true").lower() not in ("0", "false", "off")


def _paragraph_text(p: Any) -> str:
    parts: list[str] = []
    _collect_text(p, parts)
    return "".join(parts)


def _children(parent: Any, tag: str) -> Iterator[Any]:
    """Children with ``tag``, looking through content-control and custom-XML wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None and not _placeholder(child):
                yield from _children(content, tag)
        elif child.tag == _CUSTOM_XML:
            yield from _children(child, tag)


def _placeholder(sdt: Any) -> bool:
    """An empty content control: Word shows its prompt ("Klik eller tryk her for at skrive tekst.")."""
    pr = sdt.find(W + "sdtPr")
    return pr is not None and pr.find(W + "showingPlcHdr") is not None


def _collect_text(element: Any, parts: list[str]) -> None:
    """Append the visible text under ``element`` (runs, hyperlinks, fields, content controls)."""
    for child in element:
        tag = child.tag
        if tag in _SKIP or (tag == _SDT and _placeholder(child)):
            continue
        if tag == W + "t":
            parts.append(child.text or "")
        elif tag in _CHARS:
            parts.append(_CHARS[tag])
        elif tag == _P:  # a paragraph inside a text box: keep it on its own line
            parts.append("\n")
            _collect_text(child, parts)
            parts.append("\n")
        else:
            _collect_text(child, parts)
