"""Meeting title, body (the group that met) and place.

The title is the document's first meaningful line(s). The body comes from
the title ("Referat fra Klyngestyregruppemøde ..." -> "Klyngestyregruppen",
"Referat Klyngestyregruppe Syd"), an "Emne:" field, "mødet i X", or - when
the beginning of the document is missing - the group the recommendations
address ("At Fokusgruppen drøfter ...") completed with its fullest name in
the text. The place comes from "Sted:"-type fields, the non-time part of
"Tid og sted:", or "på/i <place>" in the title.
"""

from __future__ import annotations

import re
from collections import Counter

from rag.parse import patterns as P

_GROUP = (
    r"(?:klynge)?styregruppe|fokusgruppe|temagruppe|arbejdsgruppe|følgegruppe|driftsgruppe|"
    r"koordineringsgruppe|koordinationsgruppe|styregruppe|implementeringsgruppe|ledergruppe|sundhedsforum|"
    r"klyngeforum|"
    r"samarbejdsråd|klyngeråd|brugerråd|sundhedsudvalg|udvalg|bestyrelse|direktion|klyngeledelse|netværk|forum|råd|"
    r"sundhedsklynge"
)
_GROUP_WORD = re.compile(
    rf"\b(?P<w>[\wæøåÆØÅ\-]*?(?:{_GROUP}))(?P<def>ens|ets|en|et|ns|n|t|s)?(?P<m>møde(?:t)?)?\b", re.IGNORECASE
)
_DIRECTION = re.compile(r"^(?:Syd|Nord|Øst|Vest|Midt|Nordvest|Sydvest|Nordøst|Sydøst)$")
_NAMED_GROUPS = re.compile(
    r"(?:fokus|tema|arbejds|følge|drifts|koordinerings|koordinations|implementerings)gruppe", re.IGNORECASE
)
_PLACE_WORDS = re.compile(
    r"hospital|rådhus|mødelokale|lokale|kommune|center|centret|huset|hus\b|vej\b|gade\b|allé|sal\b|"
    r"bygning|online|teams|skype|zoom|virtuel|auditorium|etage|indgang|sundhedshus",
    re.IGNORECASE,
)
_ONLINE = re.compile(
    r"^(?:online|virtuelt|virtuel|via\s+teams|teams|microsoft\s+teams|skype|zoom)\b", re.IGNORECASE
)
_TITLE_PREP = re.compile(r"(?:^|\s)(?:på|i)\s+(?=[A-ZÆØÅ])")
_DATEISH = re.compile(
    rf"\b(?:{P.WEEKDAY_RE})\b|\bkl\.?\s*\d|\d{{1,2}}\.\s*(?:{P.MONTH_WORDS})|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}",
    re.IGNORECASE,
)


_MAIL_ENVELOPE = re.compile(r"^(?:fra|from|sendt|sent|til|to|cc|bcc|vedhæftet|attachments?)\s*:", re.IGNORECASE)
_LETTERHEAD_ORGS = re.compile(
    r"^(?=[^a-zæøå]*$)(?=.*(?:KOMMUNE|HOSPITAL|REGION|PSYKIATRI))(?=.*\s[·|/•]\s).{10,}$"
)
_GENERIC_TITLE = re.compile(
    r"^(?:referat|dagsorden|mødereferat|beslutningsreferat|beslutningsprotokol|protokol)(?:\s+(?:af|fra|for)\s+møde(?:t)?)?$",
    re.IGNORECASE,
)


def read_title(front: list[str]) -> tuple[str | None, list[str]]:
    """The first meaningful line(s) of the document (joined when it wraps) and those lines.

    A bare "Referat" / "Dagsorden" continues with the next paragraph, which
    names the meeting.
    """
    parts: list[str] = []
    for s in front:
        s = s.strip().lstrip("#").strip()
        if not parts and (_MAIL_ENVELOPE.match(s) or _LETTERHEAD_ORGS.match(s)):
            continue  # "Fra: ... / Sendt: ..." of a forwarded e-mail; "REGION X · Y KOMMUNE"
        if not s:
            if parts and not _GENERIC_TITLE.match(" ".join(parts)):
                break
            continue
        if P.match_label(s) and parts:
            break
        if not parts:
            if s[:1].islower():
                return None, []  # the document starts mid-sentence: its title is missing
            lab = P.match_label(s)
            if lab:
                if lab[0] in ("dagsorden", "referat", "emne") and lab[1]:
                    return f"{s.split(':')[0].strip()}: {lab[1]}", [s]
                return None, []
        parts.append(s)
        if len(parts) >= 5 or sum(map(len, parts)) > 250:
            break
    title = re.sub(r"\s+", " ", " ".join(parts)).strip()
    return (title or None), parts


def _definite(word: str) -> str:
    w = word[:1].upper() + word[1:]
    low = w.lower()
    if low.endswith("e"):
        return w + "n"
    if low.endswith("klynge"):
        return w + "n"
    if low.endswith(("udvalg", "råd", "netværk")):
        return w + "et"
    if low.endswith(("forum", "bestyrelse", "direktion")):
        return w + ("en" if low.endswith("direktion") else "")
    return w


# A body named by article and adjectives, right before its group word.
_ARTICLE_BEFORE = re.compile(r"(?:^|[\s–-])((?:Det|Den)\s+(?:[a-zæøå][\wæøå-]*e\s+){1,2})$")


def body_from_title(title: str) -> str | None:
    """'Referat fra Klyngestyregruppemøde 22.06.17' -> 'Klyngestyregruppen'."""
    m = _GROUP_WORD.search(title)
    if not m:
        return None
    article = _ARTICLE_BEFORE.search(title[: m.start()])
    if article and not m.group("def"):  # "Det administrative forum", "Den tværsektorielle styregruppe"
        return f"{article.group(1)}{m.group('w')}"
    word = m.group("w")
    rest = title[m.end() :].split()
    word = word[:1].upper() + word[1:]
    if rest and _DIRECTION.match(rest[0].strip(",.:")):
        return f"{word} {rest[0].strip(',.:')}"
    if len(rest) > 1 and rest[0].lower() == "klynge" and rest[1][:1].isupper() and not m.group("def"):
        # "Styregruppe Klynge Syd" is a name; "Klyngestyregruppen" / "Klynge Bornholm" is the group and its cluster.
        return f"{word} Klynge {rest[1].strip(',.:')}"
    if _NAMED_GROUPS.search(word) and rest and rest[0][:1].isupper():
        name = _name_after(title[m.end() :])
        if name:
            return f"{word} {name}"
    # "Temagruppe for psykiatri og misbrug Referat 28.11.2023": the name runs in lower case.
    named = _LOWER_NAME.match(title[m.end() :]) if _NAMED_GROUPS.search(word) else None
    if named:
        name = re.sub(r"(?:\s+(?:i|på|for|om|og|af|til|med|ved|fra))+$", "", named.group(1))  # "… i Horsensklyngen"
        return f"{_definite(word) if m.group('def') else word} {name}"
    return _definite(word)


# The name runs in lower case, acronyms allowed: "for psykiatri og misbrug", "for IV-behandling i nærområdet".
_LOWER_NAME = re.compile(
    r"\s+((?:for|om)(?:\s+(?!den\b|d\.|kl\.)(?:[a-zæøå][\wæøå\-]*|[A-ZÆØÅ]{2,}-[a-zæøå][\wæøå\-]*)){1,5})")


def _name_after(text: str) -> str:
    """'Sundhed for voksne den 3. maj' -> 'Sundhed for voksne'."""
    words: list[str] = []
    for w in text.split():
        if re.match(r"^\d", w) or w.lower() in ("den", "d.", "kl.", "på", "i", "-", "\u2013", "ved"):
            break
        words.append(w.strip(",.:"))
        if len(words) >= 5 or w.endswith((",", ":", ";")):
            break
    return " ".join(words)


def body_from_fields(fields: dict[str, list[str]]) -> str | None:
    """'Emne: Møde 1, 2022 Styregruppe Klynge Syd' -> 'Styregruppe Klynge Syd'."""
    for label in ("udvalg", "mødeforum", "emne", "møde"):
        for v in fields.get(label, []):
            v = re.sub(
                r"^(?:møde\s*(?:nr\.?)?\s*\d+\s*[,/]?\s*(?:(?:19|20)\d{2})?)\s*", "", v, flags=re.IGNORECASE
            )
            if v and _GROUP_WORD.search(v):
                return v.strip(" ,.-")
    return None


def body_from_text(text: str, full_text: str | None = None) -> str | None:
    """The group the recommendations address ('At Fokusgruppen drøfter'), with its fullest name.

    ``text`` is where the group is addressed (the recommendations), ``full_text``
    where its full name ("Fokusgruppen Sundhed for voksne") is looked up.
    """
    addressed = Counter(
        m.group(1).lower()
        for m in re.finditer(rf"\b[Aa]t\s+([\wæøå]*?(?:{_GROUP}))(?:en|et|n|t)?\b", text, re.IGNORECASE)
    )
    if not addressed:
        return None
    stem = addressed.most_common(1)[0][0]
    names: Counter[str] = Counter()
    printed: dict[str, str] = {}
    name_re = rf"\b{re.escape(stem)}(?:en|et|n|t)?\s+([A-ZÆØÅ][\wæøå]+(?:\s+(?:for|og|&|til)\s+[\wæøå]+)?)"
    for m in re.finditer(name_re, full_text or text, re.IGNORECASE):
        if not m.group(1)[:1].isupper():
            continue
        name = re.sub(r"\s+", " ", m.group(1))
        key = name.lower()
        names[key] += 1
        printed.setdefault(key, name)
    if names and _NAMED_GROUPS.search(stem):
        key, n = names.most_common(1)[0]
        if n >= 2:
            return f"{stem[:1].upper()}{stem[1:]} {printed[key]}"
    return _definite(stem)


def place_from_fields(fields: dict[str, list[str]]) -> str | None:
    """'Sted: Mødelokale 22, RH Viborg'; 'Tid og sted:' lines that are not the time."""
    for label in ("mødested", "sted", "lokation", "lokale", "mødelokale", "adresse", "location", "venue", "hvor"):
        values = [v.strip() for v in fields.get(label, []) if v.strip()]
        if values:
            return _tidy_place(_join_wrapped(values))
    for label in ("tid og sted", "tidspunkt", "tid"):
        for v in fields.get(label, []):
            if _ONLINE.match(v.strip()):
                return "Online"
            if not _DATEISH.search(v) and _PLACE_WORDS.search(v):
                return _tidy_place(v)
            # "Mandag den 3. maj kl. 14-16, Regionshospitalet Randers"
            tail = re.split(r",\s*", v)
            for part in tail[1:]:
                if _PLACE_WORDS.search(part) and not _DATEISH.search(part):
                    return _tidy_place(", ".join(tail[tail.index(part) :]))
    return None


_WHEN = re.compile(rf"\b(?:{P.WEEKDAY_RE})\b|\bkl\.?\s*\d", re.IGNORECASE)


def place_after_time(front: list[str]) -> str | None:
    """'Tirsdag d. 3/10-2023 kl. 13-15' then 'Mødelokale 2, Regionshuset Viborg' (no labels)."""
    texts = [s.strip() for s in front if s.strip()]
    for a, b in zip(texts, texts[1:], strict=False):
        if not (_DATEISH.search(a) and _WHEN.search(a)) or P.match_label(a):
            continue
        if len(b) <= 100 and _PLACE_WORDS.search(b) and not _DATEISH.search(b) and not P.match_label(b):
            return _tidy_place(b)
    return None


def _join_wrapped(values: list[str]) -> str:
    """A place wrapped onto the next line: "… – mødelokale" + "Bygholm (indgang 2)". A line
    after a finished place ("… mødelokale A2.03") is something else ("Deltagere (9)")."""
    out = values[0]
    for v in values[1:]:
        last = out.split()[-1] if out.split() else ""
        if not (last[:1].islower() or last[-1:] in "-–,/"):
            break
        out += " " + v
    return out


def _tidy_place(v: str) -> str:
    v = re.sub(r"\s+", " ", v).strip(" .,")
    return "Online" if _ONLINE.match(v) else v


def place_from_title(title_lines: list[str]) -> str | None:
    """'... på Regionshospitalet Randers.' / 'i Regionshospitalet Randers, mødelokale 1'."""
    for s in title_lines:
        s = s.strip()
        for m in _TITLE_PREP.finditer(s):
            p = re.split(r"\s+(?:den|d\.|kl\.?)\s|\s+\d{1,2}[./-]\d", s[m.end() :])[0].strip(" .,")
            if p and _PLACE_WORDS.search(p) and not re.search(_GROUP, p, re.IGNORECASE):
                return p
    return None
