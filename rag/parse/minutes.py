"""parse_minutes: the parser's pipeline, text -> ``Meeting``.

clean (lines, pages, letterheads) -> metadata blocks -> candidate headings ->
agenda chain (+ agenda list) -> item spans without displaced metadata ->
sections/decision -> header unit -> date, cluster, body, place, title.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PureWindowsPath

from rag.errors import ParseError
from rag.parse import blocks as B
from rag.parse import meta
from rag.parse import patterns as P
from rag.parse.candidates import Candidate, find_candidates, is_group_row, looks_like_heading
from rag.parse.clean import Line, clean_text, flatten_cells
from rag.parse.cluster import detect_cluster
from rag.parse.items import extends, select_items
from rag.parse.meeting_date import DateLine, date_from_name, find_meeting_date
from rag.parse.sections import decision_text, implicit_outcome, split_sections, tidy_text
from rag.settings import ParseSettings
from rag.text import ITEM_NUMBER
from rag.types import AgendaItem, HeaderUnit, Meeting

logger = logging.getLogger(__name__)

_PARTICIPANT_ITEM = re.compile(
    r"^(?:mødedeltagere|deltagere|deltagerliste|fremmødte|tilstedeværende|til stede|fremmøde)\b",
    re.IGNORECASE,
)
_MEETING_OF = re.compile(r"\bmødet i\s+(?:den\s+)?([A-ZÆØÅ][\wæøå\-]+(?:\s+[A-ZÆØÅ][\wæøå\-]+){0,3})")


def slugify(stem: str) -> str:
    """A stable, URL-safe id from a file name stem ('Referat 22.06.17' -> 'referat-22-06-17')."""
    s = stem.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "minutes"


def _file_name(source: str) -> str:
    # PureWindowsPath splits on both "/" and "\\", whatever the platform.
    return PureWindowsPath(source).name or source


def _pages(lines: list[Line], a: int, b: int) -> tuple[int, ...]:
    return tuple(sorted({ln.page for ln in lines[a:b] if ln.page is not None and ln.text}))


def _owner(items: list[Candidate], line: int) -> int | None:
    """Index of the item whose span holds ``line`` (None for the front matter)."""
    owner = None
    for k, c in enumerate(items):
        if c.line <= line:
            owner = k
    return owner


def _dedupe(xs: list[str]) -> list[str]:
    return list(dict.fromkeys(x for x in xs if x))


@dataclass
class _Layout:
    """Where things are in the cleaned lines, shared by the build steps below."""

    lines: list[Line]
    items: list[Candidate]
    first: int  # first line of the first item (end of the front matter)
    toc: list[Candidate]
    header_blocks: list[B.Block]
    moved: set[int]
    group_lines: set[int]  # group headings between items ("Punkter til orientering")


def _locate(lines: list[Line], warnings: list[str]) -> _Layout:
    """Find metadata blocks and agenda items; decide which blocks leave the items."""
    blocks = B.find_blocks(lines, looks_like_heading)
    in_block = {i for b in blocks for i in range(b.start, b.end)}
    sel = select_items(lines, find_candidates(lines, in_block))
    for ln in lines:  # candidates have read the table cells' paragraphs; from here rows are text
        ln.text = flatten_cells(ln.text)
    warnings.extend(sel.warnings)
    items = sel.items
    first = items[0].line if items else len(lines)
    header_blocks = [b for b in blocks if b.start < first]
    moved: set[int] = set()
    for b in blocks:
        if b.start < first:
            continue
        # Blocks inside items were displaced there by extraction, or follow the last item.
        last = _owner(items, b.start) == len(items) - 1
        if b.is_clearly_metadata() or (last and b.has_participants and b.entries >= 2):
            header_blocks.append(b)
            moved.update(range(b.start, b.end))
    if moved:
        warnings.append(f"moved {len(moved)} metadata/attendance lines from items to the header")
    header_blocks.sort(key=lambda b: b.start)
    return _Layout(lines, items, first, sel.toc, header_blocks, moved, sel.group_lines)


# A table of every item's decision after the last item: a header row "Punkt<TAB>Beslutning"
# (perhaps under a title "Beslutninger"), then one row per item "3<TAB>Tidsplanen blev godkendt.".
_TABLE_NUMBER = re.compile(r"^(?:punkt|pkt\.?|nr\.?|dagsordenspunkt)$", re.I)
_TABLE_DECISION = re.compile(r"^(?:beslutning(?:er)?|referat|konklusion(?:er)?)$", re.I)
_TABLE_TITLE = re.compile(r"^(?:beslutninger|beslutningsoversigt|oversigt over beslutninger)\s*:?$", re.I)


def _decision_table(lines: list[Line], after: int) -> tuple[dict[str, str], set[int]]:
    """Decisions printed as a table after the last item: (item number -> decision, its lines)."""
    for h in range(after + 1, len(lines)):
        cells = [c.strip() for c in lines[h].text.split("\t")]
        if len(cells) != 2 or not (_TABLE_NUMBER.match(cells[0]) and _TABLE_DECISION.match(cells[1])):
            continue
        used = {h}
        title = next((j for j in range(h - 1, after, -1) if lines[j].text), None)
        if title is not None and _TABLE_TITLE.match(lines[title].text.strip()):
            used.add(title)
        out: dict[str, str] = {}
        for j in range(h + 1, len(lines)):
            if not lines[j].text:
                continue
            number, sep, text = lines[j].text.partition("\t")
            number = number.strip().rstrip(".)")
            if not sep or not re.fullmatch(ITEM_NUMBER, number) or not text.strip():
                break
            out[number] = text.strip()
            used.add(j)
        return (out, used) if out else ({}, set())
    return {}, set()


def _without_group_row(body: list[str]) -> list[str]:
    """A table row's body without the merged-cell row ("Sager til orientering") that groups the
    rows after it: it heads the next rows and is no part of this item."""
    end = len(body)
    while end and not body[end - 1].strip():
        end -= 1
    if end and is_group_row(body[end - 1]):
        return body[: end - 1]
    return body


_OWN_LABEL = re.compile(rf"^(?:{P.ITEM_LABEL})\s*\d{{1,2}}\s*[:.\-\u2013]?\s+", re.IGNORECASE)


def _build_items(lay: _Layout) -> tuple[list[AgendaItem], list[str]]:
    """Agenda items, and participants listed by an item that is itself the attendance list."""
    lines = lay.lines
    # An agenda list entry "1. Pkt. 01 Title" repeats the item's own label: the title is "Title".
    toc_titles = {c.number: P.STATUS_SUFFIX.sub("", _OWN_LABEL.sub("", c.title)) for c in lay.toc if c.title}
    table, table_lines = _decision_table(lines, lay.items[-1].line) if lay.items else ({}, set())
    skip = lay.moved | lay.group_lines | table_lines
    agenda: list[AgendaItem] = []
    attendance: list[str] = []
    for k, c in enumerate(lay.items):
        end = lay.items[k + 1].line if k + 1 < len(lay.items) else len(lines)
        body = [lines[i].text for i in range(c.end, end) if i not in skip]
        if c.kind == "tab" and k + 1 < len(lay.items) and lay.items[k + 1].kind == "tab":
            body = _without_group_row(body)
        if c.extra:
            body = c.extra.split("\n") + body
        if c.label in table:  # the decisions table's row is this item's decision section
            body = [*body, "Beslutning:", table[c.label]]
        sections = split_sections(body)
        # The agenda list's wording is the title as printed in the agenda.
        # ... unless the heading is that wording with more after it (the agenda list shortened it).
        entry = None if c.prefix or c.kind == "title" else toc_titles.get(c.number)  # "title": found by its wording
        title = (c.title if entry and extends(c.title, entry) else entry) or c.title or f"Punkt {c.label}"
        agenda.append(
            AgendaItem(
                number=c.label,
                title=title,
                text=tidy_text(body),
                sections=sections,
                decision=decision_text(sections) or implicit_outcome(sections),
                pages=_pages(lines, c.line, end),
            )
        )
        if _PARTICIPANT_ITEM.match(title):
            entries = [s for s in body if s and not P.match_section_heading(s)]
            attendance.extend(B.participants_from_entries(entries))
    return agenda, attendance


# Who wrote and who approved the minutes, as the last lines say it ("Således opfattet IKA",
# "Godkendt af SA og LKL", "Referent: Hanne Mark"): meeting metadata, also shown in the header.
_SIGN_OFF = re.compile(
    r"^\s*(?:således opfattet|godkendt af|referatet (?:er )?godkendt|referent\s*:|ref\.\s*:|"
    r"referat(?:et)? (?:er )?(?:udarbejdet|skrevet|taget) af|underskrevet af)\b",
    re.I,
)
SIGN_OFF_LINES = 6  # the last non-empty lines of the last item searched for a sign-off


def _sign_off(agenda: list[AgendaItem]) -> list[str]:
    """Sign-off lines at the end of the minutes (they stay in the last item too)."""
    if not agenda:
        return []
    tail = [ln.strip() for ln in agenda[-1].text.split("\n") if ln.strip()][-SIGN_OFF_LINES:]
    return [ln for ln in tail if _SIGN_OFF.match(ln)]


def _header_text(lay: _Layout, letterhead: list[Line], attendance: list[str], sign_off: list[str]) -> str:
    """Front matter, moved blocks, letterheads, an attendance item's list and the sign-off."""
    parts = [tidy_text([lay.lines[i].text for i in range(lay.first)])]
    for b in lay.header_blocks:
        if b.start >= lay.first:
            parts.append(tidy_text([lay.lines[i].text for i in range(b.start, b.end)]))
    if letterhead:
        parts.append("\n".join(ln.text for ln in letterhead))
    if sign_off:
        parts.append("\n".join(sign_off))
    if attendance:
        parts.append("Mødedeltagere:\n" + "\n".join(attendance))
    return "\n\n".join(p for p in parts if p)


def _participants(lay: _Layout, attendance: list[str], warnings: list[str]) -> list[str]:
    out: list[str] = []
    first_text = next((ln.text for ln in lay.lines if ln.text), "")
    if first_text[:1].islower():
        warnings.append("document beginning seems missing (first line starts mid-sentence)")
        stop = min([b.start for b in lay.header_blocks if b.start < lay.first] + [lay.first])
        # The tail of a participant list whose label was cut off with the beginning.
        out.extend(B.participants_from_entries([lay.lines[i].text for i in range(stop)]))
    for b in lay.header_blocks:
        out.extend(B.block_participants(b))
    out.extend(attendance)
    return _dedupe(out)


def parse_minutes(text: str, source: str, settings: ParseSettings | None = None) -> Meeting:
    """Parse minutes text into a ``Meeting``; pure and deterministic.

    Raises ``ParseError`` only when the text holds no words at all.
    """
    settings = settings or ParseSettings()
    file = _file_name(source)
    if not re.search(r"[^\W\d_]{2}", text or ""):
        raise ParseError(f"{file}: no text to parse", danish="Filen indeholder ingen tekst.")
    warnings: list[str] = []
    cleaned = clean_text(text)
    lay = _locate(cleaned.lines, warnings)
    agenda, attendance = _build_items(lay)
    header_text = _header_text(lay, cleaned.letterhead, attendance, _sign_off(agenda))
    participants = _participants(lay, attendance, warnings)

    fields: dict[str, list[str]] = {}
    for b in lay.header_blocks:
        for label, values in b.fields.items():
            fields.setdefault(label, []).extend(values)
    front = [lay.lines[i].text for i in range(lay.first)]
    title, title_lines = meta.read_title(front)
    toc_lines = {i for c in lay.toc for i in range(c.line, c.end)}
    date, date_warnings = find_meeting_date(
        _date_lines(lay, title_lines, toc_lines, cleaned.letterhead, agenda)
    )
    if date is None and date_from_name(file):
        date = date_from_name(file)
        date_warnings = [f"meeting date taken from the file name ({date})"]
    warnings.extend(date_warnings)

    item_text = "\n".join(f"{it.title}\n{it.text}" for it in agenda)
    regions = {"title": title or "", "header": header_text, "body": item_text}
    cres = detect_cluster(regions, settings.cluster_aliases, settings.cluster_places)
    warnings.extend(cres.warnings)

    above = [ln.text for ln in lay.lines[:lay.first] if ln.text and len(ln.text) <= 100]
    body = _body(title, fields, header_text, agenda, warnings, _front_lines(lay), above)
    place = (
        meta.place_from_fields(fields)
        or meta.place_from_title([title or "", *title_lines])
        or meta.place_after_time(front)
    )
    if not agenda:
        warnings.append("no agenda items found; all text is in the header")
    logger.debug("parsed %s: %d items, cluster=%s, date=%s", file, len(agenda), cres.cluster, date)
    return Meeting(
        id=slugify(PureWindowsPath(file).stem),
        file=file,
        cluster=cres.cluster,
        body=body,
        date=date,
        place=place,
        title=title,
        participants=tuple(participants),
        header=HeaderUnit(
            text=header_text, participants=tuple(participants), pages=_pages(lay.lines, 0, lay.first)
        ),
        items=tuple(agenda),
        warnings=tuple(_dedupe(warnings)),
    )


def _body(
    title: str | None,
    fields: dict[str, list[str]],
    header_text: str,
    agenda: list[AgendaItem],
    warnings: list[str],
    front: list[str] | None = None,
    above: list[str] | None = None,
) -> str | None:
    """The group that met: from the title, an "Emne:" field, a line of the front matter
    ("Klyngestyregruppen i Midtklyngen" under a letterhead), "mødet i X", else the text.
    A fuller name of the same group above the first item wins ("Følgegruppen for IV-behandling
    i nærområdet" over an e-mail subject's "følgegruppemøde")."""
    found = (meta.body_from_title(title) if title else None) or meta.body_from_fields(fields)
    named = [b for s in front or [] if (b := meta.body_from_title(s))]
    fuller = [b for s in above or [] if (b := meta.body_from_title(s))]
    if found:
        # "Referat fra følgegruppemøde" in the e-mail subject, "Følgegruppen for IV-behandling
        # i nærområdet" on the title line: the same group, the full name.
        # "Sundhedsklynge Aarhus" over "Klyngestyregruppen for Aarhusklyngen": the letterhead names
        # the cluster, the line under it the group that met.
        groups = [b for b in named if not b.lower().startswith("sundhedsklynge")]
        if found.lower().startswith("sundhedsklynge") and groups:
            return groups[0]
        return max((b for b in fuller if b.lower().startswith(found.lower())), key=len, default=found)  # ⊇ named
    if named:
        return named[0]
    m = _MEETING_OF.search(header_text)
    if m and meta.body_from_title(m.group(1)):
        return meta.body_from_title(m.group(1))
    if fuller:  # a title line under the "Dato / Tid / Sted" block, read as the block's last value
        return fuller[0]
    indst = "\n".join(s.text for it in agenda for s in it.sections if s.name == "indstilling")
    everything = "\n".join(it.text for it in agenda)
    found = meta.body_from_text(indst or everything, everything)
    if found:
        warnings.append(f"meeting body inferred from the text ({found})")
    return found


def _front_lines(lay: _Layout) -> list[str]:
    """Short lines before the first metadata block and the first item (title area)."""
    stop = min([b.start for b in lay.header_blocks] + [lay.first])
    return [ln.text for ln in lay.lines[:stop] if ln.text and len(ln.text) <= 100][:8]


def _date_lines(
    lay: _Layout,
    title_lines: list[str],
    toc_lines: set[int],
    letterhead: list[Line],
    agenda: list[AgendaItem],
) -> list[DateLine]:
    """Every line that may hold the meeting date, tagged with how much it is trusted."""
    out = [DateLine(s, "title") for s in title_lines]
    in_block: set[int] = set()
    for b in lay.header_blocks:
        in_block.update(range(b.start, b.end))
        for label, values in b.fields.items():
            if P.TIME_LABEL_RE.match(label):
                source = "time_label"
            elif label == "dato":
                source = "date_label"
            elif P.is_participant_label(label):
                continue
            else:
                source = "header"  # "Emne: Møde 1, 2022 ..." still dates the meeting
            out.extend(DateLine(v, source) for v in values)
    title_set = set(title_lines)
    for i in range(lay.first):
        s = lay.lines[i].text
        if s and i not in in_block and i not in toc_lines and s not in title_set:
            out.append(DateLine(s, "header"))
    out.extend(DateLine(ln.text, "letterhead") for ln in letterhead)
    out.extend(DateLine(lay.lines[i].text, "body") for i in sorted(toc_lines))
    for it in agenda:
        out.extend(DateLine(s, "body") for s in it.text.split("\n") if s)
    return out
