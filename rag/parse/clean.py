"""Text normalisation: raw extracted text -> clean ``Line`` records with page numbers.

Loaders hand us text from PDFs, DOCX and web pages. Before any structure can
be found we remove what the layout, not the author, put there: page headers
and footers ("Side 2 af 6", lone page numbers, running headers repeated on
every page), letterheads/contact blocks, web chrome ("Tilbage til toppen",
"Sagnr.: ..."), private-use bullet glyphs, line-end hyphenation and the blank
line after every line of double-spaced PDFs. Removed letterhead lines are kept
aside because they still carry the document date.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from rag.parse import patterns as P
from rag.types import CELL_BREAK, PAGE_BREAK


@dataclass
class Line:
    """One cleaned line. ``text`` is stripped; ``indent`` keeps the leading spaces."""

    text: str
    page: int | None = None
    indent: int = 0

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass
class Cleaned:
    lines: list[Line]
    letterhead: list[Line] = field(default_factory=list)
    pages: int | None = None


_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# PDF fonts emit typographic ligatures; search needs the letters ("ﬁnansiering" -> "finansiering").
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})


def normalise_chars(text: str) -> str:
    """Unicode NFC, one newline style, plain spaces, real bullets for Symbol-font glyphs."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text).translate(_LIGATURES)
    # Markdown/HTML-to-text exports keep emphasis markers around labels ("**Dato:** 3. maj").
    text = re.sub(r"\*\*|__", "", text)
    if CELL_BREAK in text:
        text = _cell_breaks(text)
    return P.PRIVATE_BULLETS.sub("•", text)


def _cell_breaks(text: str) -> str:
    """Paragraph marks inside table cells: kept in table rows (the parser reads a title cell's
    first paragraph as the title), line breaks in a one-cell row (a framed paragraph)."""
    return "\n".join(
        ln if "\t" in ln else ln.replace(CELL_BREAK, "\n") for ln in text.split("\n")
    )


def flatten_cells(s: str, sep: str = " ") -> str:
    """A table row's text with its cells' paragraph marks replaced by ``sep``."""
    return s.replace(CELL_BREAK, sep) if CELL_BREAK in s else s


_QUOTE_MARK = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M)
QUOTED_SHARE = 0.3  # share of non-empty lines starting with ">" that makes a text a quoted e-mail


def _unquote(text: str) -> str:
    """Minutes forwarded or answered by e-mail carry "> " before every quoted line: drop the
    marks (the quoted text is the minutes) when many lines have them."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    quoted = sum(1 for ln in lines if ln.lstrip().startswith(">"))
    if not lines or quoted < QUOTED_SHARE * len(lines):
        return text
    return _QUOTE_MARK.sub("", text)


def _split_pages(text: str) -> tuple[list[Line], bool]:
    has_ff = PAGE_BREAK in text
    out: list[Line] = []
    for pno, page in enumerate(text.split(PAGE_BREAK), start=1):
        for raw in page.split("\n"):
            raw = raw.rstrip()
            stripped = raw.lstrip()
            indent = len(raw) - len(stripped) if stripped else 0
            out.append(Line(stripped.strip(), pno if has_ff else None, indent))
    return out, has_ff


_ARTEFACT_RUN = re.compile(
    r"^(?:(?:" + "|".join(re.escape(w) for w in sorted(P.WEB_ARTEFACTS, key=len, reverse=True)) + r")"
    r"(?:\s*[|·•/]\s*|\s+|$))+$"
)


def _is_artefact(s: str) -> bool:
    low = s.lower().strip(" .:")
    # "Udskriv Hent som PDF": several links of web chrome on one line.
    if low in P.WEB_ARTEFACTS or _ARTEFACT_RUN.match(low):
        return True
    return any(rx.match(s) for rx in P.ARTEFACT_RES)


def _page_mark(s: str) -> tuple[int, int | None] | None:
    m = P.PAGE_MARK.match(s) or P.DASH_PAGE.match(s)
    if m:
        groups = m.groupdict()
        return int(groups["n"]), int(groups["m"]) if groups.get("m") else None
    m = P.PAGE_MARK_SUFFIX.search(s)
    # A running footer "Referat 12.05.2021   Side 3 af 6" is a page mark as a whole.
    if m and len(s) <= 110:
        return int(m.group("n")), int(m.group("m"))
    m = P.PAGE_MARK_GLUED.search(s)
    if m and len(s) <= 110:
        return int(m.group("n") or m.group("n2")), int(m.group("m") or m.group("m2"))
    return None


def _bare_number_layout(lines: list[Line]) -> bool:
    """True when items are laid out as a number on its own line followed by the title.

    Then lone numbers are headings, not page numbers: they must form a run
    1, 2, 3, ... each followed by a capitalised line.
    """
    expected, hits = 1, 0
    for i, ln in enumerate(lines):
        m = re.match(r"^(\d{1,2})\.?$", ln.text)
        if not m:
            continue
        nxt = next((x.text for x in lines[i + 1 : i + 4] if x.text), "")
        if int(m.group(1)) == expected and nxt[:1].isupper():
            expected += 1
            hits += 1
    return hits >= 3


def _mark_chrome(lines: list[Line], has_ff: bool) -> list[int | None]:
    """Blank out page marks, lone page numbers and web chrome; return 'Side N' marks per line."""
    marks: list[int | None] = [None] * len(lines)
    keep_bare = _bare_number_layout(lines)
    for i, ln in enumerate(lines):
        s = ln.text
        if not s:
            continue
        pm = _page_mark(s)
        if pm:
            marks[i] = pm[0]
            ln.text = ""
            continue
        if P.LONE_NUMBER.match(s) and not keep_bare:
            prev = next((x.text for x in reversed(lines[max(0, i - 3) : i]) if x.text), "")
            nxt = next((x.text for x in lines[i + 1 : i + 4] if x.text), "")
            # Numbers between numbers are table cells, not page numbers.
            if not (re.fullmatch(r"[\d.,%\s\-]+", prev) and re.fullmatch(r"[\d.,%\s\-]+", nxt)):
                ln.text = ""
                continue
        if _is_artefact(s) or P.RULE_LINE.match(s):
            ln.text = ""
    _remove_file_name_footers(lines)
    if has_ff:
        _remove_running_lines(lines)
    return marks


def _remove_file_name_footers(lines: list[Line]) -> None:
    """A file name alone on the last line, or on many lines, is a footer; once in an item it is content."""
    idx = [i for i, ln in enumerate(lines) if ln.text and P.FILE_NAME_LINE.match(ln.text)]
    counts = Counter(lines[i].text for i in idx)
    last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].text), None)
    for i in idx:
        if i == last or counts[lines[i].text] >= 3:
            lines[i].text = ""


# "DAGSORDENSPUNKT 4" at the top of every slide: an item per page, not a running header.
_ITEM_LABEL_KEY = re.compile(rf"^(?:sag|{P.ITEM_LABEL})\s*#(?:\s+af\s+#)?\s*$")  # ... and "Punkt 3 af 7"


# "K1ynge" on one page of a scan, "Klynge" on the others: OCR reads an l between letters as 1.
_OCR_ONE = re.compile(r"(?<=[a-zæøå])1|1(?=[a-zæøå])")


def _remove_running_lines(lines: list[Line]) -> None:
    """Drop headers/footers repeated at the top or bottom of many pages.

    The first occurrence is kept when it opens the document: a running header
    on page 1 is usually the document's title and date (unless it numbers the page).
    """
    by_page: dict[int, list[int]] = {}
    for i, ln in enumerate(lines):
        if ln.text and ln.page is not None:
            by_page.setdefault(ln.page, []).append(i)
    if len(by_page) < 2:
        return
    edge: Counter[str] = Counter()
    where: dict[str, list[int]] = {}
    for idx in by_page.values():
        for i in sorted(set(idx[:3] + idx[-3:])):
            key = re.sub(r"\d+", "#", _OCR_ONE.sub("l", lines[i].text.lower()))
            heading = P.match_section_heading(lines[i].text)
            if len(key) > 120 or (heading and not heading[2]) or _ITEM_LABEL_KEY.match(key):
                continue
            edge[key] += 1
            where.setdefault(key, []).append(i)
    opening = set(by_page[min(by_page)][:3])
    need = 2 if len(by_page) == 2 else max(3, len(by_page) // 2)  # a two-page PDF repeats it once
    for key, n in edge.items():
        if n >= need:
            paginated = re.search(r"\b(?:side|page|s\.)\s*#", key) is not None
            for k, i in enumerate(where[key]):
                if k == 0 and i in opening and not paginated:  # "Referat – X – side 1" is no title
                    continue
                lines[i].text = ""


def _contact_strength(s: str) -> int:
    if P.CONTACT_LABEL.match(s) or P.EMAIL_ONLY.match(s) or P.PHONE_ONLY.match(s) or P.NAME_PHONE.match(s):
        return 2
    if P.DOC_DATE_LABEL.match(s) or P.ADDRESS_LINE.match(s) or P.POSTCODE_LINE.match(s):
        return 1
    return 0


def _is_name_line(s: str) -> bool:
    words = s.split()
    return (
        1 < len(words) <= 5
        and len(s) <= 45
        and all(w[:1].isupper() for w in words)
        and not any(c.isdigit() or c in ",;:" for c in s)
    )


def _take_letterheads(lines: list[Line]) -> list[Line]:
    """Remove contact blocks (Dato/Name/Mail/Tlf/Mobil) and return their lines.

    A block starts at a contact line and runs over contact lines and short
    name lines (blank lines allowed); it must hold at least two strong
    contact lines (mail, phone), so a participant list with an e-mail after
    each name is not mistaken for one. A name line right above is included.
    """
    taken: list[int] = []
    n = len(lines)
    i = 0
    while i < n:
        if not lines[i].text or not _contact_strength(lines[i].text):
            i += 1
            continue
        j, strong = i, 0
        members: list[int] = []
        while j < n:
            s = lines[j].text
            if not s:
                k = j
                while k < n and not lines[k].text:
                    k += 1
                # A page break (blanked footer and header) may cut through the block.
                crossed = k < n and bool(members) and lines[k].page != lines[members[-1]].page
                if k - j > (6 if crossed else 2):
                    break
                j = k
                continue
            st = _contact_strength(s)
            if not (st or _is_name_line(s)):
                break
            members.append(j)
            strong += st == 2
            j += 1
        if strong >= 2:
            k = i - 1
            while k >= 0 and k >= i - 2 and not lines[k].text:
                k -= 1
            if k >= 0 and _is_name_line(lines[k].text):
                members.insert(0, k)
            taken.extend(members)
        i = max(j, i + 1)
    out = []
    for k in sorted(set(taken)):
        out.append(Line(lines[k].text, lines[k].page, lines[k].indent))
        lines[k].text = ""
    return out


_SUSPENDED = {"og", "eller", "samt", "&", "til", "m.fl.", "mv."}


def _dehyphenate(lines: list[Line], vocabulary: set[str]) -> None:
    """Join words split at a line end: 'IV-' + 'behandling' -> 'IV-behandling'.

    The hyphen is kept unless the joined word without it occurs elsewhere in
    the text (then it was a soft hyphenation break). Suspended compounds
    ('sundheds-' + 'og ældrechefer') and hyphens after a space are left alone.
    """
    for i in range(len(lines) - 1):
        cur, nxt = lines[i], lines[i + 1]
        if not cur.text or not nxt.text or not cur.text.endswith("-") or len(cur.text) < 2:
            continue
        if not cur.text[-2].isalnum() or P.BULLET_LINE.match(nxt.text):
            continue
        left = cur.text.split()[-1]
        first, _, remainder = nxt.text.partition(" ")
        if not first[:1].isalnum() or first.lower() in _SUSPENDED:
            continue
        if "http" in left or "www." in left or "/" in left:
            joined = left + first
        else:
            bare = left[:-1] + first
            joined = bare if bare.lower().strip(".,;:") in vocabulary else left + first
        cur.text = cur.text[: -len(left)] + joined
        nxt.text = remainder.strip()


def _is_double_spaced(lines: list[Line]) -> bool:
    """True when wrapped lines are separated by a blank line (double-spaced PDF export).

    The signature is a sentence running on across a single blank line (the
    next line starts in lower case), while text lines are rarely adjacent.
    Web exports also put a blank after every line, but there each line is a
    whole paragraph, so sentences do not run on across the blanks.
    """
    pairs = run_on = adjacent = 0
    for i in range(len(lines) - 1):
        a, b = lines[i].text, lines[i + 1].text
        if a and b:
            adjacent += 1
        elif a and i + 2 < len(lines) and lines[i + 2].text:
            pairs += 1
            c = lines[i + 2].text
            run_on += c[:1].islower() and not a.endswith((".", ":", "!", "?"))
    return pairs >= 8 and run_on >= 0.25 * pairs and adjacent < pairs


def _collapse_double_spacing(lines: list[Line], by_page: bool) -> list[Line]:
    """Remove the blank line after every line where the text is double-spaced.

    Decided per page when form feeds give pages, else for the whole text.
    There a single blank is layout, while two or more blanks still mark a
    paragraph break (kept as one blank).
    """
    segments: dict[int | None, list[int]] = {}
    # A wholly double-spaced text is collapsed everywhere (a page with a short
    # list would not show the signature on its own); otherwise page by page.
    by_page = by_page and not _is_double_spaced(lines)
    for i, ln in enumerate(lines):
        segments.setdefault(ln.page if by_page else None, []).append(i)
    soft: set[int] = set()
    for idx in segments.values():
        seg = [lines[i] for i in idx]
        if not _is_double_spaced(seg):
            continue
        for k in range(1, len(idx) - 1):
            i = idx[k]
            if not lines[i].text and lines[idx[k - 1]].text and lines[idx[k + 1]].text:
                soft.add(i)
    return [ln for i, ln in enumerate(lines) if i not in soft]


def _assign_side_pages(lines: list[Line], marks: list[int | None]) -> None:
    """Page numbers from 'Side N' marks when the loader gave no form feeds.

    A first mark 'Side 1' near the top means marks are headers (lines after
    belong to N); otherwise marks are headers from page 2 on, or footers when
    'Side 1' comes after text (lines before belong to N).
    """
    found = [(i, m) for i, m in enumerate(marks) if m is not None]
    if not found:
        return
    first_i, first_n = found[0]
    text_before = sum(1 for ln in lines[:first_i] if ln.text)
    footer = first_n == 1 and text_before > 5
    if footer:
        start = 0
        for i, n in found:
            for ln in lines[start : i + 1]:
                ln.page = n
            start = i + 1
        last = found[-1][1] + 1
        for ln in lines[start:]:
            ln.page = last
    else:
        page = max(1, first_n - 1)
        k = 0
        for i, ln in enumerate(lines):
            while k < len(found) and found[k][0] <= i:
                page = found[k][1]
                k += 1
            ln.page = page


# "UDVALG     : Klyngestyregruppen          KLYNGE  : Hvidovreklyngen": two fixed-width fields.
_SECOND_FIELD = re.compile(r"\s{3,}(?=[A-ZÆØÅ][\wæøåÆØÅ ]{1,24}?\s*:\s)")


def _split_field_pairs(lines: list[Line]) -> list[Line]:
    """A metadata line holding two "LABEL : value" fields side by side becomes two lines."""
    out: list[Line] = []
    for ln in lines:
        parts = _SECOND_FIELD.split(ln.text) if P.match_label(ln.text) else [ln.text]
        if len(parts) > 1:
            out.extend(Line(p.strip() if k else p.rstrip(), ln.page, ln.indent) for k, p in enumerate(parts))
        else:
            out.append(ln)
    return out


def _label_rows_to_fields(lines: list[Line]) -> list[Line]:
    """A metadata table whose first row names the columns ("Mødedato<TAB>Mødested<TAB>Mødeleder")
    and whose second row holds the values: one "label: value" line per column, as the
    metadata reader expects."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        cells = ln.text.split("\t") if "\t" in ln.text else []
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        values = nxt.text.split("\t") if nxt is not None and "\t" in nxt.text else []
        if cells and len(values) == len(cells) and all(map(P.is_label, cells)) \
                and not any(map(P.is_label, values)):
            out.extend(Line(f"{c.strip()}: {v.strip()}", ln.page, ln.indent)
                       for c, v in zip(cells, values, strict=True))
            i += 2
            continue
        out.append(ln)
        i += 1
    return out


def clean_text(text: str) -> Cleaned:
    """Normalise extracted minutes text into clean lines (see module docstring)."""
    text = _unquote(normalise_chars(text))
    lines, has_ff = _split_pages(text)
    marks = _mark_chrome(lines, has_ff)
    if not has_ff:
        _assign_side_pages(lines, marks)
    letterhead = _take_letterheads(lines)
    vocabulary = {w.lower() for w in re.findall(r"[\wæøåÆØÅ]{4,}", text)}
    lines = _collapse_double_spacing(lines, by_page=has_ff)
    _dehyphenate(lines, vocabulary)
    lines = _label_rows_to_fields(_split_field_pairs(lines))
    # Collapse runs of blank lines (page-break padding) to one.
    out: list[Line] = []
    for ln in lines:
        if ln.blank and (not out or out[-1].blank):
            continue
        out.append(ln)
    while out and out[-1].blank:
        out.pop()
    pages = max((ln.page for ln in out if ln.page is not None), default=None)
    return Cleaned(lines=out, letterhead=letterhead, pages=pages)
