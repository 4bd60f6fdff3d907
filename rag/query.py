"""Question understanding: clusters, dates and periods, intent -> filters and boosts.

Pure functions over the question text and the alias table; what the index
actually holds (which clusters, which meeting dates) is applied later in
``rag.retrieve``, so a cluster named here but absent from the index becomes a
refusal there rather than an answer from another cluster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Literal

from rag.dates import DANISH_MONTHS, MONTH_RE, MONTHS, NUMERIC_DATE, WORD_DATE, expand_year, safe_date
from rag.parse.cluster import NOT_A_CLUSTER_NAME
from rag.text import ITEM_NUMBER

Intent = Literal["decision", "who", "when", "amount", "where", "fact"]

_WORD = re.compile(r"[\wæøåÆØÅ]+", re.UNICODE)

# Ordered: the first matching pattern wins.
_HOW_MUCH = r"\bhvor (mange|meget|stor|store|høj|højt)\b"
_INTENTS: list[tuple[Intent, re.Pattern[str]]] = [
    ("who", re.compile(r"\bhvem\b|\bhvilke personer\b|\bmødeleder\b|\breferent\b", re.I)),
    ("amount", re.compile(
        _HOW_MUCH + r"|\bbeløb|\bkoste[rt]?\b|\budgift|\bpris\b|"
        r"\bantal\b|\bbudget|\bkr\.?(\s|$)|\bmio\.?\b|\bmindreforbrug|\bmerforbrug", re.I)),
    ("when", re.compile(r"\bhvornår\b|\bhvilken dato\b|\bfrist\b|\btidspunkt\b|\bdato\b", re.I)),
    ("decision", re.compile(
        r"\bbeslut\w*|\bvedt[ao]g\w*|\bgodkend\w*|\baftalt\w*|\bkonklu\w*|\bhvad skete\b|"
        r"\bbesluttede\b|\bhvad blev der sagt\b|\bdrøftet\b|\bhvad mener\b|\bstatus\b", re.I)),
    ("where", re.compile(r"^\s*hvor\b(?! mange| meget| stor)", re.I)),
]

# "i 2019", "fra 2019", "før 2020", "efter 2019", "siden 2019", "i juni 2017", "januar 2023"
_PERIOD = re.compile(
    rf"\b(?P<prep>i|fra|før|inden|efter|siden|til)?\s*(?:hele\s+)?(?:(?P<month>{MONTH_RE})\.?\s+|(?P<season>foråret|sommeren|"
    rf"efteråret)\s+)?(?P<year>(19|20)\d\d)\b",
    re.I,
)
_SEASON_MONTHS = {"foråret": (3, 5), "sommeren": (6, 8), "efteråret": (9, 11)}
_LATEST_MEETING = re.compile(r"\b(seneste|sidste|nyeste)\s+(klynge\w*)?møde", re.I)
_RECENT = re.compile(r"\b(nyeste|seneste|senest|aktuelle)\b", re.I)
# Questions about the meeting itself (who led it, who attended, when/where it was held):
# the answer is in the header unit (front matter and attendance lists).
_ABOUT_MEETING = re.compile(
    r"\bmødeleder|\breferent|\bdeltog\b|\bdeltager|\bafbud\b|\bfraværende\b|\bmødedato|"
    r"\bgodkendt af\b|\bgodkendt referatet|\bgodkendte referatet|\bhar godkendt referatet|"
    r"\b(hvor|hvornår|hvordan)\b[^?]*\b(møde|mødet|\w+møde|\w+mødet)\b[^?]*\bholdt\b|"
    r"\b(hvor|hvornår)\b[^?]*\b(?:holdt|afholdt)\b[^?]*\bmøde\b|"
    r"\bhvilken dato\b[^?]*\bmød|"
    # who the body is made of: its members are the header's attendance list
    r"\bhvilke (?:kommuner|parter|hospitaler|organisationer|medlemmer)\b[^?]*\b(?:indgår|er med|sidder)\b|"
    r"\bhvem (?:sidder|er medlem(?:mer)?|er med) i\b|\bsammensætning\b",
    re.I,
)
_REGION = re.compile(r"\bregion\b", re.I)
# When are the (next) meetings: the agenda's "Mødeplan 2023" / "Mødekalender" / "Næste møde" item.
_MEETING_PLAN_Q = re.compile(
    r"\bhvornår\b[^?]*\b(?:møder|mødes|mødedatoer|mødedage|mødeplan\w*|mødekalender\w*|næste møde)\b|"
    r"\b(?:mødeplan\w*|mødekalender\w*|mødedatoer)\b", re.I)
_ITEM_REF = re.compile(rf"\b(?:punkt|pkt\.?|dagsordenspunkt)\s*({ITEM_NUMBER})", re.I)
# A cluster-like word the alias table does not know: "Aarhusklyngen", "Horsens-klyngen".
# Written apart ("Aarhus klyngen") the name is capitalised: "har klyngen", "om klyngen" are no names.
_CLUSTER_WORD = re.compile(r"\b(?:(?P<a>[A-ZÆØÅa-zæøå]{3,})|(?P<b>[A-ZÆØÅ][a-zæøå]{2,})[- ])klyngens?\b")


@dataclass(frozen=True)
class Query:
    """A question and what was understood from it."""

    text: str
    intent: Intent
    clusters: tuple[str, ...] = ()
    unknown_clusters: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    soft_period: bool = False
    dates: tuple[str, ...] = ()
    latest_meeting: bool = False
    prefer_recent: bool = False
    item_number: str | None = None
    about_meeting: bool = False
    meeting_plan: bool = False
    """Asks when meetings are held ("hvornår holder klyngen møder i 2023?"): a meeting plan item answers."""
    entities: tuple[str, ...] = ()
    """Proper names in the question ("Lemvig", "Ervin"): a cited item must mention them."""
    terms_removed: tuple[str, ...] = field(default=())
    period_is_topic: bool = False
    """Read the one month the question names as when the topic happened, not the meetings' month
    (set on a second try, when the minutes of that month did not answer)."""
    abbreviations: tuple[tuple[str, str], ...] = ()
    """(abbreviation, phrase) the question defines: "de lokale samarbejdsråd (LSR)" - either names it."""

    @property
    def has_period(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    @property
    def one_month(self) -> bool:
        """The question's period is a single month ("i januar 2023")."""
        return bool(self.date_from and self.date_to and self.date_from[:7] == self.date_to[:7])

    @property
    def meeting_context(self) -> bool:
        """The answer relies on meeting metadata (date, place, region), which the header holds."""
        return (self.has_period or bool(self.dates) or self.latest_meeting or self.prefer_recent
                or self.about_meeting or bool(_REGION.search(self.text)))


def _norm_tokens(text: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(text.replace("-", " "))]


ALIAS_TABLES_CACHED = 8  # alias tables kept compiled (one per settings object in practice)


@dataclass(frozen=True)
class _AliasKey:
    """One alias: its joined lower-case tokens, the cluster it names, and the forms that match it."""

    key: str
    canonical: str
    n_tokens: int
    forms: frozenset[str]
    stem: str
    """Start of every form: a text whose joined tokens do not contain it cannot name the alias."""


def _alias_keys(aliases: dict[str, list[str]]) -> list[tuple[str, str, int]]:
    """(joined lower-case alias, canonical, token count), longest first."""
    keys = []
    for canonical, names in aliases.items():
        for name in [canonical, *names]:
            toks = _norm_tokens(name)
            if toks:
                keys.append(("".join(toks), canonical, len(toks)))
    return sorted(set(keys), key=lambda k: (-k[2], -len(k[0])))


def _stem(key: str) -> str:
    """The part of alias ``key`` that every one of its forms (see ``_forms``) starts with."""
    return key[:-1] if key.endswith("klyngen") else key


def _forms(key: str) -> frozenset[str]:
    """Word forms that name the alias ``key``: genitive, plural-ish, and "-klynge" for "-klyngen"."""
    forms = {key, key + "s", key + "e"}
    if key.endswith("klyngen"):
        forms |= {key[:-1], key[:-1] + "s"}  # "den politiske randersklynge"
    return frozenset(forms)


@lru_cache(maxsize=ALIAS_TABLES_CACHED)
def _compiled_aliases(table: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[_AliasKey, ...]:
    """The alias keys of a (hashable) alias table with their forms, computed once per table."""
    out = []
    for key, canonical, n in _alias_keys({c: list(names) for c, names in table}):
        out.append(_AliasKey(key, canonical, n, _forms(key), _stem(key)))
    return tuple(out)


def find_clusters(text: str, aliases: dict[str, list[str]]) -> tuple[list[str], list[tuple[int, int]]]:
    """Canonical clusters named in ``text`` (hyphen, space and genitive-s tolerant) and token spans.

    Case matters for short abbreviations ("RRA") so ordinary words do not match. An alias whose
    stem is not in the text's tokens joined is skipped: every match contains it, and most texts
    (``Pipeline._mentioned_elsewhere`` scans whole items) name few of the aliases.
    """
    raw = _WORD.findall(text.replace("-", " "))
    toks = [t.lower() for t in raw]
    joined_all = "".join(toks)
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    used = [False] * len(toks)
    table = tuple((c, tuple(names)) for c, names in aliases.items())
    for alias in _compiled_aliases(table):
        if alias.stem not in joined_all:
            continue
        key, canonical, forms = alias.key, alias.canonical, alias.forms
        for n in (3, 2, 1):
            for i in range(len(toks) - n + 1):
                if any(used[i:i + n]):
                    continue
                joined = "".join(toks[i:i + n])
                if joined not in forms:
                    continue
                if len(key) <= 4 and "".join(raw[i:i + n]).upper() != "".join(raw[i:i + n]):
                    continue  # abbreviations only in capitals
                for j in range(i, i + n):
                    used[j] = True
                spans.append((i, i + n))
                if canonical not in found:
                    found.append(canonical)
    return found, spans


def _unknown_clusters(text: str, known: list[str], aliases: dict[str, list[str]]) -> list[str]:
    out = []
    for m in _CLUSTER_WORD.finditer(text):
        prefix = m.group("a") or m.group("b")
        if prefix.lower() in NOT_A_CLUSTER_NAME or prefix.lower().endswith("klynge"):
            continue
        name = f"{prefix[0].upper()}{prefix[1:].lower()}klyngen"
        hits, _ = find_clusters(name, aliases)
        if not hits and name not in out:
            out.append(name)
    return [n for n in out if n not in known]


_MEETING_WORD_BEFORE = re.compile(r"\bm(ø|oe)de(t|r|rne)?\s*$|\w+m(ø|oe)de(t|r|rne)?\s*$", re.I)


def _periods(text: str) -> tuple[str | None, str | None, bool]:
    """(date_from, date_to, soft) for period expressions.

    A month ("i juni 2017"), a comparison ("før 2020") or a year attached to a
    meeting word ("møder i 2022") restricts meeting dates. Any other year ("udgifter
    til ledsagelse i 2018") may be the topic's year, so it only boosts (soft).
    """
    lo: str | None = None
    hi: str | None = None
    soft = True
    for m in _PERIOD.finditer(text):
        prep = (m.group("prep") or "").lower()
        year = int(m.group("year"))
        month = MONTHS.get((m.group("month") or "").lower().rstrip("."))
        season = _SEASON_MONTHS.get((m.group("season") or "").lower())
        if not prep and not month and not season:
            continue  # a bare year is usually part of a name ("IHI konference 2020"), not a period
        if month or season:
            a, b = season or (month or 1, month or 12)
            first = date(year, a, 1)
            last = date(year + (b == 12), b % 12 + 1, 1).toordinal() - 1
            start, end = first.isoformat(), date.fromordinal(last).isoformat()
        else:
            start, end = f"{year}-01-01", f"{year}-12-31"
        if prep in ("før", "inden"):
            start, end = "0001-01-01", date.fromisoformat(start).fromordinal(
                date.fromisoformat(start).toordinal() - 1).isoformat()
        elif prep in ("efter",):
            start, end = date.fromordinal(date.fromisoformat(end).toordinal() + 1).isoformat(), "9999-12-31"
        elif prep in ("fra", "siden"):
            end = "9999-12-31"
        elif prep == "til":
            start = "0001-01-01"
        before = text[max(0, m.start() - 40):m.start()]
        if month or season or prep in ("før", "inden", "efter") or _MEETING_WORD_BEFORE.search(before):
            soft = False
        lo = start if lo is None else min(lo, start)
        hi = end if hi is None else max(hi, end)
    return lo, hi, soft


def _exact_dates(text: str) -> list[str]:
    out = []
    for m in NUMERIC_DATE.finditer(text):
        d = safe_date(expand_year(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            out.append(d.isoformat())
    for m in WORD_DATE.finditer(text):
        d = safe_date(int(m.group(3)), MONTHS[m.group(2).lower().rstrip(".")], int(m.group(1)))
        if d:
            out.append(d.isoformat())
    return list(dict.fromkeys(out))


# Capitalised words that are not names of anything specific.
_GENERIC_CAPS = {
    "kommune", "kommunes", "region", "regionen", "hospital", "hospitalet", "klynge", "klyngen", "referat",
    "referatet", "møde", "mødet", "punkt", "dagsorden", "sundhedsstyregruppen", "klyngestyregruppen",
    "styregruppen", "fokusgruppen", "fokusgruppe", "alliancen", "projekt", "projektet",
    # The five regions: "Klynge Syd i Nordjylland" places the cluster, like "Region X".
    "nordjylland", "midtjylland", "syddanmark", "sjælland", "hovedstaden",
}
# "Regionshospitalet Randers", "Hospitalsenhed Midt", "HE Midt", "RH Viborg": where an item's people work, which the
# item seldom repeats; like "Region X", the place after such a word is context, not the topic.
_SITE_WORDS = {
    "region", "regionshospitalet", "regionshospital", "hospitalsenhed", "hospitalsenheden",
    "universitetshospital", "hospital", "hospitalet", "sygehus", "sygehuset", "he", "rh",
}
# "praksiskonsulenten fra NordKAP", "direktøren fra Psykiatrien": the organisation after a
# definite role says who the person is; the item may name the person instead, so it is context.
# ("sundhedschef i Lemvig Kommune" asks for the role there: Lemvig stays a name.)
_AFFILIATION = re.compile(
    r"\b\w*(?:konsulent|direktør|chef|leder|repræsentant|formand|medlem|læge|sygeplejerske|koordinator|"
    r"sekretær|medarbejder)(?:en|ne|erne)\s+fra\s*$",
    re.I,
)
_CAP_WORD = re.compile(r"(?<![\w-])([A-ZÆØÅ][\wæøåÆØÅ]*(?:-[\wæøåÆØÅ]+)*)")


_NEXT_WORD = re.compile(r"\s+([\wæøåÆØÅ]+)")


def _entities(text: str, cluster_spans: list[tuple[int, int]]) -> list[str]:
    """Capitalised words after the first word, minus clusters, months, generic nouns, hospital
    words and the word after "Region" or a hospital word (geography is context, not the topic)."""
    out = []
    prev = ""
    first = True
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text.replace("-", " "))]
    in_cluster = {p for a, b in cluster_spans for p in range(spans[a][0], spans[b - 1][1])} if spans else set()
    org_end = -1  # end of an affiliation being skipped ("fra Danske Patienter")
    for m in _CAP_WORD.finditer(text):
        word = m.group(1)
        if m.start() in in_cluster:
            prev = word.lower()
            continue
        before = text[:m.start()].rstrip()
        if _AFFILIATION.search(before) or (org_end >= 0 and text[org_end:m.start()] == " "):
            org_end, prev, first = m.end(), word.lower(), False
            continue
        org_end = -1
        starts_sentence = first and not before or before.endswith((".", "?", "!", ":", "'", '"', "«"))
        first = False
        low = word.lower()
        # "Jan Mainz" is a name; "jan. 2023", "Jan 2023" and "Januar" are months.
        month = low in DANISH_MONTHS or (low in MONTHS and re.match(r"\.|\s*\d", text[m.end():]) is not None)
        after = _NEXT_WORD.match(text, m.end())
        if (starts_sentence or low in _GENERIC_CAPS or low in _SITE_WORDS or month
                or prev in _SITE_WORDS or "klynge" in low
                or (after is not None and after.group(1).lower() in _SITE_WORDS)):  # "Sydvestjysk Sygehus"
            prev = low
            continue
        prev = low
        out.append(word)
    return list(dict.fromkeys(out))


# How often and how long: "hvor mange møder om året holder X", "hvor længe har X eksisteret".
# These words frame the question; the topic is X. ("holder" only frames when meetings are asked about.)
_FRAME_WORDS = re.compile(r"\bhvor (?:længe|ofte)\b|\bom (?:året|måneden|ugen)\b|\bgange\b", re.I)
_DURATION_VERB = re.compile(r"\blænge\b[^?.]{0,40}?\b(eksist\w*|funger\w*|kørt|kører|varet|været)\b", re.I)
_MEETINGS = re.compile(r"\bmøder?\b", re.I)
_HOLD = re.compile(r"\b(?:af)?hold(?:er|es|t|e)?\b", re.I)


def _frame_words(text: str) -> tuple[str, ...]:
    """Words of a frequency/duration frame ("om året", "hvor længe … eksisteret"), no topic."""
    found = [m.group(0) for m in _FRAME_WORDS.finditer(text)]
    found += [m.group(1) for m in _DURATION_VERB.finditer(text)]
    if _MEETINGS.search(text):
        found += [m.group(0) for m in _HOLD.finditer(text)]
    return tuple(found)


_WORDS_THEN_ABBR = re.compile(r"((?:[^\W\d_][\w-]*\s+){0,3}[^\W\d_][\w-]*)\s*\(\s*([A-ZÆØÅ]{2,6})\s*\)")
_ABBR_THEN_WORDS = re.compile(r"\b([A-ZÆØÅ]{2,6})\s*\(\s*([^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*){0,3})\s*\)")


def _spelled_out(abbr: str, words: list[str]) -> str | None:
    """The shortest tail of ``words`` that ``abbr`` abbreviates: it starts with the abbreviation's
    first letter and holds its letters in order ("LSR" <- "lokale samarbejdsråd")."""
    for k in range(len(words) - 1, -1, -1):
        if words[k][:1].lower() != abbr[0].lower():
            continue
        letters = iter("".join(words[k:]).lower())
        if all(ch in letters for ch in abbr.lower()) and len(words) - k <= len(abbr):
            return " ".join(words[k:])
    return None


def _abbreviations(text: str) -> tuple[tuple[str, str], ...]:
    """Abbreviations the question spells out: "lokale samarbejdsråd (LSR)", "LSR (lokale samarbejdsråd)"."""
    out = []
    for m in _WORDS_THEN_ABBR.finditer(text):
        phrase = _spelled_out(m.group(2), m.group(1).split())
        if phrase:
            out.append((m.group(2), phrase))
    for m in _ABBR_THEN_WORDS.finditer(text):
        phrase = _spelled_out(m.group(1), m.group(2).split())
        if phrase and phrase == m.group(2).strip():
            out.append((m.group(1), phrase))
    return tuple(dict.fromkeys(out))


# "Hvordan er udgifterne fordelt?", "Hvorfor steg budgettet?": about costs, but the answer is
# an arrangement or a reason, not a figure.
_HOW_OR_WHY = re.compile(r"^\W*(?:hvordan|hvorfor)\b", re.I)


def detect_intent(text: str) -> Intent:
    """The kind of answer asked for; 'fact' when nothing more specific matches."""
    for intent, pattern in _INTENTS:
        if intent == "amount" and _HOW_OR_WHY.match(text) and not re.search(_HOW_MUCH, text, re.I):
            continue
        if pattern.search(text):
            return intent
    return "fact"


# "Midt- og Vestklyngen": the first name's "-klyngen" is left to the second (a suspended hyphen).
_SUSPENDED = re.compile(r"\b([A-ZÆØÅ][\wæøå]+)-(\s+(?:og|eller)\s+[A-ZÆØÅ][\wæøå]+?)(klyngen?s?)\b")


def parse_query(text: str, aliases: dict[str, list[str]]) -> Query:
    """Understand a question: named clusters, periods, exact dates, intent, item reference."""
    text = _SUSPENDED.sub(r"\1\3\2\3", text)
    clusters, spans = find_clusters(text, aliases)
    toks = _WORD.findall(text.replace("-", " "))
    removed = tuple(" ".join(toks[a:b]) for a, b in spans)
    removed += tuple(m.group("season") for m in _PERIOD.finditer(text) if m.group("season"))  # "foråret 2023"
    dates = _exact_dates(text)
    # Exact dates are not periods: strip them before looking for "i 2017"-style periods.
    without_dates = WORD_DATE.sub(" ", NUMERIC_DATE.sub(" ", text))
    lo, hi, soft = _periods(without_dates)
    item = _ITEM_REF.search(text)
    return Query(
        text=text,
        intent=detect_intent(text),
        clusters=tuple(clusters),
        unknown_clusters=tuple(_unknown_clusters(text, clusters, aliases)),
        date_from=lo,
        date_to=hi,
        soft_period=soft and lo is not None,
        dates=tuple(dates),
        latest_meeting=bool(_LATEST_MEETING.search(text)),
        prefer_recent=bool(_RECENT.search(text)),
        item_number=item.group(1) if item else None,
        about_meeting=bool(_ABOUT_MEETING.search(text)),
        meeting_plan=bool(_MEETING_PLAN_Q.search(text)),
        entities=tuple(_entities(text, [(a, b) for a, b in spans])),
        terms_removed=removed + _frame_words(text),
        abbreviations=_abbreviations(text),
    )
