"""Candidate agenda-item headings: every line that *could* open item N.

Minutes number their items in many ways: "3. Title", "10.Forslag", "AD. 9:",
"Ad punkt 4", "Punkt 4: Title", "Dagsordenspunkt 2", "§ 4 Title", "## 1. Title", a DOCX
table row "3<TAB>Title<TAB>Ansvarlig", "3 Title" or a lone "3" above the
title. Sub-lists, numbered tables and lone page numbers produce the same
shapes; ``items.py`` decides which candidates form the agenda. This module
only finds them and reads each title as printed, joining wrapped lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.parse import patterns as P
from rag.parse.clean import Line, flatten_cells
from rag.types import CELL_BREAK

_AD = re.compile(r"^(?:AD|Ad|ad(?=\s+\d{1,2}\s*[\t:.)]?\s*[A-ZÆØÅ]))\s*\.?\s*(?:dagsordenens\s+)?(?:punkt|pkt\.?)?\s*"
                 r"(?P<n>\d{1,2})\b"
                 r"\s*[:.)]?\s*(?P<t>.*)$")  # lower-case "ad 1<TAB>Godkendelse" only before a capital
_PUNKT = re.compile(
    rf"^(?:{P.ITEM_LABEL})\s*:?\s*(?:nr\.?\s*)?(?P<n>\d{{1,2}})\b"
    r"\s*(?:[:.)\-\u2013]\s*)?(?:emne\s*:\s*)?(?P<t>.*)$",  # "Dagsordenspunkt: 3<TAB>Emne: Title" (a form)
    re.IGNORECASE,
)
# "Punkt 3 af 7" at the top of the item's page, the title on the next line ("Punkt 4 af 7 (fortsat)"
# continues an item).
_OF_TOTAL = re.compile(rf"^(?:{P.ITEM_LABEL})\s*(?P<n>\d{{1,2}})\s+af\s+\d{{1,2}}\s*$", re.IGNORECASE)
# "13.10–13.40  Title": an agenda of time slots and no numbers; a break ("Pause") is no item.
_SLOT = re.compile(
    r"^(?:kl\.?\s*)?(?P<h>\d{1,2})[.:](?P<m>\d{2})\s*[-\u2013]\s*\d{1,2}[.:]\d{2}\s*\t?\s*(?P<t>[A-ZÆØÅ].*)$")
_BREAK = re.compile(r"^(?:pause|frokost|kaffe|kaffepause|frokostpause|frokost og pause)\b", re.IGNORECASE)
# "Sag nr. 4: Title", "Sag 4: Title" - the item's number, never a case number ("Sagsnr.: 21/12345"
# has no title).
_SAG = re.compile(r"^sag\s+(?:nr\.?\s*)?(?P<n>\d{1,2})\s*[:.)\-\u2013]\s*(?P<t>(?-i:[A-ZÆØÅ\"'“]).*)$",
                  re.IGNORECASE)
# "Sag 4a – Title", "Punkt 4b: Title", "4a. Title": an item added to the agenda after item 4
# (a "tillægsdagsorden"). Read apart from the numbered chain and slotted in after its item.
_SUFFIXED = re.compile(
    rf"^(?:(?:sag|{P.ITEM_LABEL})\s+(?:nr\.?\s*)?)?(?P<n>\d{{1,2}})(?P<s>(?-i:[a-f]))"
    r"\s*[:.)\-\u2013]\s*(?P<t>(?-i:[A-ZÆØÅ\"'“]).*)$",
    re.IGNORECASE,
)
# "Sag 31/2024  Title": a case number running through the year, cited as printed ("31/2024").
_CASE = re.compile(
    rf"^(?:sag|{P.ITEM_LABEL})\s+(?:nr\.?\s*)?(?P<n>\d{{1,3}})/(?P<y>(?:19|20)\d\d|\d\d)"
    r"\s*[:.)\-\u2013]?\s+(?P<t>(?-i:[A-ZÆØÅ\"'“]).*)$",
    re.IGNORECASE,
)
# "§ 3  Title" (a statute-like layout); "§ 79 i serviceloven" is a reference, not an item.
_PARAGRAPH = re.compile(r"^§\s*(?P<n>\d{1,2})\.?\s+(?P<t>[A-ZÆØÅ\"'“].*)$")
_MD = re.compile(r"^#{1,6}\s*(?:(?:punkt|pkt\.?)\s*)?(?P<n>\d{1,2})\s*[.):]?\s+(?P<t>.+)$", re.IGNORECASE)
_TAB = re.compile(r"^(?:(?:punkt|pkt\.?)\s*)?(?P<n>\d{1,2})\.?\s*\t\s*(?P<t>.+)$", re.IGNORECASE)
_NUM_FORMS = (  # "3. Title", "3) Title"; "3/ Title"; "(3) Title"
    re.compile(r"^(?P<n>\d{1,2})\s?[.)]\s*(?P<t>\S.*)$"),
    re.compile(r"^(?P<n>\d{1,2})/\s+(?P<t>[A-ZÆØÅ].*)$"),
    re.compile(r"^\((?P<n>\d{1,2})\)\s+(?P<t>[A-ZÆØÅ].*)$"),
)
_DASH = re.compile(r"^(?P<n>\d{1,2})\s+[-\u2013]\s+(?P<t>[A-ZÆØÅ].*)$")  # "3 - Title"
_SPACE = re.compile(r"^(?P<n>\d{1,2})\s{1,4}(?P<t>[A-ZÆØÅ][^\t]{2,})$")
_BARE = re.compile(r"^(?P<n>\d{1,2})\.?$")
# "III. Title" / "IV) Title": upper-case roman numerals (I..XXXIX) before a capitalised title.
_ROMAN = re.compile(
    r"^(?:(?:punkt|pkt\.?)\s+)?(?P<r>X{0,3}(?:IX|IV|V?I{0,3}))[.)]\s+(?P<t>[A-ZÆØÅ\"'“].*)$"
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
# "C. Title" / "C)<TAB>Title": items lettered A, B, C … (I, V and X read as roman numerals).
_LETTER = re.compile(r"^(?P<l>[A-HJ-UWYZ])[.)]\s+(?P<t>[A-ZÆØÅ\"'“].*)$")
# "V. Hansen, overlæge" / "I. Juul (PLO)": an initial before a name, not an item numbered V or I.
_NAME_ENTRY = re.compile(r"^[A-ZÆØÅ][\wæøå\-]+(?:\s+[A-ZÆØÅ][\wæøå\-]+){0,2}\s*[,(/]")


def roman_value(r: str) -> int:
    """'XIV' -> 14 (well-formed numerals only, as matched by ``_ROMAN``)."""
    total = 0
    for a, b in zip(r, r[1:] + " ", strict=True):
        v = _ROMAN_VALUES[a]
        total += -v if b != " " and _ROMAN_VALUES[b] > v else v
    return total
_SUBNUMBER = re.compile(r"^\d{1,2}\.\d")
# "3.0   Title": items numbered N.0 (their sections are 3.1, 3.2 …, never items).
_POINT_ZERO = re.compile(r"^(?P<n>\d{1,2})\.0\s+(?P<t>[A-ZÆØÅ\"'“].*)$")
_TIME_CELL = re.compile(r"^(?:kl\.?\s*)?\d{1,2}[.:]\d{2}(?:\s*[-\u2013]\s*\d{1,2}[.:]\d{2})?$", re.IGNORECASE)
_TITLE_START = re.compile(r"^[\"'”“«(\[]?[A-ZÆØÅÉ0-9]")
_CONNECTOR_END = re.compile(
    r"(?:[,&\-\u2013/]|\b(?:og|i|for|om|af|til|med|på|ved|samt|fra|vedr\.|vedrørende|mellem|under|efter|"
    r"hos|eller|at|v\.|inkl\.|ifm\.|herunder|mhp\.|jf\.|del))$",
    re.IGNORECASE,
)


@dataclass
class Candidate:
    """A line that may open agenda item ``number``; ``end`` is the first body line."""

    line: int
    number: int
    kind: str
    title: str
    end: int
    indent: int
    extra: str = ""
    score: float = 0.0
    prefix: str = ""  # a group's letter when numbering restarts per group: "O" in "O1"
    suffix: str = ""  # an item added after another: "a" in "4a"; the year of case "31/2024"

    @property
    def label(self) -> str:
        """The item number as cited: "4"; "O1" for item 1 under "Punkter til orientering"; "4a"
        for an item added after item 4; "C" for the third of lettered items."""
        if self.kind == "letter":
            return chr(ord("A") + self.number - 1)
        return f"{self.prefix}{self.number}{self.suffix}"


_LEADER = re.compile(r"\s*(?:\.{3,}|…+|_{3,})\s*(?:side\s*)?\d{0,3}\s*$", re.IGNORECASE)


def tidy_title(t: str) -> str:
    """One line, single spaces, no markdown emphasis, table-of-contents leader or trailing colon."""
    t = re.sub(r"\s+", " ", t.replace("**", "").replace("__", "")).strip()
    t = _LEADER.sub("", t)
    return t.rstrip(":").rstrip()


@dataclass(frozen=True)
class Layout:
    """How the text is wrapped: ``width`` of full lines (None if unknown), or ``unwrapped`` paragraphs."""

    width: int | None
    unwrapped: bool


def text_layout(lines: list[Line]) -> Layout:
    """Typical width of wrapped lines; web exports put each paragraph on one long line."""
    lengths = sorted(len(ln.text) for ln in lines if ln.text)
    if len(lengths) < 25:
        return Layout(None, False)  # too little text to tell
    p90 = lengths[int(len(lengths) * 0.9)]
    return Layout(p90, False) if p90 <= 140 else Layout(None, True)


def _match(s: str) -> tuple[str, int, str] | None:
    """(kind, number, title text) when ``s`` has the shape of an item heading."""
    m = _POINT_ZERO.match(s)
    if m:
        return "num", int(m.group("n")), m.group("t")
    if _SUBNUMBER.match(s):
        return None
    m = _OF_TOTAL.match(s)
    if m:
        return "punkt", int(m.group("n")), ""
    for kind, rx in (("ad", _AD), ("punkt", _PUNKT), ("punkt", _SAG), ("punkt", _PARAGRAPH), ("md", _MD)):
        m = rx.match(s)
        if m and (kind != "punkt" or s[:1].isupper() or s[:1] in "#§"):
            return kind, int(m.group("n")), m.group("t")
    m = _LETTER.match(s)
    if m and not _NAME_ENTRY.match(m.group("t")):
        return "letter", ord(m.group("l")) - ord("A") + 1, m.group("t").split("\t")[0]
    if "\t" in s:
        m = _TAB.match(s)
        if m:
            return "tab", int(m.group("n")), m.group("t")
    m = next((m for rx in _NUM_FORMS if (m := rx.match(s))), None)
    if m:
        t = m.group("t")
        return ("num", int(m.group("n")), t) if _TITLE_START.match(t) else None
    m = _DASH.match(s)
    if m:
        return "dash", int(m.group("n")), m.group("t")
    m = _SPACE.match(s)
    if m:
        return "space", int(m.group("n")), m.group("t")
    m = _BARE.match(s)
    if m:
        return "bare", int(m.group("n")), ""
    m = _ROMAN.match(s)
    if m and m.group("r"):
        return "roman", roman_value(m.group("r")), m.group("t")
    return None


def looks_like_heading(s: str) -> bool:
    """True when a line has a numbered-heading shape (used to end metadata blocks)."""
    if _CASE.match(s):
        return True
    m = _match(s)
    if m is not None and m[0] == "roman" and _NAME_ENTRY.match(m[2]):
        return False  # "V. Hansen, overlæge" in a participant list
    return m is not None and m[0] not in ("space", "bare") and 0 < m[1] <= 60


def _stops_title(s: str) -> bool:
    return bool(_match(s) or _CASE.match(s) or P.match_section_heading(s) or P.match_label(s) or P.BULLET_LINE.match(s))


def _continues(prev: str, nxt_line: Line, head_indent: int, layout: Layout) -> bool:
    """Does ``nxt_line`` continue a title whose last printed line is ``prev``?"""
    nxt = nxt_line.text
    if not nxt or _stops_title(nxt) or prev.endswith((":", "?", "!")):
        return False
    if _CONNECTOR_END.search(prev):
        return True
    if prev.endswith("."):
        return False
    if nxt.startswith(("(kl", "v/", "V/", "ved ")) or P.STATUS_SUFFIX.fullmatch(nxt):
        # Time slot, presenter or "(orientering)" pushed to their own line.
        return True
    if layout.unwrapped:
        # Web text: a line break is a paragraph break.
        return False
    width = layout.width
    long_prev = len(prev) >= (0.6 * width if width else 50)
    hanging = nxt_line.indent >= head_indent + 2 and len(nxt) <= 60 and not nxt.endswith(".")
    if hanging and (nxt[0].islower() or long_prev):
        return True  # hanging indent under a numbered heading ("    direktør Per Jørgensen")
    if nxt[0].islower() and len(prev) >= (0.5 * width if width else 45):
        return True
    if not width:
        return False
    # A capitalised continuation only follows a line that ran to the right margin.
    return len(prev) >= 0.8 * width and len(nxt) <= 0.8 * width


def _crosses_blank(prev: str, nxt: str, layout: Layout) -> bool:
    """May a title continue after one blank line? Only when it plainly is unfinished.

    "... sundhedshus i" cannot end a title; a line that ran to the right margin
    followed by a lower-case line is a wrap in double-spaced text.
    """
    if _CONNECTOR_END.search(prev):
        return True
    full = layout.width is not None and len(prev) >= 0.8 * layout.width
    return full and nxt[:1].islower() and not prev.endswith((".", ":", "?", "!"))


_COLUMN_GAP = re.compile(r"\s{3,}")  # between fixed-width columns; a title has single spaces


def _read_title(
    lines: list[Line], idx: int, first: str, layout: Layout, wraps: bool = True
) -> tuple[str, int]:
    """The title starting on line ``idx`` (text ``first``) and the index after its last line."""
    first = _COLUMN_GAP.split(first.strip())[0]  # a fixed-width agenda row: "Title    Ansvarlig    Type"
    parts = [first] if first else []
    j = idx + 1
    if not parts:
        # "Punkt 4:" / a lone "4" with the title on the next line.
        while j < len(lines) and lines[j].blank and j <= idx + 2:
            j += 1
        if j < len(lines) and lines[j].text and not _stops_title(lines[j].text):
            parts.append(lines[j].text)
            j += 1
        else:
            return "", idx + 1
    extra = 0
    while wraps and j < len(lines) and extra < 3 and sum(map(len, parts)) < 400:
        k = j
        if lines[j].blank and j + 1 < len(lines) and _crosses_blank(parts[-1], lines[j + 1].text, layout):
            k = j + 1
        if not _continues(parts[-1], lines[k], lines[idx].indent, layout):
            break
        parts.append(_COLUMN_GAP.split(lines[k].text.strip())[0])
        j = k + 1
        extra += 1
    return tidy_title(" ".join(parts)), j


def read_heading(lines: list[Line], idx: int, first: str) -> tuple[str, int]:
    """The heading on line ``idx`` (``first``: its text after any number) with its wrapped
    lines, and the index after its last line."""
    return _read_title(lines, idx, first, text_layout(lines))


def _tab_title(row: str, header: list[str]) -> tuple[str, str]:
    """Title cell and the other cells of a table row ("3<TAB>Title<TAB>Beslutning text").

    Cells under a column named like a section ("Beslutning", "Referat") are
    written as "Beslutning: text" so the item gets that section.
    A cell of several paragraphs (CELL_BREAK) keeps them as lines: the title cell's first
    paragraph is the title and the ones under it (the case description) open the body.
    """
    cells = [c.strip() for c in row.split("\t")]
    title, rest = "", []
    for col, c in enumerate(cells):
        paras = [p.strip() for p in c.split(CELL_BREAK) if p.strip()]
        if col == 0 or not paras:
            continue
        if not title and re.search(r"[A-Za-zÆØÅæøå]{2}", paras[0]) and not _TIME_CELL.match(paras[0]):
            title = paras[0]
            rest.extend(paras[1:])
            continue
        name = header[col] if col < len(header) else ""
        if not re.search(r"\w", paras[0]):  # "–" under "Beslutning": no decision
            continue
        if name and P.match_section_heading(name):
            paras[0] = f"{name}: {paras[0]}"
        rest.extend(paras)
    return tidy_title(title), "\n".join(rest)


GROUP_ROW_WORDS = 6


def is_group_row(text: str) -> bool:
    """A table row of one merged cell that groups the rows under it ("Sager til beslutning")."""
    s = text.strip()
    return bool(s) and "\t" not in s and len(s.split()) <= GROUP_ROW_WORDS and not s.endswith((".", ":"))


def _table_header(lines: list[Line], i: int) -> list[str]:
    """Column names of the table a row belongs to ("Nr.<TAB>Punkt<TAB>Beslutning")."""
    group_rows = 0
    for k in range(i - 1, max(-1, i - 40), -1):
        s = lines[k].text
        if not s:
            continue
        if "\t" not in s:
            # A group row inside the table; two such lines in a row, or a sentence, mean the
            # table ended above.
            group_rows += 1
            if group_rows > 1 or not is_group_row(s):
                return []
            continue
        group_rows = 0
        cells = [flatten_cells(c).strip() for c in s.split("\t")]
        if not re.match(r"^\d", cells[0]):
            return cells
    return []


def find_candidates(lines: list[Line], excluded: set[int]) -> list[Candidate]:
    """Every possible item heading, in document order, with its title read as printed."""
    layout = text_layout(lines)
    out: list[Candidate] = []
    slot_number, last_start = 0, -1
    for i, ln in enumerate(lines):
        if not ln.text or i in excluded:
            continue
        slot = _SLOT.match(ln.text)
        if slot:
            start = int(slot.group("h")) * 60 + int(slot.group("m"))
            if start <= last_start:
                slot_number = 0  # the day starts again: the agenda's programme, then the minutes
            last_start = start
            title = tidy_title(slot.group("t").split("\t")[0])
            if not _BREAK.match(title):
                slot_number += 1
                out.append(Candidate(i, slot_number, "slot", title, i + 1, ln.indent))
            continue
        case = _CASE.match(ln.text)
        if case:
            title, end = _read_title(lines, i, case.group("t"), layout)
            out.append(Candidate(i, int(case.group("n")), "case", title, end, ln.indent,
                                 suffix=f"/{case.group('y')}"))
            continue
        added = _SUFFIXED.match(ln.text)
        if added:
            title, end = _read_title(lines, i, added.group("t"), layout)
            out.append(Candidate(i, int(added.group("n")), "added", title, end, ln.indent,
                                 suffix=added.group("s")))
            continue
        m = _match(ln.text)
        if not m or not 0 < m[1] <= 60:
            continue
        kind, number, t = m
        if kind == "tab":
            title, extra = _tab_title(ln.text, _table_header(lines, i))
            out.append(Candidate(i, number, kind, title, i + 1, ln.indent, extra))
            continue
        if kind == "bare":
            title, end = _read_title(lines, i, "", layout)
            if not title or not title[:1].isupper():
                continue
        else:
            # Markdown headings are one line by construction.
            title, end = _read_title(lines, i, t, layout, wraps=kind != "md")
        title, extra = _pipe_fields(title)
        out.append(Candidate(i, number, kind, title, end, ln.indent, extra))
    return out


def _pipe_fields(title: str) -> tuple[str, str]:
    """"Punkt 4 | Title | Sagsnr. 24/7715 | Ansvarlig: NN": the title is the first field; the
    others (case number, who is responsible) stay in the item's text."""
    if "|" not in title:
        return title, ""
    fields = [f.strip() for f in title.strip("| ").split("|") if f.strip()]
    if not fields:
        return "", ""
    return fields[0], "\n".join(fields[1:])
