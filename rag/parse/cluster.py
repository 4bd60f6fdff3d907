"""Which health cluster the minutes belong to, from evidence in the text.

Explicit names ("Randersklyngen", "Randers-klyngen", "Klynge Syd", "RRA")
are strong evidence; hospitals and municipalities of a cluster are weak
evidence. Hits in the title and header (where the meeting and its
participants are named) weigh more than hits in item text, so a cluster
mentioned in passing ("som i Vestklyngen") does not win over the one that
holds the meeting. A cluster the alias table does not know is still taken
when the title or header names it outright ("Referat, Lillebæltklyngen",
"Klyngestyregruppe Nord"). No evidence means no cluster and a warning, never
a guess.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

ALIAS_WEIGHT = 3.0
PLACE_WEIGHT = 1.0
REGION_WEIGHT = {"title": 4.0, "header": 2.0, "body": 1.0}
MIN_SCORE = 2.0


@dataclass(frozen=True)
class ClusterResult:
    cluster: str | None
    scores: dict[str, float]
    warnings: tuple[str, ...] = ()


def _is_abbreviation(name: str) -> bool:
    return name.isupper() and len(name) <= 6 and " " not in name


_WORDCHAR = re.compile(r"[\wæøåÆØÅ]")


@lru_cache(maxsize=512)
def name_pattern(name: str) -> re.Pattern[str]:
    """A regex for a name that tolerates spaces/hyphens ("Randers-klyngen" ~ "Randersklyngen").

    Abbreviations ("RRA", "HEV") match case-sensitively; names also match in
    the genitive ("Midtklyngens"). The left word boundary is checked by
    ``count_name`` (a look-behind at every position is slow on long texts).
    """
    if _is_abbreviation(name):
        return re.compile(rf"{re.escape(name)}(?![\wæøåÆØÅ])")
    words = re.split(r"[\s\-]+", name.strip())
    parts: list[str] = []
    for w in words:
        # Danish compounds: "Randersklyngen" is also written "Randers klyngen"/"Randers-klyngen".
        m = re.match(r"(?i)^(.+?)(klyngen?s?|klynge)$", w)
        if m and len(m.group(1)) >= 3:
            parts.append(re.escape(m.group(1)) + r"[\s\-]?" + re.escape(m.group(2)))
        else:
            parts.append(re.escape(w))
    body = r"[\s\-]+".join(parts)
    return re.compile(rf"{body}s?(?![\wæøåÆØÅ])", re.IGNORECASE)


@lru_cache(maxsize=512)
def _anchor(name: str) -> str:
    """The literal start of every match of ``name`` (lower-cased unless an abbreviation)."""
    if _is_abbreviation(name):
        return name
    first = re.split(r"[\s\-]+", name.strip())[0].lower()
    m = re.match(r"(.+?)(?:klyngen?s?|klynge)$", first)
    return m.group(1) if m and len(m.group(1)) >= 3 else first


def count_name(name: str, text: str, lower: str) -> int:
    """Occurrences of ``name`` in ``text`` as a whole word (``lower`` is ``text.lower()``)."""
    anchor = _anchor(name)
    hay = text if _is_abbreviation(name) else lower
    pattern = name_pattern(name)
    if len(lower) != len(text):  # lower-casing changed offsets (rare Unicode); scan the slow way
        return sum(
            1 for m in pattern.finditer(text) if m.start() == 0 or not _WORDCHAR.match(text[m.start() - 1])
        )
    # "Sundhedsklynge Vest" names "klynge Vest": the compound prefix is allowed before "klynge".
    compound_ok = anchor.lower().startswith("klynge")
    n, pos = 0, hay.find(anchor)
    while pos >= 0:
        left_ok = pos == 0 or not _WORDCHAR.match(text[pos - 1])
        if not left_ok and compound_ok:
            left_ok = lower[max(0, pos - 8) : pos] == "sundheds"
        if left_ok and pattern.match(text, pos):
            n += 1
        pos = hay.find(anchor, pos + 1)
    return n


def implicit_aliases(canonical: str) -> list[str]:
    """Other ways minutes name a cluster: 'Horsensklyngen' ~ 'klyngen i Horsens', 'Klynge Horsens'.

    'Klynge Syd' ~ 'Sydklyngen'. Combined with the compound rule in
    ``count_name`` this also covers 'Sundhedsklynge Horsens'.
    """
    m = re.match(r"(?i)^([A-ZÆØÅ][\wæøå]+?)klyngen$", canonical)
    if m and len(m.group(1)) >= 3:
        stem = m.group(1)
        return [f"klyngen i {stem}", f"klynge {stem}", f"klyngen {stem}", f"sundhedsklynge {stem}"]
    m = re.match(r"(?i)^klyngen?\s+([A-ZÆØÅ][\wæøå]+(?:-[A-ZÆØÅ][\wæøå]+)?)$", canonical)
    if m:
        stem = m.group(1)
        return [f"{stem}klyngen", f"klyngen {stem}", f"klynge {stem}", f"sundhedsklynge {stem}"]
    return []


_MUNICIPALITY = re.compile(r"^([A-ZÆØÅ][\wæøå]+(?:-[A-ZÆØÅ][\wæøå]+)?) Kommune$")


def municipality_names(places: dict[str, list[str]]) -> dict[str, str]:
    """'Viborgklyngen' -> 'Midtklyngen': a cluster called after one of its municipalities
    ("Viborg Kommune" is a place of Midtklyngen). A municipality listed for two clusters names
    neither."""
    owners: dict[str, set[str]] = defaultdict(set)
    for cluster, names in places.items():
        for name in names:
            m = _MUNICIPALITY.match(name.strip())
            if m:
                owners[m.group(1)].add(cluster)
    return {f"{town}klyngen": next(iter(cs)) for town, cs in owners.items() if len(cs) == 1}


def score_clusters(
    regions: dict[str, str],
    aliases: dict[str, list[str]],
    places: dict[str, list[str]],
) -> dict[str, float]:
    """Evidence score per cluster; ``regions`` maps "title"/"header"/"body" to text."""
    scores: dict[str, float] = defaultdict(float)
    for region, text in regions.items():
        if not text:
            continue
        w = REGION_WEIGHT.get(region, 1.0)
        lower = text.lower()
        for cluster, names in aliases.items():
            for name in dict.fromkeys([cluster, *names, *implicit_aliases(cluster)]):
                n = count_name(name, text, lower)
                if n:
                    scores[cluster] += ALIAS_WEIGHT * w * min(n, 10)
        for cluster, names in places.items():
            for name in names:
                n = count_name(name, text, lower)
                if n:
                    scores[cluster] += PLACE_WEIGHT * w * min(n, 10)
    return dict(scores)


def _has_alias_evidence(regions: dict[str, str], names: list[str]) -> bool:
    return any(count_name(n, t, t.lower()) for t in regions.values() if t for n in names)


# "Lillebæltklyngen", "Lillebælt-klyngen"; "Klynge Nord", "Sundhedsklynge Lillebælt",
# "Klyngestyregruppe Nord", "Klyngestyregruppen for Klynge Nord". Capitalised names only.
_NAMED_COMPOUND = re.compile(r"(?<![\wæøåÆØÅ])([A-ZÆØÅ][a-zæøå]{2,})[ \-]?klyngens?(?![\wæøåÆØÅ])")
_NAMED_AFTER = re.compile(
    r"(?<![\wæøåÆØÅ])(?:[Ss]undheds)?[Kk]lynge(?:n|styregruppen?)?[ \t]+"
    r"([A-ZÆØÅ][a-zæøå]{2,}(?:-[A-ZÆØÅ][a-zæøå]{2,})?)(?![\wæøåÆØÅ\-]|\s*:)")  # "Klynge Nord", "Klynge Thy-Mors"
# "Sydvestjysk Sundhedsklynge": a cluster named by a place adjective before the word.
_NAMED_BEFORE = re.compile(r"(?<![\wæøåÆØÅ])([A-ZÆØÅ][a-zæøå]{2,})[ \t]+Sundhedsklynge(?![\wæøåÆØÅ])")
_CAPS_WORD = re.compile(r"(?<![\wæøåÆØÅ])([A-ZÆØÅ])([A-ZÆØÅ]{2,})(?![\wæøåÆØÅ])")
# Words before "klyngen" (or after "Klynge") that are no cluster's name: "den politiske klynge",
# "hele klyngen", "Klynge Møde". Shared with the question parser (rag.query).
NOT_A_CLUSTER_NAME = frozenset({
    "sundheds", "den", "denne", "hele", "vores", "jeres", "hver", "samme", "anden", "politisk", "politiske",
    "alle", "møde", "mødet", "referat", "referatet", "dagsorden", "for", "og", "de", "det", "ny", "nye",
    "fælles", "klynge", "styregruppe", "styregruppen", "sekretariat", "sekretariatet", "formandskab",
    "en", "i", "fra", "til", "om", "på",
})


# "Klynge Styregruppemøde", "Sundhedsklynge Referat": a meeting word, not a name.
_MEETING_WORDS = ("styregruppe", "møde", "referat", "dagsorden", "sekretariat", "bestyrelse")


def named_cluster(regions: dict[str, str]) -> str | None:
    """A cluster the title (else the header) names outright, whether or not the table knows it."""
    for region in ("title", "header"):
        text = regions.get(region) or ""
        text = _CAPS_WORD.sub(lambda m: m.group(1) + m.group(2).lower(), text)  # "KLYNGE NORD"
        for rx, fmt in ((_NAMED_COMPOUND, "{}klyngen"), (_NAMED_BEFORE, "{} Sundhedsklynge"),
                        (_NAMED_AFTER, "Klynge {}")):
            for m in rx.finditer(text):
                word = m.group(1).lower()
                if word not in NOT_A_CLUSTER_NAME and not word.startswith(_MEETING_WORDS):
                    return fmt.format(m.group(1))
    return None


def detect_cluster(
    regions: dict[str, str],
    aliases: dict[str, list[str]],
    places: dict[str, list[str]],
) -> ClusterResult:
    """The best-supported cluster, else one the title or header names outright, else None
    with a warning."""
    scores = score_clusters(regions, aliases, places)
    if not scores or max(scores.values()) < MIN_SCORE:
        named = named_cluster(regions)
        if named:
            return ClusterResult(named, scores, (f"cluster {named} is not in the alias table; named in the text",))
    if not scores:
        return ClusterResult(None, {}, ("no cluster evidence in the text; cluster left empty",))
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best, top = ranked[0]
    if top < MIN_SCORE:
        return ClusterResult(None, scores, (f"cluster evidence too weak (best {best}: {top:.1f})",))
    warnings: list[str] = []
    if len(ranked) > 1 and ranked[1][1] >= 0.8 * top:
        warnings.append(f"ambiguous cluster evidence: {best} {top:.1f} vs {ranked[1][0]} {ranked[1][1]:.1f}")
    if not _has_alias_evidence(regions, [best, *aliases.get(best, []), *implicit_aliases(best)]):
        # "Klyngeledelsen i Herningklyngen" at Gødstrup: a cluster the title or header names outright
        # beats one inferred from hospitals and municipalities.
        named = named_cluster(regions)
        known = next((c for c, names in aliases.items()
                      if named and named.casefold() in {n.casefold() for n in [c, *names, *implicit_aliases(c)]}), None)
        if named and known is None:
            return ClusterResult(named, scores, (f"cluster {named} is not in the alias table; named in the text",))
        if known is not None and known != best:
            return ClusterResult(known, scores, (f"cluster {known} named in the text, {best} in its places",))
        warnings.append(f"cluster {best} inferred from hospital/municipality names only")
    return ClusterResult(best, scores, tuple(warnings))
