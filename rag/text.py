"""Sentences of Danish minutes text, for quoting.

Minutes wrap lines mid-sentence, use bullets and tables, and abbreviate with
full stops ("pkt.", "kl.", "ca.", "22.06.17"), so a naive split on ". " breaks
facts apart. Quotes are whitespace-normalised substrings of the item text:
``normalize_ws(item.text)`` contains every sentence returned here verbatim.
"""

from __future__ import annotations

import re

_ABBREV = {
    "pkt", "kl", "ca", "f.eks", "fx", "bl.a", "jf", "nr", "mv", "m.v", "evt", "dvs", "vedr", "inkl",
    "ekskl", "mio", "mia", "kr", "tlf", "hhv", "pga", "iht", "ift", "mht", "div", "stk", "afd", "ang",
    "o.l", "m.fl", "a", "b", "c", "d", "e", "f", "nov", "dec", "jan", "feb", "aug", "sept", "okt",
    "dr", "prof", "ref", "ff", "s", "jun", "jul", "apr", "mar", "pr", "bla", "vha",
    "kap", "adm", "mdr", "lign", "jvf", "iflg", "ifm", "tidl", "gns", "ex", "vejl", "ml",
}
_BULLET = re.compile(r"^\s*(?:[-–•▪◦·*\uf0b7\uf0a7\uf0d8]|o(?=\s)|\d{1,2}[.)](?=\s)|[a-zA-Z][.)](?=\s))\s*")
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"«”0-9])")
# A line ending in one of these words continues on the next line, even after a blank line.
_RUNS_ON = {
    "fra", "i", "til", "og", "af", "med", "for", "på", "om", "at", "en", "et", "den", "det", "der",
    "som", "samt", "eller", "ved", "under", "over", "mellem", "hos", "efter", "før", "de", "vores",
}
_WS = re.compile(r"\s+")
# Numbers minutes write as words ("de to årlige møder"), with their value.
# An agenda item's number as minutes cite it: "3", "12", "O1" (a group numbered anew), "2.1" (an
# item under group heading 2), "4a" (an item added between 4 and 5), "C" (lettered items; not I,
# V or X: roman numerals read as numbers).
ITEM_NUMBER = (r"(?:(?-i:[A-ZÆØÅ])?\d{1,2}(?:\.\d{1,2}|(?-i:[a-f])(?![\wæøå]))?(?![\d.,]?\d)"
               r"|(?-i:[A-HJ-UWYZ])(?![\wæøå]))")

NUMBER_WORDS = {"to": "2", "tre": "3", "fire": "4", "fem": "5", "seks": "6", "syv": "7", "otte": "8",
                "ni": "9", "ti": "10", "elleve": "11", "tolv": "12", "tyve": "20", "tredive": "30",
                "fyrre": "40", "hundrede": "100", "tusind": "1000", "tusinde": "1000"}
_HEADING = re.compile(r"^[A-ZÆØÅ][\wæøåÆØÅ /-]{0,40}:$")


def normalize_ws(text: str) -> str:
    """Collapse all runs of whitespace to one space."""
    return _WS.sub(" ", text).strip()


def _blocks(text: str) -> list[str]:
    """Lines joined into blocks: a blank line, a bullet or a table row starts a new block."""
    blocks: list[str] = []
    cur: list[str] = []
    gap = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            gap = True
            continue
        starts_new = bool(_BULLET.match(raw)) or "\t" in raw or _HEADING.match(line) is not None
        prev_closed = bool(cur) and cur[-1].endswith((":", ";"))
        # A blank line ends a block unless the sentence visibly runs on (double-spaced
        # exports and page breaks put blank lines mid-sentence).
        if gap and cur and (cur[-1].endswith((".", "!", "?")) or not line[0].islower()):
            starts_new = starts_new or cur[-1].rsplit(" ", 1)[-1] not in _RUNS_ON
        gap = False
        if cur and (starts_new or prev_closed):
            blocks.append(" ".join(cur))
            cur = []
        cur.append(line)
        if _HEADING.match(line):
            blocks.append(" ".join(cur))
            cur = []
    if cur:
        blocks.append(" ".join(cur))
    return [normalize_ws(b) for b in blocks if b.strip()]


def _split_block(block: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for m in _SENT_END.finditer(block):
        before = block[start:m.start()]
        last = before.rsplit(" ", 1)[-1].rstrip(".").lstrip("([\"'«“").lower()  # "(kl. 10.20)"
        if last in _ABBREV or re.fullmatch(r"\d{1,2}", last) or len(last) == 1:
            continue  # "kl. 14", "den 3. Marts", "A. Forskning"
        parts.append(block[start:m.start()].strip())
        start = m.end()
    parts.append(block[start:].strip())
    return [p for p in parts if p]


def sentences(text: str) -> list[str]:
    """Sentences and list entries of ``text``, whitespace-normalised, in order."""
    out: list[str] = []
    for block in _blocks(text):
        out.extend(_split_block(block))
    return out


def is_heading(sentence: str) -> bool:
    """A bare section heading such as 'Beslutning:' carries no fact."""
    return bool(_HEADING.match(sentence)) or len(sentence.split()) <= 1
