"""Metadata and attendance blocks: "Deltagere:", "Afbud:", "Tid og sted:", ...

Such blocks belong to the meeting's header unit wherever extraction put them:
at the top, after the last item ("I mødet deltog: ... Fraværende: ..."), or
displaced into the middle of an item when a PDF's text boxes were read out of
order. This module finds them and turns their lines into participants.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.parse import patterns as P
from rag.parse.clean import Line, flatten_cells


@dataclass
class Block:
    """Lines ``start``..``end`` (exclusive) forming one metadata block."""

    start: int
    end: int
    labels: list[str] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)
    inline: set[str] = field(default_factory=set)  # labels whose value stood on the label line

    @property
    def has_participants(self) -> bool:
        return any(P.is_participant_label(lb) for lb in self.labels)

    @property
    def entries(self) -> int:
        return sum(len(v) for v in self.fields.values())

    def is_clearly_metadata(self) -> bool:
        """An attendance list plus other meeting fields: the meeting's own metadata block.

        One "Deltagere:" list alone may be an item's working group, and
        "Tidspunkt:/Sted:" alone may describe the next meeting, so neither
        qualifies (after the last item the caller accepts a lone list).
        """
        return len(set(self.labels)) >= 2 and self.has_participants


# Words that open the next part of the document, ending an attendance list.
_DOC_PART = re.compile(
    r"^(?:dagsorden|referat|indhold|indholdsfortegnelse|punkter|program)\b\s*:?$", re.IGNORECASE
)
# Fields whose value (an address, "Tid og sted: <time>" + "<place>") may run over lines.
_PLACE_FIELDS = frozenset({"tid og sted", "sted", "mødested", "adresse", "lokale"})
_BARE_NUMBER = re.compile(r"^\d{1,2}\.$")
_PROSE_START = re.compile(r"^(?:at|det|der|den|vi|han|hun|som|hvis|når|dette|her|man)\s", re.IGNORECASE)
_EMAIL = re.compile(r"(?:mailto:)?[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.IGNORECASE)
_ORG_ONLY = re.compile(
    r"^(?:[\wæøåÆØÅ.\-]+\s+){0,4}(?:kommune|region(?:en)?|regionshospital(?:et)?\b.*|hospital\w*|"
    r"psykiatri\w*|regionspsykiatri\w*|praksis|sekretariat(?:et)?|plo\b.*|kl|almen\s+praksis|"
    r"hospitalsenhed\s+\w+|universitetshospital\w*|region\s+[\wæøå]+)\s*:?$",
    re.IGNORECASE,
)


# "Jakob Mørk, direktør ..." / "Mona Friis (sygeplejerske, ...)": an entry opening with a name.
_NAME_FIRST = re.compile(r"^(?:[A-ZÆØÅ][\wæøåéü\-]+\s+){1,3}[A-ZÆØÅ][\wæøåéü\-]+\s*[,(]")
# "Mette Bærentsen er mødeleder." - a sentence about a participant, not an entry.
_SENTENCE = re.compile(r"\s(?:er|var|blev|har|deltager|deltog)\s.*\.$")


def _is_long_entry(s: str) -> bool:
    """A name, then short comma/parenthesis-separated parts (job title, organisation)."""
    return bool(_NAME_FIRST.match(s)) and all(len(part.split()) <= 6 for part in re.split(r"[,()]", s))


def is_prose(s: str) -> bool:
    """A sentence of running text rather than a name/role/organisation entry."""
    words = s.split()
    # "- Jakob Mørk, direktør for Social og Sundhed, Norddjurs Kommune" is a long entry, not prose.
    if P.BULLET_LINE.match(s) and len(words) >= 9 and not _is_long_entry(P.BULLET_LINE.sub("", s)):
        return True
    if len(words) > 18 or len(s) > 160:
        return True
    if s.rstrip().endswith((".", "!", "?")) and len(words) >= 7 and not s.rstrip(" .").endswith(")"):
        return True
    return bool(_PROSE_START.match(s) and len(words) >= 5)


_NUMBERED_TITLE = re.compile(r"^\d{1,2}\.?\s+[A-ZÆØÅ]")


def _opens_item(lines: list[Line], j: int) -> bool:
    """'1 Velkomst' right above 'Beslutning'/'Indstilling': an item heading, whatever its shape.

    PDFs print the number in a box beside the title, so the heading has no
    punctuation ("1 Velkomst og godkendelse af dagsorden") and looks like a list
    entry; the section heading under it tells it apart.
    """
    if not _NUMBERED_TITLE.match(lines[j].text):
        return False
    nxt = next((ln.text for ln in lines[j + 1 : j + 4] if ln.text), "")
    return bool(nxt) and P.match_section_heading(nxt) is not None


# "Nr.<TAB>Punkt<TAB>Beslutning": the header row of an agenda table, never an entry.
_NUMBER_COLUMN = re.compile(r"^(?:nr|pkt|punkt|dagsordens?punkt|#)\.?$", re.IGNORECASE)


def is_agenda_table_header(s: str) -> bool:
    """A table row naming agenda columns: a number column first, or a section column ("Beslutning")."""
    if "\t" not in s:
        return False
    cells = [flatten_cells(c).strip() for c in s.split("\t") if c.strip()]
    if len(cells) < 2 or any(len(c) > 40 for c in cells):
        return False
    if _NUMBER_COLUMN.match(cells[0]):
        return True
    return any((m := P.match_section_heading(c)) is not None and not m[2] for c in cells)


def _next_text(lines: list[Line], j: int) -> str:
    return next((ln.text for ln in lines[j:] if ln.text), "")


def pending_value(block: Block, label: str) -> bool:
    """True while a label printed without a value ("Tid og sted:") may take the next lines."""
    return label not in block.inline


def find_blocks(lines: list[Line], is_heading: Callable[[str], bool]) -> list[Block]:
    """Every run of label lines ("Deltagere:", "Tid og sted:") with the entries under them."""
    blocks: list[Block] = []
    n = len(lines)
    i = 0
    while i < n:
        lab = P.match_label(lines[i].text) if lines[i].text else None
        if not lab:
            i += 1
            continue
        block = Block(start=i, end=i + 1)
        inline: set[str] = set()
        current = lab[0]
        block.labels.append(current)
        block.fields.setdefault(current, [])
        if lab[1]:
            block.fields[current].append(lab[1])
            inline.add(current)
        block.inline = inline
        # A metadata table row ("Afbud<TAB>Jesper Lau, ...") holds its whole value in the cell.
        tabular = "\t" in lines[i].text
        j, blanks = i + 1, 0
        while j < n:
            s = lines[j].text
            if not s:
                blanks += 1
                # After a table the first blank ends the block unless another label follows.
                if blanks > 2 or (tabular and not P.match_label(_next_text(lines, j))):
                    break
                j += 1
                continue
            blanks = 0
            nxt = P.match_label(s)
            if nxt:
                tabular = "\t" in s
                current = nxt[0]
                block.labels.append(current)
                block.fields.setdefault(current, [])
                if nxt[1]:
                    block.fields[current].append(nxt[1])
                    inline.add(current)
                block.end = j + 1
                j += 1
                continue
            if (
                is_heading(s)
                or is_agenda_table_header(s)
                or P.match_section_heading(s)
                or _DOC_PART.match(s)
                or _BARE_NUMBER.match(s)
                or _opens_item(lines, j)
            ):
                break
            values = block.fields[current]
            if P.is_participant_label(current):
                ok = not is_prose(s)
            else:
                # "Tid og sted:" with the time and the place on the next lines; a field with
                # its value on the label line takes no more lines.
                more = pending_value(block, current) or (current in _PLACE_FIELDS and len(s) <= 80)
                ok = more and len(values) < 3 and len(s) <= 150 and not P.BULLET_LINE.match(s)
            if not ok:
                break
            values.append(s)
            block.end = j + 1
            j += 1
        # One paragraph of a table cell is one entry ("Deltagere<TAB>Anne Hansen, ...¶Bo Jensen, ...").
        for label, vals in block.fields.items():
            sep = "; " if P.is_participant_label(label) else " "
            block.fields[label] = [flatten_cells(v, sep) for v in vals]
        blocks.append(block)
        i = block.end
    return blocks


_COLUMN_NAMES = frozenset(
    {"navn", "funktion", "titel", "stilling", "rolle", "organisation", "repræsenterer", "afdeling", "enhed",
     "deltager", "deltagere", "e-mail", "mail", "fremmøde", "til stede", "afbud", "bemærkning"}
)


def is_column_header(s: str) -> bool:
    """'Navn<TAB>Funktion<TAB>Organisation' - the header row of a participant table."""
    cells = [c.strip().lower().rstrip(":") for c in s.split("\t") if c.strip()]
    return len(cells) >= 2 and all(c in _COLUMN_NAMES for c in cells)


def clean_entry(s: str) -> str:
    """A participant entry without bullets and e-mail addresses; table cells joined with commas."""
    s = re.sub(r"\s*\t+\s*", ", ", s.strip("\t "))
    s = P.BULLET_LINE.sub("", s)
    s = _EMAIL.sub("", s)
    s = re.sub(r"\s*,\s*(?=\()", " ", s)
    s = re.sub(r"\s{2,}", " ", s).strip(" ,;/-\u2013")
    return s


def is_org_heading(s: str) -> bool:
    """'Randers Kommune', 'Almen praksis:' - a group heading inside a participant list."""
    s = s.strip()
    if s.endswith(":") and len(s.split()) <= 6:
        return True
    return "," not in s and bool(_ORG_ONLY.match(s))


def _join_wrapped(entries: list[str]) -> list[str]:
    """Rejoin one entry wrapped over lines: an open parenthesis or a trailing comma continues it."""
    out: list[str] = []
    for e in entries:
        prev = out[-1] if out else ""
        cont = prev.count("(") > prev.count(")") or prev.rstrip().endswith(",") or e.lstrip().startswith("(")
        if prev and cont:
            out[-1] = f"{prev.rstrip()} {e.strip()}"
        else:
            out.append(e)
    return out


def _split_entry(entry: str) -> list[str]:
    """';' separates entries; so does ',' right after a parenthesis when it names several people."""
    parts = entry.split(";")
    if entry.count(")") >= 2:
        parts = [x for p in parts for x in re.split(r"(?<=\))\s*,\s*|(?<=\))\s+og\s+", p)]
    return parts


def participants_from_entries(entries: list[str], role: str | None = None) -> list[str]:
    """Names/roles from entry lines, skipping organisation headings and prose."""
    out: list[str] = []
    # "Anne Hansen, Horsens Kommune; Bo Jensen, Regionshospitalet Horsens" holds two entries,
    # and so does "Anne Hansen (Horsens Kommune), Bo Jensen (Regionshospitalet Horsens)".
    parts = [p for entry in _join_wrapped(entries) for p in _split_entry(entry)]
    for raw in parts:
        if is_column_header(raw):
            continue
        e = clean_entry(raw)
        if not e or is_org_heading(e) or is_prose(e) or not re.search(r"[A-ZÆØÅ]", e):
            continue
        if P.match_section_heading(e) or _DOC_PART.match(e) or _SENTENCE.search(e):
            continue
        out.append(f"{e} ({role})" if role else e)
    return out


_ROLE_LABELS = {
    "mødeleder": "mødeleder",
    "mødeledere": "mødeleder",
    "referent": "referent",
    "referenter": "referent",
    "sekretær": "sekretær",
    "ordstyrer": "ordstyrer",
    "formand": "formand",
    "forperson": "formand",
}
_ABSENT_LABELS = ("afbud", "fraværende", "fravær")


def _role_names(v: str) -> list[str]:
    """'Lars Harder og Thomas Balle Kristensen' -> two names; 'Anne Mohr, specialkonsulent' -> one."""
    if re.search(r",\s*[a-zæøå]", v):
        return [v]  # a name followed by a job title / organisation
    return re.split(r"\s+og\s+|,\s*", v)


def block_participants(block: Block) -> list[str]:
    """Participants named in a block, with the role or absence noted where the label gives it."""
    out: list[str] = []
    for label, values in block.fields.items():
        if not P.is_participant_label(label):
            continue
        role = _ROLE_LABELS.get(label)
        if role is None and label.startswith(_ABSENT_LABELS):
            role = "afbud"
        if role in ("mødeleder", "referent") and values:
            # "Mødeledere: Lars Harder og Thomas Balle Kristensen"
            names = [x for v in values for x in _role_names(clean_entry(v)) if x]
            out.extend(f"{x} ({role})" for x in names)
            continue
        out.extend(participants_from_entries(values, role if role == "afbud" else None))
    return out
