"""Question understanding: clusters and aliases, periods, exact dates, intent."""

import pytest

from rag.query import detect_intent, find_clusters, parse_query
from rag.settings import DEFAULT_CLUSTER_ALIASES as ALIASES


@pytest.mark.parametrize("text", [
    "Hvad besluttede Randersklyngen om IV-behandling?",
    "hvad sagde randers-klyngen",
    "Randers klyngen og IV",
    "klyngen i Randers",
    "Randersklyngens møde",
    "den politiske randersklynge",
    "referat fra RRA",
])
def test_randers_cluster_aliases(text):
    assert parse_query(text, ALIASES).clusters == ("Randersklyngen",)


def test_abbreviation_needs_capitals():
    assert find_clusters("rra er ikke et navn her", ALIASES)[0] == []


def test_unknown_cluster_is_reported_not_guessed():
    q = parse_query("Hvad gjorde Viborg-klyngen om rygestop?", ALIASES)
    assert q.clusters == () and q.unknown_clusters == ("Viborgklyngen",)


def test_known_name_without_minutes_is_a_cluster():
    assert parse_query("Hvad besluttede Aarhusklyngen?", ALIASES).clusters == ("Aarhusklyngen",)


@pytest.mark.parametrize("text, lo, hi, soft", [
    ("møder i 2022", "2022-01-01", "2022-12-31", False),
    ("mødet i januar 2023", "2023-01-01", "2023-01-31", False),
    ("Hvad besluttede klyngen før 2020?", "0001-01-01", "2019-12-31", False),
    ("efter 2019", "2020-01-01", "9999-12-31", False),
    ("udgifter til ledsagelse i 2018", "2018-01-01", "2018-12-31", True),
    ("hvor mange borgere fik IV-behandling i hele 2023?", "2023-01-01", "2023-12-31", True),
])
def test_periods(text, lo, hi, soft):
    q = parse_query(text, ALIASES)
    assert (q.date_from, q.date_to, q.soft_period) == (lo, hi, soft)


def test_bare_year_in_a_name_is_not_a_period():
    q = parse_query("IHI konference 2020 prækonference", ALIASES)
    assert q.date_from is None and q.date_to is None


def test_exact_dates_are_not_periods():
    q = parse_query("Hvad skete der på mødet 22.06.17 og den 9. november 2017?", ALIASES)
    assert q.dates == ("2017-06-22", "2017-11-09")
    assert q.date_from is None


@pytest.mark.parametrize("text, intent", [
    ("Hvem blev formand?", "who"),
    ("Hvor mange sengepladser?", "amount"),
    ("Hvad koster det?", "amount"),
    ("Hvornår træder aftalen i kraft?", "when"),
    ("Hvad besluttede klyngen om IV?", "decision"),
    ("sundhedshus hobro borgerinddragelse", "fact"),
    ("Hvordan er udgifterne til IV-behandling fordelt?", "fact"),  # an arrangement, not a figure
    ("Hvorfor steg udgifterne, og hvor meget?", "amount"),
])
def test_intent(text, intent):
    assert detect_intent(text) == intent


def test_latest_meeting_and_item_reference():
    q = parse_query("seneste møde randersklyngen, hvad stod der i punkt 3?", ALIASES)
    assert q.latest_meeting and q.item_number == "3"


@pytest.mark.parametrize("text, number", [
    ("Hvad blev besluttet under punkt 2.1 om rygestop?", "2.1"),
    ("Hvad stod der i pkt. O1?", "O1"),
    ("Hvad blev besluttet i punkt C?", "C"),
    ("Hvad blev besluttet under punkt 4a?", "4a"),
    ("Hvilket punkt i dagsordenen handlede om IV?", None),
    ("Hvad koster punkt 12.000 kr.?", None),
])
def test_item_references_in_every_numbering_form(text, number):
    assert parse_query(text, ALIASES).item_number == number


@pytest.mark.parametrize("text, about", [
    ("Hvilke kommuner indgår i Midtklyngen?", True),
    ("Hvem sidder i klyngestyregruppen?", True),
    ("Hvem deltog fra Favrskov Kommune?", True),
    ("Hvad indgår i den nye samarbejdsaftale?", False),
    ("Hvilke kommuner har tilsluttet sig tele-KOL?", False),
])
def test_questions_about_the_meeting_itself(text, about):
    """Membership and attendance are answered by the meeting's front matter (header unit)."""
    assert parse_query(text, ALIASES).about_meeting is about


@pytest.mark.parametrize("text, names", [
    ("Hvad sagde Jan Mainz om IPS?", ("Jan", "Mainz", "IPS")),
    # where people work is context: the item says "Kirurgisk Center", not the hospital's name
    ("Hvilke temamøder har Kirurgisk Center på Regionshospitalet Randers holdt?", ("Kirurgisk", "Center")),
    ("Hvad har Hospitalsenhed Midt aftalt med Viborg Kommune?", ("Viborg",)),
    ("Hvor mange henvisninger modtager Akutafdelingen på HE Midt?", ("Akutafdelingen",)),
    ("Hvad mener Region Midtjylland om Tele-KOL?", ("Tele-KOL",)),
    # the organisation of a person named by role is context: the item names the person
    ("Hvad mente praksiskonsulenten fra NordKAP om softwarerobotten Ervin?", ("Ervin",)),
    ("Hvad sagde repræsentanterne fra Danske Patienter om Ervin?", ("Ervin",)),
    # ... but a role *in* a place asks for that place's holder of the role
    ("Hvem er sundhedschef i Lemvig Kommune?", ("Lemvig",)),
])
def test_names_an_answer_must_mention(text, names):
    assert parse_query(text, ALIASES).entities == names


@pytest.mark.parametrize("text, plan", [
    ("Hvornår holder Randersklyngen møder i 2023?", True),
    ("Hvornår er næste møde i klyngestyregruppen?", True),
    ("mødeplan 2024 vestklyngen", True),
    ("Hvornår mødes klyngestyregruppen i efteråret 2023?", True),
    ("Hvornår blev mødet holdt?", False),
    ("Hvornår træder aftalen i kraft?", False),
])
def test_questions_about_the_meeting_plan(text, plan):
    assert parse_query(text, ALIASES).meeting_plan is plan


def test_a_verb_before_klyngen_is_no_cluster_name():
    q = parse_query("politi patruljer med sygeplejersker – har klyngen i Viborg talt om det?", ALIASES)
    assert q.unknown_clusters == ()
    assert parse_query("Hvad gjorde Viborg klyngen?", ALIASES).unknown_clusters == ("Viborgklyngen",)


@pytest.mark.parametrize("text, topic", [
    ("Hvor mange møder om året holder Midtklyngens brugerråd, og hvor længe har det eksisteret?", "brugerråd"),
    ("Hvor ofte mødes fokusgruppen om demens?", "fokusgruppen demens"),
    ("Hvor længe har samarbejdet om rygestop fungeret?", "samarbejdet rygestop"),
])
def test_frequency_and_duration_words_frame_the_question(text, topic):
    from rag.lexical import analyze
    from rag.retrieve import content_terms
    assert content_terms(parse_query(text, ALIASES), analyze) == analyze(topic)


@pytest.mark.parametrize("text, pairs", [
    ("Hvad siger referaterne om de lokale samarbejdsråd (LSR) i psykiatrien?", (("LSR", "lokale samarbejdsråd"),)),
    ("Hvad er status på LSR (lokale samarbejdsråd)?", (("LSR", "lokale samarbejdsråd"),)),
    ("Samarbejdet med Steno Diabetes Center Aarhus (SDCA)?", (("SDCA", "Steno Diabetes Center Aarhus"),)),
    ("status på telemedicin (KOL)", ()),  # letters that do not spell the words before them
])
def test_abbreviations_the_question_spells_out(text, pairs):
    assert parse_query(text, ALIASES).abbreviations == pairs


@pytest.mark.parametrize("text, period", [
    ("Hvornår og hvor holdt klyngestyregruppen i Holbækklyngen møde i foråret 2023?", ("2023-03-01", "2023-05-31")),
    ("Hvad blev besluttet om akutpladser i efteråret 2019?", ("2019-09-01", "2019-11-30")),
    ("Hvad skete der i sommeren 2021?", ("2021-06-01", "2021-08-31")),
])
def test_a_season_is_a_period_and_no_topic_word(text, period):
    q = parse_query(text, ALIASES)
    assert (q.date_from, q.date_to) == period
    assert any(w in q.terms_removed for w in ("foråret", "efteråret", "sommeren"))


def test_when_and_where_a_meeting_was_held_asks_for_the_front_matter():
    assert parse_query("Hvornår og hvor holdt styregruppen møde i maj 2023?", ALIASES).about_meeting


def test_a_suspended_hyphen_names_both_clusters():
    q = parse_query("Hvad har Midt- og Vestklyngen sagt om HjerteKomMidt?", ALIASES)
    assert set(q.clusters) == {"Midtklyngen", "Vestklyngen"} and q.entities == ("HjerteKomMidt",)


def test_a_region_places_the_cluster_and_is_no_topic_name():
    assert parse_query("Hvad blev Klynge Syd i Nordjylland enige om angående IPS?", ALIASES).entities == ("IPS",)


def test_deciding_is_the_topic_of_who_decides():
    from rag.lexical import analyze
    from rag.retrieve import content_terms
    who = content_terms(parse_query("ledsageaftale hvem beslutter ledsager", ALIASES), analyze)
    what = content_terms(parse_query("Hvad blev besluttet om ledsageaftalen?", ALIASES), analyze)
    assert set(analyze("beslutter")) <= set(who) and not set(analyze("besluttet")) & set(what)


def test_a_name_before_a_hospital_word_is_an_affiliation_not_a_topic():
    q = parse_query("Hvor længe skal Sydvestjysk Sygehus udlevere IV-medicin i Klynge Esbjerg?", ALIASES)
    assert "Sydvestjysk" not in q.entities
