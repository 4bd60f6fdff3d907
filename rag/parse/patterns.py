"""Vocabulary of Danish minutes shared by the parser modules.

Everything here is about minutes in general (headings, labels, bullets, web
chrome), never about one sample file: the parser must work on layouts it has
not seen.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.dates import MONTH_RE

# Private-use glyphs from Symbol/Wingdings fonts that PDF/DOCX extraction leaves
# where the bullet was (U+F0B7 "", U+F0A7 "", U+F0D8 ...).
PRIVATE_BULLETS = re.compile(r"[\uf020-\uf0ff]")
BULLET_LINE = re.compile(r"^\s*(?:[•●○◦▪■□►▶➢✓✔·*]|[-\u2013\u2014](?=\s)|o(?=\s+\S))\s*")

WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
WEEKDAY_RE = "|".join(WEEKDAYS)
MONTH_WORDS = MONTH_RE

# --- section headings inside an agenda item ---------------------------------
# (regex for the heading phrase, normalised section name). Order matters: the
# longer, more specific phrases come first.
_SECTION_PHRASES: list[tuple[str, str]] = [
    (r"forslag\s+til\s+beslutning", "indstilling"),
    (r"indstilling(?:er|en)?", "indstilling"),
    (r"supplerende\s+sagsfremstilling", "sagsfremstilling"),
    (r"sagsfremstilling(?:en)?", "sagsfremstilling"),
    (r"sagsbeskrivelse", "sagsfremstilling"),
    (r"sagen\s+i\s+kort\s+form", "sagsfremstilling"),
    (r"beskrivelse\s+af\s+sagen", "sagsfremstilling"),
    (r"baggrund", "sagsfremstilling"),
    (r"resum[eé]", "sagsfremstilling"),
    (r"drøftelse(?:r|n)?", "drøftelse"),
    (r"orientering(?=\s*(?::|$))", "sagsfremstilling"),  # an orientation item's content, "Orientering:"
    (r"[\wæøå]+s\s+beslutning", "beslutning"),
    (r"beslutning(?:er)?", "beslutning"),
    (r"referat", "beslutning"),
    (r"konklusion(?:er)?", "beslutning"),
    (r"afgørelse", "beslutning"),
    # English labels in bilingual minutes ("Background:", "Recommendation:", "Decision:").
    (r"background", "sagsfremstilling"),
    (r"recommendation", "indstilling"),
    (r"decision", "beslutning"),
    (r"resolution", "beslutning"),
    (r"bilag(?:sliste)?", "bilag"),
    (r"vedhæftede\s+bilag", "bilag"),
    (r"økonomiske\s+konsekvenser", "økonomi"),
    (r"økonomi(?:\s+og\s+finansiering)?", "økonomi"),
    (r"finansiering", "økonomi"),
    (r"opfølgning", "opfølgning"),
    (r"aftale", "beslutning"),  # "Aftale: Kolding Kommune nedbringer …" - what was agreed
    (r"tidsplan", "tidsplan"),
    (r"kommunikation", "kommunikation"),
    (r"høring", "høring"),
    (r"(?:lov|rets)grundlag", "lovgrundlag"),
    (r"vurdering", "vurdering"),
]
DECISION_SECTIONS = frozenset({"beslutning"})

_HEADING_PREFIX = r"^\s*(?:#{1,6}\s*)?[*_]{0,2}"
_SECTION_RES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            _HEADING_PREFIX
            + rf"(?P<h>{phrase})\b"
            # "Beslutning i Klyngestyregruppen den 12-05-2021", "Bilag 2:",
            # "Sagsfremstilling – opdateret ...:"
            + r"(?P<q>\s+(?:i|fra|på|den|af|vedr\.?|d\.|\d{1,2}|[\u2013\-]\s)[^:\n]{0,70}"
            + r"|\s*\([^()\n]{1,40}\))?"  # "Opfølgning (hvem, hvornår):" in a form
            + r"[*_]{0,2}\s*(?:(?P<sep>[:.,\u2013\-])[*_]{0,2}\s*(?P<rest>.*))?$",
            re.IGNORECASE,
        ),
        name,
    )
    for phrase, name in _SECTION_PHRASES
]


_PREPOSITION_QUAL = re.compile(r"\s+(?:i|fra|på|den|af|vedr\.?|d\.)\s", re.IGNORECASE)

# "Det indstilles, at ..." / "Administrationen indstiller, at ..." carry their text inline.
_INDSTILLES = re.compile(
    _HEADING_PREFIX
    + r"(?P<h>det\s+indstilles|(?:administrationen|forvaltningen|direktionen|sekretariatet|formandskabet)"
    r"\s+indstiller)\b[*_]{0,2}[\s,:]*(?P<rest>.*)$",
    re.IGNORECASE,
)


# "Det blev besluttet:", "Besluttet:", "Det blev aftalt:" label the decision. Only with a
# colon: "Det blev besluttet at afprøve ..." and "Det blev besluttet, at ..." are prose.
_DECIDED = re.compile(
    _HEADING_PREFIX
    + r"(?P<h>(?:det\s+blev\s+|der\s+blev\s+)?(?:besluttet|aftalt|vedtaget))[*_]{0,2}\s*:[*_]{0,2}\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# "Drøftelse og beslutning:", "Beslutning/opfølgning", "Sagsfremstilling og indstilling:":
# two section names joined; the section is the decision when either part is one.
_PHRASE_ALT = "|".join(p for p, _ in _SECTION_PHRASES)
_COMPOUND = re.compile(
    _HEADING_PREFIX
    + rf"(?P<h>(?P<a>{_PHRASE_ALT})\s*(?:og|&|/|\+)\s*(?P<b>{_PHRASE_ALT}))\b[*_]{{0,2}}\s*"
    + r"(?:(?P<sep>[:.])[*_]{0,2}\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)


def _phrase_name(phrase: str) -> str:
    return next(name for rx, name in _SECTION_RES if rx.match(phrase))


# One pass that rejects the (vast majority of) lines that cannot be headings.
_ANY_SECTION = re.compile(
    _HEADING_PREFIX
    + "(?:"
    + _PHRASE_ALT
    + r"|det\s+indstilles|\w+\s+indstiller|(?:det|der)\s+blev\s+(?:besluttet|aftalt|vedtaget)"
    + r"|besluttet|aftalt|vedtaget)",
    re.IGNORECASE,
)


def _is_sentence(s: str) -> bool:
    """'Mindreforbruget overføres til 2024.' - running text, not a title or a date."""
    return len(s.split()) >= 3 and s.rstrip().endswith((".", "!", "?")) and s[:1].isupper()


_LABEL_COLUMN = re.compile(r"(?<=\S)\s{3,}(?=\S)")


@lru_cache(maxsize=16384)
def match_section_heading(line: str) -> tuple[str, str, str] | None:
    """(name, heading, inline text) when ``line`` opens an item section, else None.

    A heading is the phrase alone ("Beslutning", "Sagsfremstilling."), the
    phrase with a colon and text on the same line ("Beslutning: Godkendt."),
    or a short qualified form ("Beslutning i Klyngestyregruppen"). Prose that
    merely starts with the word ("Beslutningen blev ...") is not a heading.
    """
    s = line.strip()
    if not s or len(s) > 2000 or not _ANY_SECTION.match(s):
        return None
    # A table row "Beslutning<TAB>Godkendt.", or a fixed-width printout "Beslutning      Godkendt.":
    # a label cell, then the section's text.
    gap = None if "\t" in s else _LABEL_COLUMN.search(s)
    if "\t" in s or gap is not None:
        label, _, rest = s.partition("\t") if gap is None else (s[: gap.start()], "", s[gap.end():])
        m_label = match_section_heading(label)
        if m_label is not None and not m_label[2]:
            return m_label[0], m_label[1], rest.strip()
    m0 = _INDSTILLES.match(s)
    if m0:
        return "indstilling", m0.group("h"), m0.group("rest").strip()
    m0 = _DECIDED.match(s)
    if m0 and s[0].isupper():
        return "beslutning", m0.group("h"), m0.group("rest").strip()
    m0 = _COMPOUND.match(s)
    if m0 and s[0].isupper() and not (m0.group("sep") == "." and m0.group("rest")):
        names = [_phrase_name(m0.group(k)) for k in ("a", "b")]
        name = "beslutning" if "beslutning" in names else names[0]
        return name, m0.group("h"), (m0.group("rest") or "").strip()
    for rx, name in _SECTION_RES:
        m = rx.match(s)
        if not m:
            continue
        sep, rest, qual = m.group("sep"), (m.group("rest") or "").strip(), m.group("q")
        head = m.group("h")
        if s[0].islower() and sep != ":":
            # "… projektets volumen og\nøkonomi." is prose wrapped onto a new line, not a heading.
            return None
        if qual and sep != ":" and qual.lstrip()[:1] in "-\u2013":
            # "Beslutning – Mindreforbruget på 315.000 kr. overføres til 2024." carries the
            # section's text; "Referat – Klyngestyregruppen 12.05.2021" is a running header.
            tail = s[m.start("q") :].strip()[1:].strip()
            if head.lower() != "referat" and _is_sentence(tail):
                return name, head, tail
            continue
        if qual:
            # A qualified heading must be short and not a sentence.
            if sep not in (":", None) or len(s) > 90 or s.endswith("."):
                continue
            # Without a colon only "Beslutning i/fra/på ..." (eDoc) and "Bilag 2" stand alone;
            # "Referat – Klyngestyregruppen 12.05.2021" is a running header.
            alone_ok = (name == "beslutning" and _PREPOSITION_QUAL.match(qual)) or (
                name == "bilag" and re.match(r"\s+\d", qual)
            )
            if sep is None and not alone_ok:
                continue
            return name, (head + qual).strip(), rest if sep == ":" else ""
        if sep is None:
            return name, head, ""
        if sep == ".":
            if rest:
                continue
            return name, head, ""
        if sep == ",":
            continue
        if sep in "-\u2013":
            # "Referat – Klyngestyregruppen 12.05.2021" is a running header, not a section;
            # "Beslutning – Mindreforbruget overføres til 2024." carries the section's text.
            if rest and (head.lower() == "referat" or not _is_sentence(rest)):
                continue
            return name, head, rest
        return name, head, rest
    return None


# --- meeting metadata labels --------------------------------------------------
PARTICIPANT_LABELS = (
    r"i\s+mødet\s+deltog|mødedeltagere|deltagere|deltagerliste|deltog|til\s+stede|tilstede|"
    r"tilstedeværende|fremmødte|afbud(?:\s+fra)?|fraværende|fravær|gæster|gæst|inviterede|"
    r"øvrige\s+deltagere|mødeledere|mødeleder|referenter|referent|sekretær|sekretariat|"
    r"ordstyrer|formand|forperson|medlemmer|"
    r"attendees|participants|apologies|absent|chair|minute\s+taker|minutes\s+taken\s+by"  # English templates
)
TIME_LABELS = (
    r"mødedato|dato\s+for\s+mødet|dato\s+for\s+møde|mødetidspunkt|dato\s+og\s+tid(?:spunkt)?|"
    r"tid\s+og\s+sted|tidspunkt|mødetid|tid|hvornår"
)
PLACE_LABELS = r"mødested|sted|lokation|lokale|mødelokale|adresse|location|venue|hvor"
OTHER_LABELS = r"emne|forplejning|mødeforum|udvalg|møde|mødetype|dagsorden|dato|start|slut|ansvarlig|sagsnr\.?"

LABEL_LINE = re.compile(
    rf"^\s*(?:[•*\-\u2013]\s*)?(?P<label>{PARTICIPANT_LABELS}|{TIME_LABELS}|{PLACE_LABELS}|{OTHER_LABELS})"
    # "Mødested<TAB>Regionshospitalet Horsens": a two-column metadata table row (DOCX, HTML);
    # "Sted .........: …" (dot leaders); "Mødested / Venue: …" (a bilingual label).
    r"(?:[ \t]*\.{2,})?(?:\s*/\s*[A-Za-z]+)?(?:\s*:\s*|[ ]*\t\s*)(?P<value>.*)$",
    re.IGNORECASE,
)
# "I mødet deltog", "Gæster som deltager i punkterne 1-3": participant labels without a colon.
PARTICIPANT_LABEL_BARE = re.compile(
    rf"^\s*(?P<label>{PARTICIPANT_LABELS})\b(?P<value>[^.:]{{0,45}})$", re.IGNORECASE
)
PARTICIPANT_LABEL_RE = re.compile(rf"^(?:{PARTICIPANT_LABELS})$", re.IGNORECASE)
TIME_LABEL_RE = re.compile(rf"^(?:{TIME_LABELS})$", re.IGNORECASE)


_BARE_LABELS = frozenset({"deltagere", "mødedeltagere", "afbud", "fraværende", "gæster", "medlemmer"})
# A two-column metadata table printed to PDF loses its cell break: "Mødested Favrskov Rådhus, …".
# Only labels no sentence starts with, followed by a capital or a digit.
_GLUED_LABEL = re.compile(
    r"^\s*(?P<label>(?i:mødested|sted|mødedato|dato|mødetidspunkt|tidspunkt|mødeleder|referent|deltagere|afbud|fraværende))\s+(?P<value>[A-ZÆØÅ0-9].*)$")
GLUED_LABEL_MAX = 120


# "(beslutning)", "(til orientering)" after an agenda entry: what the item is for, not its title.
STATUS_SUFFIX = re.compile(r"\s*\((?:til\s+)?(?:beslutning|orientering|drøftelse|godkendelse|information)\)\s*$",
                           re.IGNORECASE)

# The words that label an agenda item before its number ("Punkt 3", "Dagsordenspunkt 3", "Agenda item 3").
# "Emne 3:" in outlines whose items have sub-items 3a, 3b; "Item 3" in English templates.
ITEM_LABEL = r"punkt|pkt\.?|dagsordens\s*punkt|dagsordenpunkt|agenda\s+item|item|emne"
_LABEL_ONLY = re.compile(rf"^\s*(?:{PARTICIPANT_LABELS}|{TIME_LABELS}|{PLACE_LABELS}|{OTHER_LABELS})\s*:?\s*$", re.I)


def is_label(text: str) -> bool:
    """The text is a metadata label and nothing else ("Mødested", "Dato:"), e.g. a column name."""
    return bool(_LABEL_ONLY.match(text))


_TIME_PLACE_ALONE = re.compile(r"^\s*(?P<label>mødedato|mødetidspunkt|mødested|mødelokale)\s*$", re.IGNORECASE)


def match_label(line: str) -> tuple[str, str] | None:
    """(label lower-cased, value) for a metadata label line such as "Sted: RH Viborg"."""
    m = LABEL_LINE.match(line)
    if m:
        return re.sub(r"\s+", " ", m.group("label").lower()), m.group("value").strip()
    m = _GLUED_LABEL.match(line)
    if m and len(line.strip()) <= GLUED_LABEL_MAX:
        return m.group("label").lower(), m.group("value").strip()
    m = _TIME_PLACE_ALONE.match(line)
    if m:  # "Mødested" on its own line, the place on the next (a PDF of a label-value table)
        return m.group("label").lower(), ""
    m = PARTICIPANT_LABEL_BARE.match(line)
    if m and len(line.strip()) <= 60:
        label = re.sub(r"\s+", " ", m.group("label").lower())
        value = m.group("value").strip()
        # "I mødet deltog", "Gæster som deltager i punkt 1-3" - but not prose such as
        # "Gæster deltog i punkt 3", nor bare org headings ("Sekretariat").
        if (" " in label or label in _BARE_LABELS) and (not value or value.lower().startswith("som ")):
            return label, value
    return None


def is_participant_label(label: str) -> bool:
    """True for labels that introduce attendance lists (deltagere, afbud, ...)."""
    return bool(PARTICIPANT_LABEL_RE.match(label))


# --- web-export chrome and other artefacts -----------------------------------
WEB_ARTEFACTS = frozenset(
    {
        "abonnér",
        "abonner",
        "tilbage til toppen",
        "til toppen",
        "gå til toppen",
        "til top",
        "se alle dagsordener og referater fra dette mødeforum",
        "udskriv",
        "print",
        "del",
        "hent som pdf",
        "download som pdf",
        "download",
        "vis bilag",
        "skjul bilag",
        "læs mere",
        "åben",
        "åbent punkt",
        "lukket punkt",
        "åben sag",
        "lukket sag",
        "tilbage",
        "forside",
        "menu",
        "søg",
        "del på facebook",
        "del på linkedin",
        "del på twitter",
        "cookie-indstillinger",
    }
)
ARTEFACT_RES = [
    # Case and document numbers printed above every item ("Sagnr.: 1-00-3-23", "Sagsnummer: 21/123").
    re.compile(
        r"^(?:sag(?:s)?\s*nr|sagsnummer|j\.?\s*nr|journal(?:nr|nummer)|dok(?:ument)?\.?\s*nr|dokumentnummer|"
        r"sags?\s*id)\.?\s*:?\s*[\w./\-]*\d[\w./\-]*$",
        re.IGNORECASE,
    ),
    re.compile(r"^se alle (?:dagsordener|referater)\b.*$", re.IGNORECASE),
    re.compile(r"^(?:opdateret|senest opdateret|sidst opdateret|publiceret)\s*:?\s*\d.*$", re.IGNORECASE),
    # Breaks in the meeting's schedule, printed between items: "PAUSE (kl. 10.20-10.30)", "Frokost".
    re.compile(r"^(?:pause|kaffepause|frokost|frokostpause)\s*(?:\(?\s*(?:kl\.?\s*)?[\d.:\s\-–]+\)?)?$",
               re.IGNORECASE),
]
# A document's own file name printed in a footer ("Random..docx", "S:\\KSG\\referat.docx").
FILE_NAME_LINE = re.compile(
    r"^(?:[A-Za-z]:[\\/])?[\w\-. \\/]{1,120}\.(?:docx?|pdf|xlsx?|pptx?|odt)$", re.IGNORECASE
)
PAGE_MARK = re.compile(
    r"^(?:side|page|s\.)\s*(?P<n>\d{1,3})(?:\s*(?:af|of|/|ud af)\s*(?P<m>\d{1,3}))?\.?$", re.IGNORECASE
)
PAGE_MARK_SUFFIX = re.compile(
    r"\s(?:side|page)\s*(?P<n>\d{1,3})\s*(?:af|of|/)\s*(?P<m>\d{1,3})$", re.IGNORECASE
)
# PDF text extraction glues margin boxes together: "Side 1 af 3Sundhedssamarbejdet i X".
PAGE_MARK_GLUED = re.compile(
    r"^(?:[Ss]ide|[Pp]age)\s*(?P<n>\d{1,3})\s*(?:af|of|/)\s*(?P<m>\d{1,3})(?=[A-ZÆØÅ])|"
    r"(?<=[a-zæøå.])(?:Side|Page)\s*(?P<n2>\d{1,3})\s*(?:af|of|/)\s*(?P<m2>\d{1,3})$"
)
DASH_PAGE = re.compile(r"^[-\u2013]\s*(?P<n>\d{1,3})\s*[-\u2013]$")
LONE_NUMBER = re.compile(r"^\d{1,3}$")
RULE_LINE = re.compile(r"^[\-_=*~.·•\u2013\u2014]{3,}$")  # decorative separators between items

# Contact/letterhead lines: "Mail: x@y.dk", "Tlf.: 12 34 56 78", "Mobil: +45 ...".
CONTACT_LABEL = re.compile(
    r"^(?:e-?mail|mail|tlf|telefon|lokaltlf|direkte(?:\s+tlf)?|dir\.?\s*tlf|mobil|mob|fax|web|cvr|ean|"
    r"sikker\s+mail|hjemmeside)\.?\s*:",
    re.IGNORECASE,
)
EMAIL_ONLY = re.compile(r"^(?:mailto:)?[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+$", re.IGNORECASE)
PHONE_ONLY = re.compile(r"^(?:\+45\s?)?(?:\d{2}\s?){4}$")
NAME_PHONE = re.compile(r"^[A-ZÆØÅ][\wæøåÆØÅ.\- ]{2,40}\s*/\s*(?:\+45\s?)?(?:\d{2}\s?){4}$")
DOC_DATE_LABEL = re.compile(r"^(?:dato|udskrevet|udsendt)\s*:", re.IGNORECASE)
ADDRESS_LINE = re.compile(
    r"^(?:[A-ZÆØÅ][\wæøå\-]+\s){0,3}[A-ZÆØÅa-zæøå\-]+(?:vej|gade|allé|plads|torv)\s+\d+",
)
POSTCODE_LINE = re.compile(r"^\d{4}\s+[A-ZÆØÅ][\wæøå]+(?:\s+[A-ZÆØÅ]+)?$")
