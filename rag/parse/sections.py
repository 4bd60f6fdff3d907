"""An item's body -> named sections (indstilling, sagsfremstilling, beslutning, ...).

Headings may stand alone ("Beslutning"), carry text on the same line
("Beslutning: Dagsordenen blev godkendt."), come in any order (the decision
is often printed first) and repeat ("Drøftelse:" twice). Text before the
first heading is kept as "indledning". The decision is the text of the
decision sections ("Beslutning", "Referat", "Konklusion", "Udvalgets
beslutning"). Minutes without such headings often write the outcome as plain text
right after the proposal ("Det indstilles / At opgaven overleveres til driftsgruppen /
Opgaven blev overleveret til driftsgruppen."): that text, when it reports what happened,
is the decision (``implicit_outcome``). Otherwise the item gets no decision and the answerer
reads the outcome from the text.
"""

from __future__ import annotations

import re

from rag.parse import patterns as P
from rag.types import Section

PREAMBLE = "indledning"
CLOSING = "afslutning"  # text after an empty decision cell ("Beslutning   –"), e.g. remarks after the last item


def tidy_text(lines: list[str]) -> str:
    """Join lines, keeping at most one blank line between paragraphs."""
    out: list[str] = []
    for s in lines:
        s = s.rstrip()
        if not s.strip() and (not out or not out[-1].strip()):
            continue
        out.append(s)
    return "\n".join(out).strip()


# A decision label inside a paragraph, right after a sentence: "… rykket frem. Beslutning: Dagsordenen
# blev godkendt." (e-mailed or hard-wrapped minutes write the outcome on, not under, the paragraph).
_INLINE_LABEL = re.compile(r"(?<=[.!?])\s+(?=(?:Beslutning|Konklusion|Indstilling)\s*:(?:\s|$))")


def split_sections(body: list[str]) -> tuple[Section, ...]:
    """Sections of an item body, in document order."""
    sections: list[Section] = []
    name, heading = PREAMBLE, ""
    buf: list[str] = []
    body = [part for line in body for part in _INLINE_LABEL.split(line)]
    for s in body:
        m = P.match_section_heading(s) if s.strip() else None
        if m:
            text = tidy_text(buf)
            if not text and m[0] == name:
                # "Indstilling" directly followed by "Det indstilles, at ...": one section.
                buf = [m[2]] if m[2] else []
                continue
            if text or name != PREAMBLE:
                sections.append(Section(name, heading, text))
            name, heading, inline = m
            if inline and not re.search(r"\w", inline):
                # "Beslutning   –": the section is empty, and what follows is no part of it (a
                # closing remark after the last item).
                sections.append(Section(name, heading, ""))
                name, heading, inline = CLOSING, "", ""
            buf = [inline] if inline else []
            continue
        buf.append(s)
    text = tidy_text(buf)
    if text or name != PREAMBLE:
        sections.append(Section(name, heading, text))
    return tuple(sections)


def decision_text(sections: tuple[Section, ...]) -> str | None:
    """The decision sections' text, or None when the item has none (or they are empty)."""
    parts = [s.text for s in sections if s.name in P.DECISION_SECTIONS and s.text.strip()]
    return "\n\n".join(parts) if parts else None


# A proposal line ("At dagsorden godkendes", "• at sagen drøftes") and what reports an outcome.
_PROPOSAL = re.compile(r"^\s*(?:[-•–*]\s*)?(?:at|det indstilles|indstillingen)\b", re.I)
_OUTCOME = re.compile(
    r"\b(?:blev|tog|takker|takkede|godkendt|godkendte|besluttet|besluttede|aftalt|aftalte|enig|enighed|"
    r"drøftede|orienterede|præsenterede|indledte|fremlagde|udsættes|udsat|tiltrådte|vedtog|vedtaget)\b",
    re.I,
)


# "Det blev aftalt, at …" opening a line: a decision log's way of writing the decision.
_AGREED_LINE = re.compile(r"^\s*det blev (?:endvidere |desuden |også )?(?:aftalt|besluttet|vedtaget)\b", re.I)


# The group reporting its own conclusion, closing the item: "Fokusgruppen tog orienteringen til
# efterretning …", "Klyngestyregruppen godkendte …" (a one-word subject, a past-tense decision verb).
_CLOSING_LINE = re.compile(
    r"^\s*[A-ZÆØÅ][\wæøå-]+\s+(?:tog\b.{0,40}\btil efterretning|godkendte|besluttede|vedtog|tiltrådte|"
    r"bakkede op)\b"
)
CLOSING_MAX_LINES = 6  # a closing outcome is a short last paragraph, not half the section


def implicit_outcome(sections: tuple[Section, ...]) -> str | None:
    """The outcome in an item with no decision heading: the text that follows the last
    "indstilling" section's "At …" lines when it reports what happened; in an item with no
    headings at all, everything from the first line that opens "Det blev aftalt, at …"; else a
    short closing paragraph of the last section that opens "Det blev besluttet …" or
    "Fokusgruppen tog orienteringen til efterretning …"."""
    if any(s.name in P.DECISION_SECTIONS for s in sections):
        return None
    if len(sections) == 1 and sections[0].name == PREAMBLE:
        lines = sections[0].text.split("\n")
        start = next((k for k, line in enumerate(lines) if _AGREED_LINE.match(line)), None)
        return tidy_text(lines[start:]) if start is not None else None
    if sections and sections[-1].name != "indstilling":
        lines = sections[-1].text.split("\n")
        opens = {k for k, line in enumerate(lines) if k and (_AGREED_LINE.match(line) or _CLOSING_LINE.match(line))}
        if not opens:
            return None
        start = max(opens)  # the closing paragraph: the last such line and those right before it
        while start - 1 in opens:
            start -= 1
        if len([ln for ln in lines[start:] if ln.strip()]) <= CLOSING_MAX_LINES:
            return tidy_text(lines[start:])
        return None
    proposal = next((s for s in reversed(sections) if s.name == "indstilling" and s.text.strip()), None)
    if proposal is None or proposal is not sections[-1]:
        return None  # a background section follows: what comes after the proposal is no outcome
    lines = proposal.text.split("\n")
    k = 0
    while k < len(lines) and (not lines[k].strip() or _PROPOSAL.match(lines[k]) or (
            k and lines[k].lstrip()[:1].islower())):  # a wrapped proposal line continues in lower case
        k += 1
    if k == 0:
        return None  # no "At …" proposal: the section is one text, not proposal + outcome
    outcome = tidy_text(lines[k:])
    return outcome if outcome and _OUTCOME.search(outcome) else None


def sections_dict(sections: tuple[Section, ...]) -> dict[str, str]:
    """Section name -> text; repeated sections are joined with a blank line."""
    out: dict[str, str] = {}
    for s in sections:
        if not s.text:
            out.setdefault(s.name, "")
            continue
        out[s.name] = f"{out[s.name]}\n\n{s.text}".strip() if out.get(s.name) else s.text
    return out
