"""Sentence choice of the extractive answerer on hand-made agenda items.

Each test builds one meeting, a retrieval that points at its items, and checks
what the answer quotes: the decision statement, whole lists, the part of a long
item the retrieval matched, and the budget an item without evidence leaves.
"""

from __future__ import annotations

from rag.answer.extractive import answer_extractive, quote_is_verbatim
from rag.lexical import analyze
from rag.query import Query
from rag.retrieve import Retrieval
from rag.types import AgendaItem, Chunk, HeaderUnit, Hit, Meeting

ORDINALS = ("første", "andet", "tredje", "fjerde", "femte", "sjette", "syvende", "ottende", "niende", "tiende",
            "ellevte", "tolvte", "trettende", "fjortende", "femtende", "sekstende")
FILLER = [f"Arbejdsgruppen har holdt sit {n} møde om rammerne for samarbejdet på sundhedsområdet." for n in ORDINALS]


def _meeting(*items: AgendaItem) -> Meeting:
    return Meeting(
        id="m1", file="m1.txt", cluster="Testklyngen", body="Klyngestyregruppen", date="2023-01-27",
        place=None, title=None, participants=(), header=HeaderUnit(text="Dato: 27. januar 2023"), items=items,
    )


def _hit(m: Meeting, item: AgendaItem, chunk_text: str | None = None, score: float = 1.0) -> Hit:
    text = chunk_text if chunk_text is not None else item.text
    chunk = Chunk(id=f"{m.id}:{item.number}", meeting_id=m.id, file=m.file, item=item.number, title=item.title,
                  text=text, search_text=text, cluster=m.cluster, body=m.body, date=m.date)
    return Hit(chunk=chunk, score=score, dense_score=0.9, lexical_score=1.0, coverage=1.0)


def _ask(question: str, intent: str, m: Meeting, hits: list[Hit]) -> str:
    query = Query(text=question, intent=intent)  # type: ignore[arg-type]
    generic = set(analyze("hvad blev besluttet hvilke hvor mange"))  # question words, as retrieval drops them
    terms = tuple(t for t in analyze(question) if t not in generic)
    retrieval = Retrieval(hits=tuple(hits), query_terms=terms)
    answer = answer_extractive(query, retrieval, {m.id: m}, min_coverage=0.2)
    assert not answer.refused
    for c in answer.citations:
        item = next(i for i in m.items if i.number == c.item)
        assert quote_is_verbatim(c.quote, item.text)
    return answer.answer


def test_a_long_decision_is_answered_by_its_decision_statement():
    decision = " ".join(
        [f"Der blev orienteret om rygestop i den {n} kommune og om rygestop i almen praksis." for n in ORDINALS]
        + ["Det blev besluttet, at klyngen nedsætter en personkreds med deltagere fra kommunerne, hospitalet "
           "og almen praksis, som følger sagen tæt og melder skriftligt tilbage til klyngestyregruppen på det "
           "næste ordinære møde efter sommerferien."]
    )
    item = AgendaItem(number="3", title="Rygestop", text=f"Sagsfremstilling om rygestop.\nBeslutning:\n{decision}",
                      decision=decision)
    m = _meeting(item)
    answer = _ask("Hvad blev besluttet om rygestop?", "decision", m, [_hit(m, item)])
    assert "personkreds" in answer


def test_a_list_is_quoted_whole_including_wrapped_entries():
    text = "\n".join([
        "Formandskabet foreslår følgende emner til kommende møder:",
        "• Sundhedsaftalen og dens betydning for klyngen",
        "• Nedbringelse af tvang med en kobling til psykiatriplanen",
        "(analyse og samspil mellem psykiatri og botilbud)",
        "• Opfølgning på implementering af Tele-KOL",
        "• Status fra arbejdet med APO-teams",
        "Klyngestyregruppen tog forslagene til efterretning.",
    ])
    item = AgendaItem(number="10", title="Emner til kommende møder", text=text)
    m = _meeting(item)
    answer = _ask("Hvilke emner er foreslået til kommende møder?", "fact", m, [_hit(m, item)])
    assert "Tele-KOL" in answer and "APO-teams" in answer


def test_a_chosen_list_entry_brings_its_whole_list():
    """The intro is a bare "Indsatsområderne er:" (a heading, never quoted): the list still comes whole
    when the answer quotes one of its entries."""
    text = "\n".join([
        "Projektet har med afsæt i 18 prøvehandlinger fundet frem til 4 indsatsområder.",
        "Indsatsområderne er:",
        "1. Forventningssamtaler og behandlingsniveau",
        "2. Inddrage og støtte pårørende",
        "3. Klare retningslinjer og tydelig dokumentation",
        "4. Udbrede kendskabet til vågetjenester",
        *FILLER[:6],
    ])
    item = AgendaItem(number="8", title="Livets afslutning", text=text)
    m = _meeting(item)
    answer = _ask("Hvor mange prøvehandlinger og indsatsområder havde projektet?", "amount", m, [_hit(m, item)])
    assert "1. Forventningssamtaler" in answer and "4. Udbrede kendskabet til vågetjenester" in answer


def test_an_amount_stated_beside_the_chosen_one_comes_along():
    """The question's words are in the 2024 sentence only; the 2023 figures stand right before it."""
    text = " ".join([
        *FILLER[:4],
        "Klyngen er i 2023 tildelt i alt 3.026.820 kr. heraf 1.555.405 kr. fra kommunerne.",
        "Stort set tilsvarende beløb til klyngemidler er afsat i 2024, nemlig i alt 3.032.066 kr.",
        *FILLER[4:10],
    ])
    item = AgendaItem(number="10", title="Anvendelse af midler", text=text)
    m = _meeting(item)
    answer = _ask("Hvilket beløb er afsat til klyngemidler?", "amount", m, [_hit(m, item)])
    assert "3.032.066 kr." in answer and "3.026.820 kr." in answer


def test_the_quote_budget_sets_how_much_of_a_long_item_is_quoted():
    text = " ".join(f"Samarbejdet om tilbuddet er drøftet på det {n} møde med kommunerne." for n in ORDINALS)
    item = AgendaItem(number="5", title="Samarbejdet", text=text)
    m = _meeting(item)
    query = Query(text="Hvad er status for samarbejdet?", intent="fact")
    retrieval = Retrieval(hits=(_hit(m, item),), query_terms=("samarbejd",))
    short = answer_extractive(query, retrieval, {m.id: m}, min_coverage=0.2)
    long = answer_extractive(query, retrieval, {m.id: m}, min_coverage=0.2, words=260)
    n_short, n_long = len(short.citations[0].quote.split()), len(long.citations[0].quote.split())
    assert n_short <= 130 + 11 < n_long <= 260 + 11  # whole sentences: at most one over the budget
    assert quote_is_verbatim(long.citations[0].quote, item.text)


def test_sentences_in_the_matched_chunk_of_a_long_item_are_preferred():
    tail = ("Kommunerne oplyste, at samarbejdet om tilbuddet begynder i oktober. "
            "Rådgiverne sender materialet om samarbejdet til alle afdelinger i næste uge.")
    # Far enough down that the best-scoring sentences before it (and the sentences that follow
    # them) fill the budget: only the chunk the retrieval matched can bring it in.
    text = " ".join(FILLER[:13]) + " " + tail + " " + " ".join(FILLER[13:])
    item = AgendaItem(number="5", title="Samarbejdet", text=text)
    m = _meeting(item)
    with_chunk = _ask("Hvad er status for samarbejdet?", "fact", m, [_hit(m, item, chunk_text=tail)])
    assert "Rådgiverne sender materialet" in with_chunk


def test_an_item_without_the_asked_fact_leaves_its_budget_to_the_others():
    amounts = [f"I år {year} blev der samlet afsat {year - 1900}.000 kr. til klyngemidler i klyngens kommuner."
               for year in range(2014, 2026)]
    rich = AgendaItem(number="1", title="Klyngemidler", text=" ".join(amounts))
    poor = AgendaItem(number="2", title="Klyngemidler i øvrigt", text="Klyngemidler blev drøftet uden tal.")
    m = _meeting(rich, poor)
    answer = _ask("Hvor mange klyngemidler blev afsat?", "amount", m,
                  [_hit(m, rich), _hit(m, poor, score=0.9)])
    assert "punkt 2" not in answer
    # Alone, the item gets the one-item budget, not its share of two.
    assert sum(f"{year - 1900}.000 kr." in answer for year in range(2014, 2026)) >= 8


def test_a_name_the_cluster_carries_need_not_be_repeated_in_the_item():
    """'Akutafdelingen i Test' asked of Testklyngen's minutes: the item says only 'Akutafdelingen'."""
    item = AgendaItem(number="4", title="Hospitalsvisitationen",
                      text="Akutafdelingen modtager ca. 51.000 henvisninger pr. år.")
    m = _meeting(item)
    query = Query(text="Hvor mange henvisninger modtager Akutafdelingen i Test?", intent="amount",
                  entities=("Akutafdelingen", "Test"))
    retrieval = Retrieval(hits=(_hit(m, item),), query_terms=("henvisning", "akutafdeling"))
    answer = answer_extractive(query, retrieval, {m.id: m}, min_coverage=0.2)
    assert not answer.refused and "51.000" in answer.answer
    other = Query(text="Hvor mange henvisninger modtager Akutafdelingen i Aarhus?", intent="amount",
                  entities=("Akutafdelingen", "Aarhus"))
    assert answer_extractive(other, retrieval, {m.id: m}, min_coverage=0.2).refused


def test_the_meeting_header_is_cited_by_its_date_and_place_lines_only():
    """A participant list names regions and years too; it is no date line, and a long line
    that holds the date is quoted around the date, not whole."""
    from dataclasses import replace

    from rag.answer.extractive import HEADER_QUOTE_WORDS, _date_lines

    people = ("Direktør Eva Knudsen, Region Nordjylland Direktør Charlotte Larsen, Rebild Kommune Konsulent "
              "Camilla Donslund, PLO Praksiskonsulent Andreas Toft, NordKAP Leder Lise Søndergaard, Region 2022")
    header = HeaderUnit(text=(
        f"Referat Klyngestyregruppe Syd\n\nDeltagere:\n\n{people}\n\nMødedato:\n\n"
        "Mandag den 10.januar kl. 14.00 til kl.16.30 Online – link er i mødeindkaldelsen\n\n"
        f"Sted: Aalborg Universitetshospital, mødelokale 3 {people}"))
    m = replace(_meeting(), header=header)
    lines = _date_lines(m)
    assert lines[0] == "Mandag den 10.januar kl. 14.00 til kl.16.30 Online – link er i mødeindkaldelsen"
    assert lines[1].startswith("Sted: Aalborg Universitetshospital, mødelokale 3")
    assert len(lines[1].split()) == HEADER_QUOTE_WORDS
    assert not any("Charlotte" in line and "Sted" not in line for line in lines)


def test_a_who_question_for_a_role_no_item_names_says_so_first():
    item = AgendaItem(number="1", title="Velkomst",
                      text="Formanden Lone Hansen bød velkommen. Dagsordenen blev godkendt.")
    m = _meeting(item)
    answer = _ask("Hvem var mødeleder på mødet?", "who", m, [_hit(m, item)])
    assert answer.startswith("Det fremgår ikke af referaterne, hvem der var mødeleder.")
    assert "Lone Hansen" in answer
    named = AgendaItem(number="1", title="Velkomst", text="Mødeleder: Lone Hansen. Dagsordenen blev godkendt.")
    m = _meeting(named)
    assert "fremgår ikke" not in _ask("Hvem var mødeleder på mødet?", "who", m, [_hit(m, named)])


def test_a_question_word_inside_a_longer_word_of_the_minutes_counts():
    """'flytter' ~ 'Indflytningen': the sentence with the date answers 'hvornår flytter …'."""
    item = AgendaItem(number="3", title="Sundhedshuset i Hobro – status", text=(
        "Byggeriet af sundhedshuset er forsinket af vejret. Håndværkerne arbejder nu på tredje sal. "
        "Indflytningen udskydes til 1. juni 2025, og der holdes en åbningsdag i juni."))
    m = _meeting(item)
    answer = _ask("Hvornår flytter man ind i sundhedshuset?", "when", m, [_hit(m, item)])
    assert "1. juni 2025" in answer


def test_the_front_matter_gives_way_to_an_item_of_its_meeting_except_for_who_questions():
    from dataclasses import replace

    from rag.answer.select import select_items
    from rag.types import HEADER

    item = AgendaItem(number="3", title="IV-behandling i nærområdet",
                      text="Beslutning: Aftalen om IV-behandling blev godkendt.", decision="Aftalen blev godkendt.")
    m = replace(_meeting(item), header=HeaderUnit(text="Dagsorden: 3. IV-behandling i nærområdet\n"
                                                        "Deltagere: Lone Hansen, sundhedschef"))
    head = Chunk(id="m1:header", meeting_id=m.id, file=m.file, item=HEADER, title="", text=m.header.text,
                 search_text=m.header.text, cluster=m.cluster, body=m.body, date=m.date)
    hits = (_hit(m, item), Hit(chunk=head, score=0.95, dense_score=0.9, lexical_score=1.0, coverage=1.0))
    retrieval = Retrieval(hits=hits, query_terms=("ivbehandl",))
    got, _ = select_items(Query(text="Hvad blev besluttet om IV-behandling?", intent="decision"), retrieval,
                          {m.id: m}, min_coverage=0.2)
    assert [s.number for s in got] == ["3"]
    got, _ = select_items(Query(text="Hvem deltog i mødet om IV-behandling?", intent="who"), retrieval,
                          {m.id: m}, min_coverage=0.2)
    assert [s.number for s in got] == ["3", HEADER]


def test_an_abbreviation_the_question_spells_out_is_met_by_either_spelling():
    from rag.answer.select import select_items

    item = AgendaItem(number="4", title="Psykiatri", text="De lokale samarbejdsråd mødes fire gange om året.")
    m = _meeting(item)
    retrieval = Retrieval(hits=(_hit(m, item),), query_terms=("lokal", "samarbejdsråd", "lsr"), analyzer=analyze)
    query = Query(text="Hvad laver de lokale samarbejdsråd (LSR)?", intent="fact", entities=("LSR",),
                  abbreviations=(("LSR", "lokale samarbejdsråd"),))
    got, _ = select_items(query, retrieval, {m.id: m}, min_coverage=0.2)
    assert [s.number for s in got] == ["4"]
    got, note = select_items(replace_abbr(query), retrieval, {m.id: m}, min_coverage=0.2)
    assert got == [] and "LSR" in (note or "")


def replace_abbr(query: Query) -> Query:
    from dataclasses import replace
    return replace(query, abbreviations=())


def test_a_date_or_year_is_no_answer_to_how_many_but_a_number_word_is():
    dated = AgendaItem(number="4", title="Temadag om hjerneskade", text=(
        "Hjerneskadesamrådet afholdt en temadag 21. september 2022. På temadagen drøftede deltagerne samarbejdet."))
    m = _meeting(dated)
    query = Query(text="Hvor mange deltog i temadagen?", intent="amount")
    retrieval = Retrieval(hits=(_hit(m, dated),), query_terms=("deltog", "temadag"), analyzer=analyze)
    assert answer_extractive(query, retrieval, {m.id: m}, min_coverage=0.2).refused
    counted = AgendaItem(number="4", title="Temadag om hjerneskade", text=(
        "Hjerneskadesamrådet afholdt en temadag 21. september 2022. Tre kommuner deltog i temadagen."))
    m = _meeting(counted)
    answer = _ask("Hvor mange deltog i temadagen?", "amount", m, [_hit(m, counted)])
    assert "Tre kommuner deltog" in answer


def test_a_profession_answers_a_who_question():
    item = AgendaItem(number="6", title="Ledsageraftalen",
                      text="Ifølge aftalen er det afdelingssygeplejersken, der indgår aftalen om ledsagelse. "
                           "Inden for psykiatrien håndterer socialrådgiverne ordningen.")
    m = _meeting(item)
    answer = _ask("Hvem på hospitalet kan træffe beslutning om ledsagelse?", "who", m, [_hit(m, item)])
    assert "socialrådgiverne" in answer


def test_which_decisions_lists_every_decided_item_of_a_meeting():
    """"Hvilke beslutninger blev truffet på mødet?" names no topic: the answer lists the decided
    items in agenda order, all eight of a full meeting, not the first six."""
    items = [AgendaItem(number=str(n), title=f"Sag {n}", decision=f"Sag {n} blev godkendt.",
                        text=f"Sagsfremstilling {n}.\nBeslutning:\nSag {n} blev godkendt.") for n in range(1, 9)]
    m = _meeting(*items)
    query = Query(text="Hvilke beslutninger blev truffet på mødet?", intent="decision")
    retrieval = Retrieval(hits=tuple(_hit(m, i, score=1.0 - k / 10) for k, i in enumerate(reversed(items))),
                          query_terms=())
    answer = answer_extractive(query, retrieval, {m.id: m}, min_coverage=0.2)
    assert [c.item for c in answer.citations if c.item != "header"] == [str(n) for n in range(1, 9)]


def test_a_decision_after_its_label_on_the_same_line_is_quoted_once():
    text = ("Kommunerne og hospitalet har beskrevet et fælles forløb for borgere med demens.\n"
            "Beslutning: Klyngestyregruppen godkendte demensforløbet, som starter 1. oktober 2024.")
    item = AgendaItem(number="1", title="Fælles demensforløb", text=text,
                      decision="Klyngestyregruppen godkendte demensforløbet, som starter 1. oktober 2024.")
    m = _meeting(item)
    answer = _ask("Hvad blev besluttet om demensforløbet?", "decision", m, [_hit(m, item)])
    assert answer.count("godkendte demensforløbet") == 1


def test_a_postponed_items_new_date_answers_when_it_is_taken_up_again():
    """The decision names no topic word ("Udsat. Punktet genoptages …"), but it is the item's decision:
    its date is the evidence a when-question asks for."""
    text = ("Indstilling:\nDet indstilles, at styregruppen godkender en fælles arbejdsgang for opsporing af demens.\n"
            "Beslutning:\nUdsat. Punktet genoptages på mødet den 12. juni 2024.")
    item = AgendaItem(number="7", title="Tidlig opsporing af demens", text=text,
                      decision="Udsat. Punktet genoptages på mødet den 12. juni 2024.")
    m = _meeting(item)
    answer = _ask("Hvornår behandles opsporing af demens igen?", "when", m, [_hit(m, item)])
    assert "12. juni 2024" in answer
