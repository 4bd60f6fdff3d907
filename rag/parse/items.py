"""Which candidate headings are the agenda: the best increasing chain 1..N.

Agenda numbers form an increasing sequence, usually 1, 2, ..., N. A "1."
inside item 3 restarts the count, so it belongs to a sub-list; a numbered
table row "8." inside item 8 does not increase it. Among all candidates we
therefore pick the chain of strictly increasing numbers with the best score,
where a candidate earns points for heading evidence (followed by an
"Indstilling"/"Sagsfremstilling"/"Beslutning" heading, blank line before,
title-shaped, heading style such as "AD. 4:") and a chain loses points for
skipped numbers, for starting above 1, and for items whose span would hold
two "Indstilling" or two "Sagsfremstilling" headings (two items merged).

An agenda list printed first (a compact run before the chosen chain, with
matching titles) supplies the titles as printed in the agenda; when the body
repeats the titles without numbers, the agenda's titles are found in the body.

Two-level agendas keep the numbers the minutes print: items 1.1, 1.2, 2.1 under
numbered group headings ("1. Beslutningssager"), and a run 1, 2, 3 that starts
again under a group heading after the agenda ("Punkter til orientering": O1,
O2, O3). Lettered items (A, B, C) are read only when no numbered agenda exists.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rag.parse import patterns as P
from rag.parse.candidates import Candidate, read_heading, tidy_title
from rag.parse.clean import Line

_BASE = {
    "ad": 1.6, "punkt": 1.6, "md": 1.6, "tab": 1.0, "num": 1.0, "roman": 1.0, "dash": 0.8, "space": 0.5,
    "bare": 0.6, "letter": 1.0, "case": 1.6, "slot": 1.0,
}  # fmt: skip
# Styles that only number items when the whole agenda uses them: a roman "V. Hansen" or
# "I. Title" must not fill a gap in an agenda numbered 1, 2, 3.
_OWN_CHAIN_ONLY = frozenset({"roman", "letter", "case", "slot"})
_FALLBACK_KINDS = frozenset({"letter"})
GAP_PENALTY = 1.2
START_PENALTY = 0.8
DUPLICATE_SECTION_PENALTY = 0.8
SPAN_SECTION_BONUS = 0.4
STRONG = 1.8  # a candidate this good is surely a heading (e.g. followed by "Indstilling:")


@dataclass
class Selection:
    items: list[Candidate]
    toc: list[Candidate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    group_lines: set[int] = field(default_factory=set)  # "Punkter til orientering": in no item's text


class _SectionIndex:
    """Prefix counts of section headings so a span's headings are O(1) to count."""

    def __init__(self, lines: list[Line]) -> None:
        n = len(lines)
        self.name: list[str | None] = [None] * n
        self.any = [0] * (n + 1)
        self.ind = [0] * (n + 1)
        self.sag = [0] * (n + 1)
        last: tuple[str, str] | None = None  # (name, inline text) of the previous text line's heading
        for i, ln in enumerate(lines):
            m = P.match_section_heading(ln.text) if ln.text else None
            self.name[i] = m[0] if m else None
            # "Indstilling" followed directly by "Det indstilles, at ..." is one heading.
            repeat = m is not None and last is not None and last[0] == m[0] and not last[1]
            counted = m is not None and not repeat
            self.any[i + 1] = self.any[i] + counted
            self.ind[i + 1] = self.ind[i] + (counted and m is not None and m[0] == "indstilling")
            self.sag[i + 1] = self.sag[i] + (counted and m is not None and m[0] == "sagsfremstilling")
            if ln.text:
                last = (m[0], m[2]) if m else None

    def span_score(self, a: int, b: int) -> float:
        """Evidence that lines a..b (exclusive) are one item's body."""
        if b <= a:
            return 0.0
        score = SPAN_SECTION_BONUS if self.any[b] - self.any[a] else 0.0
        for arr in (self.ind, self.sag):
            extra = arr[b] - arr[a] - 1
            if extra > 0:
                score -= DUPLICATE_SECTION_PENALTY * extra
        return score


def _next_text(lines: list[Line], i: int) -> int | None:
    while i < len(lines):
        if lines[i].text:
            return i
        i += 1
    return None


def _prev_text(lines: list[Line], i: int) -> int | None:
    i -= 1
    while i >= 0:
        if lines[i].text:
            return i
        i -= 1
    return None


def _is_list_intro(s: str) -> bool:
    """'Der er tre aftaler til revision:' - a line that introduces a numbered list."""
    return s.endswith(":") and not P.match_section_heading(s) and not P.match_label(s) and len(s) > 12


def _runs(cands: list[Candidate], lines: list[Line], max_between: int = 4) -> list[list[Candidate]]:
    """Maximal runs n, n+1, n+2 ... of one style with at most a few lines between members."""
    runs: list[list[Candidate]] = []
    open_runs: dict[str, list[Candidate]] = {}
    for c in cands:
        run = open_runs.get(c.kind)
        if run:
            p = run[-1]
            between = sum(1 for ln in lines[p.end : c.line] if ln.text)
            if c.number == p.number + 1 and between <= max_between:
                run.append(c)
                continue
        run = [c]
        runs.append(run)
        open_runs[c.kind] = run
    return runs


def _score(cands: list[Candidate], lines: list[Line], sec: _SectionIndex, toc: dict[int, str]) -> None:
    by_line = {c.line: c for c in cands}
    modal: dict[str, int] = {}
    for kind in {c.kind for c in cands}:
        modal[kind] = Counter(c.indent for c in cands if c.kind == kind).most_common(1)[0][0]
    for c in cands:
        s = _BASE[c.kind]
        if c.line == 0 or lines[c.line - 1].blank:
            s += 0.3
        nxt = _next_text(lines, c.end)
        if nxt is not None and sec.name[nxt]:
            s += 0.8
        t = c.title
        if not t:
            s -= 0.3
        else:
            if len(t) > 220:
                s -= 1.0
            elif t.endswith(".") and len(t.split()) >= 14:
                s -= 0.5
            if t.endswith(","):
                s -= 0.3
        # A neighbour numbered n±1 in the same style right next to it: a list, not a heading.
        for j in (_prev_text(lines, c.line), nxt):
            o = by_line.get(j) if j is not None else None
            if o is not None and o.kind == c.kind and abs(o.number - c.number) == 1:
                s -= 0.4
                break
        if c.indent - modal[c.kind] >= 2:
            s -= 0.3
        if c.number in toc and title_similarity(c.title, toc[c.number]) >= 0.5:
            s += 1.0  # the heading repeats the agenda list's entry
        c.score = s
    # A number below one already used by a strong heading of the same style is a restart:
    # "1." inside item 8 opens a sub-list or a numbered table.
    top: dict[str, int] = {}
    for c in cands:
        if c.number < top.get(c.kind, 0):
            c.score -= 1.0
        if c.score >= STRONG:
            top[c.kind] = max(top.get(c.kind, 0), c.number)
    # A numbered list introduced by "...følgende:" is content, not agenda: every member pays.
    for run in _runs(cands, lines):
        p = _prev_text(lines, run[0].line)
        if p is not None and _is_list_intro(lines[p].text):
            for c in run:
                c.score -= 0.7


def best_chain(cands: list[Candidate], sec: _SectionIndex, n_lines: int) -> tuple[list[Candidate], float]:
    """The strictly increasing chain with the highest score (dynamic programming)."""
    if not cands:
        return [], float("-inf")
    k = len(cands)
    best = [0.0] * k
    back: list[int | None] = [None] * k
    for i, c in enumerate(cands):
        # Case numbers run through the year ("Sag 31/2024"): their first need not be 1.
        best[i] = c.score - (0.0 if c.kind == "case" else START_PENALTY * (c.number - 1))
        for j in range(i):
            p = cands[j]
            if p.number >= c.number or p.line >= c.line:
                continue
            v = best[j] + c.score - GAP_PENALTY * (c.number - p.number - 1) + sec.span_score(p.end, c.line)
            if v > best[i]:
                best[i], back[i] = v, j
    finals = [best[i] + sec.span_score(cands[i].end, n_lines) for i in range(k)]
    i_best = max(range(k), key=lambda i: finals[i])
    chain: list[Candidate] = []
    cur: int | None = i_best
    while cur is not None:
        chain.append(cands[cur])
        cur = back[cur]
    return chain[::-1], finals[i_best]


def _best_by_kind(cands: list[Candidate], sec: _SectionIndex, n_lines: int) -> tuple[list[Candidate], float]:
    """The best chain among single-style chains (items share one numbering style)."""
    best: tuple[list[Candidate], float] = ([], float("-inf"))
    for kind in dict.fromkeys(c.kind for c in cands):
        chain, score = best_chain([c for c in cands if c.kind == kind], sec, n_lines)
        if score > best[1]:
            best = (chain, score)
    return best


def _fill_gaps(chain: list[Candidate], cands: list[Candidate], sec: _SectionIndex) -> list[Candidate]:
    """Numbers printed in another style ("7 Title" among "N. Title") fill gaps and ends.

    Inside a gap any better-than-neutral candidate may fill it; before the
    first or after the last item only consecutive numbers with heading
    evidence are added, since nothing bounds them there.
    """
    used = {c.line for c in chain}
    kind = chain[0].kind
    free = [o for o in cands if o.line not in used and (o.kind not in _OWN_CHAIN_ONLY or o.kind == kind)]
    out: list[Candidate] = []
    first = chain[0]
    if first.number > 1:
        head = [o for o in free if o.line < first.line and o.number < first.number and o.score >= 1.3]
        sub, _ = best_chain(head, sec, first.line)
        if sub and sub[-1].number == first.number - 1:
            out.extend(sub)
    for idx, c in enumerate(chain):
        out.append(c)
        nxt = chain[idx + 1] if idx + 1 < len(chain) else None
        if nxt is None or nxt.number - c.number <= 1:
            continue
        inside = [
            o
            for o in free
            if c.line < o.line < nxt.line and c.number < o.number < nxt.number and o.score >= 1.0
        ]
        sub, _ = best_chain(inside, sec, nxt.line)
        out.extend(sub)
    for o in free:
        if o.line > out[-1].line and o.number == out[-1].number + 1 and o.score >= 1.3:
            out.append(o)
    return out


def _words(t: str) -> set[str]:
    return {w for w in re.findall(r"[\wæøå]{3,}", t.lower())}


def title_similarity(a: str, b: str) -> float:
    """Share of the shorter title's words found in the other (0..1)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def _find_toc(chain: list[Candidate], cands: list[Candidate], sec: _SectionIndex) -> list[Candidate]:
    """An agenda list printed before the items, whose numbers and titles match them."""
    if not chain:
        return []
    pre = [c for c in cands if c.line < chain[0].line]
    toc, _ = _best_by_kind(pre, sec, chain[0].line)
    if len(toc) < 2:
        return []
    return toc if _similar(toc, chain) else []


def _similar(toc: list[Candidate], chain: list[Candidate]) -> bool:
    """Does the agenda list announce the chain's items (same numbers, similar titles)?"""
    by_num = {c.number: c for c in chain}
    overlap = [c for c in toc if c.number in by_num]
    if not overlap or len(overlap) < 0.6 * len(toc):
        return False
    similar = sum(title_similarity(c.title, by_num[c.number].title) >= 0.3 for c in overlap)
    return similar >= 0.5 * len(overlap)


def _is_compact(chain: list[Candidate], lines: list[Line]) -> bool:
    """True when the chain is a bare list (titles only) followed by much unnumbered text."""
    if len(chain) < 2:
        return False
    body = sum(1 for c, n in zip(chain, chain[1:], strict=False) for ln in lines[c.end : n.line] if ln.text)
    after = sum(1 for ln in lines[chain[-1].end :] if ln.text)
    return body <= len(chain) and after >= max(6, 2 * len(chain))


def _core(title: str) -> str:
    """Title without presenter and time slot: 'X ved Name (kl. 9-10)' -> 'X'."""
    t = re.sub(r"\(kl\.[^)]*\)", "", title, flags=re.IGNORECASE)
    t = P.STATUS_SUFFIX.sub("", t)
    t = re.split(r"\s+(?:ved|v/)\s*[A-ZÆØÅ]|\s+v/", t)[0]
    return re.sub(r"\s+", " ", t).strip(" :.-\u2013").lower()


def extends(heading: str, entry: str) -> bool:
    """The heading is the agenda entry's title with more words after it (the entry shortened it)."""
    h = re.sub(r"\s+", " ", heading).strip().lower()  # "X (orientering)" as printed over the item extends "X"
    e = re.sub(r"\s+", " ", P.STATUS_SUFFIX.sub("", entry)).strip().lower()
    return len(h) > len(e) and h.startswith(e)


_LEADING_NUMBER = re.compile(r"^(?:ad\.?\s*)?\d{1,2}[.:)]?\s*", re.IGNORECASE)  # "3. ", "Ad 3) "


def _match_titles_in_body(toc: list[Candidate], lines: list[Line]) -> list[Candidate] | None:
    """Anchor agenda entries to unnumbered headings in the body that repeat their titles."""
    pos = toc[-1].end
    found: list[Candidate] = []
    for c in toc:
        core = _core(c.title)
        if len(core) < 4:
            continue
        key = core[:40]
        for i in range(pos, len(lines)):
            s = _LEADING_NUMBER.sub("", re.sub(r"\s+", " ", lines[i].text).lower())
            if s.startswith(key) and len(s) <= len(core) + 80:
                # The heading as the body prints it, wrapped lines included: the agenda list may
                # shorten it ("Palliation – fælles vagtordning" for "... for borgere i eget hjem").
                title, end = read_heading(lines, i, _LEADING_NUMBER.sub("", lines[i].text.strip()))
                if not extends(title, c.title):
                    title, end = P.STATUS_SUFFIX.sub("", c.title), i + 1
                found.append(Candidate(i, c.number, "title", title, end, lines[i].indent, score=1.0))
                pos = i + 1
                break
    if len(found) < max(2, 0.6 * len(toc)):
        return None
    return _reworded(toc, found, lines) if len(found) < len(toc) else found


REWORDED_MAX_LEN = 120


def _reworded(toc: list[Candidate], found: list[Candidate], lines: list[Line]) -> list[Candidate]:
    """Agenda entries the body heads in other words ("Klyngemidler 2025" over "Økonomi –
    klyngemidler 2025"): between the anchored neighbours, a short line right above a section
    heading ("Indstilling") that shares at least half of the entry's words."""
    out = sorted(found, key=lambda f: f.number)
    for c in toc:
        if any(f.number == c.number for f in out):
            continue
        lo = max((f.end for f in out if f.number < c.number), default=toc[-1].end)
        hi = min((f.line for f in out if f.number > c.number), default=len(lines))
        for i in range(lo, hi):
            s = lines[i].text.strip()
            if not s or len(s) > REWORDED_MAX_LEN or s.endswith((".", ":")) or P.match_section_heading(s):
                continue
            nxt = next((j for j in range(i + 1, min(hi, i + 3)) if lines[j].text.strip()), None)
            if nxt is not None and P.match_section_heading(lines[nxt].text) and title_similarity(c.title, s) >= 0.5:
                out.append(Candidate(i, c.number, "title", tidy_title(s), i + 1, lines[i].indent, score=1.0))
                out.sort(key=lambda f: f.number)
                break
    return out


def _toc_run(cands: list[Candidate], lines: list[Line]) -> list[Candidate]:
    """An agenda list: the compact run opening at the first "1", when the numbers restart later."""
    firsts = [c for c in cands if c.number == 1 and c.kind not in ("space", "bare")]
    if len(firsts) < 2:
        return []
    # An agenda list may carry presenters and attachment lists under each entry.
    for run in _runs(cands, lines, max_between=8):
        if run[0] is firsts[0]:
            later = [c for c in firsts[1:] if c.line >= run[-1].end]
            return run if len(run) >= 2 and later else []
    return []


def _choose(
    cands: list[Candidate], lines: list[Line], sec: _SectionIndex, toc: list[Candidate]
) -> list[Candidate]:
    toc_lines = {c.line for c in toc}
    pool = [c for c in cands if c.line not in toc_lines]
    _score(pool, lines, sec, {c.number: c.title for c in toc})
    # Lettered items (A, B, C) only when no numbered agenda is found: inside a numbered agenda
    # "A. Flere indlæggelser" are sub-points of an item.
    chain, _ = _best_by_kind([c for c in pool if c.kind not in _FALLBACK_KINDS], sec, len(lines))
    if len(chain) < 2:
        chain, _ = _best_by_kind(pool, sec, len(lines))
    return _fill_gaps(chain, pool, sec) if chain else []


_TRAILING_PAGE = re.compile(r"^(?P<t>.*\S)\s+(?P<p>\d{1,3})$")


def _strip_page_numbers(toc: list[Candidate]) -> None:
    """'1. Godkendelse af dagsorden 2': a table of contents ends entries with page numbers.

    Only when most entries end in a number and those numbers never decrease.
    """
    found = [(_TRAILING_PAGE.match(c.title), c) for c in toc]
    pages = [int(m.group("p")) for m, _ in found if m]
    if len(pages) < max(2, 0.7 * len(toc)) or pages != sorted(pages):
        return
    for m, c in found:
        if m:
            c.title = m.group("t")


# A heading that opens a group of agenda items numbered from 1 again ("Punkter til orientering",
# "Orienteringssager", "Til drøftelse"); its key word's letter prefixes the group's numbers: O1, O2.
_GROUP_HEADING = re.compile(
    r"^(?:[A-Z]\.?\s+)?(?:(?:punkter|sager|emner)\s+til\s+|til\s+)?"
    r"(?P<key>orientering|beslutning|drøftelse|godkendelse|meddelelse|lukket)"
    r"(?:s?(?:punkter|sager|emner)|er|ssager)?\s*:?$",
    re.IGNORECASE,
)


def _restarted_groups(
    chain: list[Candidate], cands: list[Candidate], lines: list[Line], sec: _SectionIndex
) -> list[tuple[int, list[Candidate]]]:
    """Runs 1..k after the agenda that restart its numbering under a group heading.

    Each member must open an item (its next line is a section heading such as "Referat"),
    so a numbered list at the end of the last item stays its text. Returns (group heading
    line, run) pairs; the run's numbers get the heading's letter ("O1").
    """
    if not chain:
        return []
    out: list[tuple[int, list[Candidate]]] = []
    kind, after = chain[0].kind, chain[-1].line
    used = {c.line for c in chain}
    rest = [c for c in cands if c.line > after and c.kind == kind and c.line not in used]
    i = 0
    while i < len(rest):
        c = rest[i]
        head = _prev_text(lines, c.line)
        m = _GROUP_HEADING.match(lines[head].text.strip()) if head is not None and c.number == 1 else None
        if m is None or head is None or head <= after:
            i += 1
            continue
        run = [c]
        for o in rest[i + 1:]:
            if o.number == run[-1].number + 1:
                run.append(o)
            elif o.number > run[-1].number + 1:
                break
        opens = [(n := _next_text(lines, o.end)) is not None and sec.name[n] is not None for o in run]
        if not all(opens):
            i += 1
            continue
        letter = m.group("key")[0].upper()
        for o in run:
            o.prefix = letter
        out.append((head, run))
        after = run[-1].line
        i = rest.index(run[-1]) + 1
    return out


# "2.1 Title": an item under group heading "2. Drøftelsessager" (the heading is the line before 2.1).
_DOTTED = re.compile(r"^(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.?\s+(?P<t>[A-ZÆØÅ\"'“].*)$")
MIN_GROUPS = 2  # group headings with numbered items under them, for the two-level reading


def _dotted_groups(chain: list[Candidate], lines: list[Line], sec: _SectionIndex) -> Selection | None:
    """Items numbered 1.1, 1.2, 2.1 … under numbered group headings ("1. Beslutningssager",
    "2. Orienteringssager"), when the minutes are built that way: at least two groups, each
    heading directly followed by its x.1, the numbers x.1, x.2 … consecutive, and most of the
    items opening sections ("Beslutning:"). Sub-points 2.1-2.3 inside one item stay its text."""
    runs: dict[int, list[tuple[int, int, str]]] = {}
    for i, ln in enumerate(lines):
        m = _DOTTED.match(ln.text) if ln.text else None
        if m:
            runs.setdefault(int(m.group("a")), []).append((i, int(m.group("b")), m.group("t").strip()))
    heads: dict[int, int] = {}
    for major, kids in runs.items():
        head = _prev_text(lines, kids[0][0])
        if head is None or not re.match(rf"^{major}[.)]?\s+[A-ZÆØÅ]", lines[head].text):
            return None
        if [b for _, b, _ in kids] != list(range(1, len(kids) + 1)):
            return None
        heads[major] = head
    if len(heads) < MIN_GROUPS or list(heads) != sorted(heads):
        return None
    items = [Candidate(i, b, "dotted", title, i + 1, lines[i].indent, prefix=f"{major}.")
             for major, kids in runs.items() for i, b, title in kids]
    last = items[-1].line
    items += [c for c in chain if c.line > last and c.number > max(heads)]  # "4. Eventuelt"
    items.sort(key=lambda c: c.line)
    ends = [c.line for c in items[1:]] + [len(lines)]
    opened = sum(1 for c, end in zip(items, ends, strict=True) if sec.any[end] - sec.any[c.end] > 0)
    if opened * 2 < len(items):
        return None
    return Selection(items, group_lines=set(heads.values()))


def _lead(line: Line) -> str:
    """How a heading line starts: its label word ("sag", "punkt") or "#" for a bare number."""
    m = re.match(r"\s*([^\W\d_]+|\d)", line.text)
    return "#" if m is None or m.group(1).isdigit() else m.group(1).lower()


def _with_added(chain: list[Candidate], added: list[Candidate], lines: list[Line]) -> list[Candidate]:
    """Items added after another ("Sag 4a" between "Sag 4" and "Sag 5"), in their place: the one
    numbered like the chain item right above it, before the next chain item, printed like it
    (a "4a." sub-heading inside "Punkt 4" is no item)."""
    if not added or not chain:
        return chain
    out: list[Candidate] = []
    for k, c in enumerate(chain):
        out.append(c)
        nxt = chain[k + 1].line if k + 1 < len(chain) else None
        out.extend(a for a in added if a.number == c.number and not c.prefix and a.line > c.line
                   and (nxt is None or a.line < nxt) and _lead(lines[a.line]) == _lead(lines[c.line]))
    return out


def select_items(lines: list[Line], cands: list[Candidate]) -> Selection:
    """Choose the agenda items among the candidates (see module docstring)."""
    added = [c for c in cands if c.kind == "added"]
    cands = [c for c in cands if c.kind != "added"]
    sec = _SectionIndex(lines)
    toc = _toc_run(cands, lines)
    chain = _choose(cands, lines, sec, toc) if toc else []
    if toc and not _similar(toc, chain):
        toc, chain = [], []
    if not toc:
        chain = _choose(cands, lines, sec, [])
    if not chain:
        return Selection([], warnings=["no numbered agenda items found"])
    sel = Selection(chain, toc or _find_toc(chain, cands, sec))
    _strip_page_numbers(sel.toc)
    if not sel.toc and _is_compact(chain, lines):
        anchored = _match_titles_in_body(chain, lines)
        if anchored:
            sel = Selection(anchored, toc=chain)
    sel.items = _with_added(sel.items, added, lines)
    dotted = _dotted_groups(sel.items, lines, sec)
    if dotted is not None:
        return dotted
    groups = _restarted_groups(sel.items, cands, lines, sec)
    if groups:
        sel.items = sel.items + [c for _, run in groups for c in run]
        sel.group_lines = {line for line, _ in groups}
    numbers = [c.number for c in sel.items if not c.prefix]
    if numbers and numbers[0] != 1:
        sel.warnings.append(f"agenda numbering starts at {numbers[0]}")
    missing = sorted(set(range(numbers[0], numbers[-1] + 1)) - set(numbers)) if numbers else []
    if missing:
        sel.warnings.append("agenda numbers missing: " + ", ".join(map(str, missing)))
    return sel
