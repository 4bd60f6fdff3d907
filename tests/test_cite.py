"""rag.cite.verify on answers over real agenda items from data/minutes."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.cite import MIN_SUPPORT, split_answer, verify
from rag.text import normalize_ws
from rag.types import Chunk, Hit

MINUTES = Path(__file__).resolve().parent.parent / "data" / "minutes"
RANDERS = "000_027e0e0cb2de1631"
VEST = "004_32335bc7de2af119"


def _snippet(stem: str, start: str, end: str) -> str:
    """The raw minutes text from the line starting with ``start`` up to ``end`` (exclusive)."""
    text = (MINUTES / f"{stem}.txt").read_text(encoding="utf-8")
    i = text.index(start)
    return text[i : text.index(end, i)]


def _hit(stem: str, item: str, title: str, text: str, *, date: str, cluster: str,
         decision: str | None = None, score: float = 1.0) -> Hit:
    chunk = Chunk(
        id=f"{stem}#{item}", meeting_id=stem, file=f"{stem}.txt", item=item, title=title, text=text,
        search_text=f"{title}\n{text}", cluster=cluster, body="Klyngestyregruppe", date=date,
        decision=decision,
    )
    return Hit(chunk=chunk, score=score)


@pytest.fixture(scope="module")
def kommissorium() -> Hit:
    text = _snippet(RANDERS, "AD. 3: Godkendelse", " AD. 4:")
    return _hit(RANDERS, "3", "Godkendelse af kommissorium vedr. hurtige og hensigtsmæssige patientforløb "
                "i Randersklyngen", text, date="2017-06-22", cluster="Randersklyngen",
                decision=_snippet(RANDERS, "• Kommissorium blev godkendt", "Indstilling:"))


@pytest.fixture(scope="module")
def iv_randers() -> Hit:
    text = _snippet(RANDERS, "AD. 9: Varsling", "AD. 10:")
    return _hit(RANDERS, "9", "Varsling af opsigelse af IV- aftale", text, date="2017-06-22",
                cluster="Randersklyngen", decision="• Randers Kommune opsiger IV- aftalen pr. 15.07.17")


@pytest.fixture(scope="module")
def hospital() -> Hit:
    text = _snippet(RANDERS, "AD. 6: Nyt fra hospitalet", "AD. 7:")
    return _hit(RANDERS, "6", "Nyt fra hospitalet", text, date="2017-06-22", cluster="Randersklyngen")


@pytest.fixture(scope="module")
def iv_vest() -> Hit:
    text = _snippet(VEST, "2. Samarbejdsaftale for IV", "3. Afrapportering Vestklyngen")
    return _hit(VEST, "2", "Samarbejdsaftale for IV behandling i nærområdet", text, date="2020-06-12",
                cluster="Vestklyngen")


@pytest.fixture(scope="module")
def sources(kommissorium: Hit, iv_randers: Hit, iv_vest: Hit) -> list[Hit]:
    return [kommissorium, iv_randers, iv_vest]


def _assert_consistent(v) -> None:  # noqa: ANN001
    """An ok verification never carries a citation of a source that failed."""
    if v.ok:
        assert v.reason is None
        assert all(s.supported for s in v.sentences)
        assert {c.item for c in v.citations} <= {str(i) for i in range(1, 100)}
        assert len(v.citations) == len(v.passed)


def test_correct_multi_source_answer_is_ok_with_verbatim_quotes(sources: list[Hit]) -> None:
    answer = (
        "På mødet i Randersklyngen den 22.06.2017 godkendte klyngestyregruppen kommissoriet for "
        "arbejdsgruppen om hurtige og hensigtsmæssige patientforløb [1]. "
        "Runa Sturlason og Linda Brask blev formænd for gruppen, som afrapporterer i november [1]. "
        "Samme dag varslede Randers Kommune, at kommunen opsiger IV-aftalen pr. 15.07.17 på grund af "
        "manglende ressourcer [2].\n\n"
        "I Vestklyngen implementeres den nye samarbejdsaftale om IV-behandling pr. 1/9, og kommunerne "
        "kompenseres økonomisk i perioden 1/6 – 1/9 [3]."
    )
    v = verify(answer, sources)
    assert v.ok, v.sentences
    assert v.reason is None
    assert v.passed == frozenset({1, 2, 3})
    assert [(c.meeting_id, c.item) for c in v.citations] == [(RANDERS, "3"), (RANDERS, "9"), (VEST, "2")]
    for citation, hit in zip(v.citations, sources, strict=True):
        haystack = normalize_ws(f"{hit.chunk.decision or ''} {hit.chunk.text}")
        assert citation.quote and citation.quote in haystack  # verbatim (whitespace-normalised)
        assert (citation.file, citation.date, citation.cluster) == (hit.chunk.file, hit.chunk.date,
                                                                    hit.chunk.cluster)
    assert "15.07.17" in v.citations[1].quote
    assert "1/9" in v.citations[2].quote
    assert all(s.support >= MIN_SUPPORT for s in v.sentences if s.claim)
    _assert_consistent(v)


def test_citation_outside_the_sources_is_out_of_range(sources: list[Hit]) -> None:
    v = verify("Randers Kommune opsiger IV-aftalen pr. 15.07.17 [7].", sources)
    assert not v.ok
    assert v.reason == "out_of_range"
    assert v.sentences[0].out_of_range == (7,)
    assert v.citations == []


def test_claim_true_of_another_source_is_wrong_source(sources: list[Hit]) -> None:
    # True of [2] (IV item), but cites [1] (the kommissorium item).
    v = verify("Randers Kommune opsiger IV-aftalen pr. 15.07.17 [1].", sources)
    assert not v.ok
    assert v.reason == "wrong_source"
    assert 1 not in v.passed


def test_wrong_source_without_numbers(sources: list[Hit]) -> None:
    v = verify("Kommissoriet for arbejdsgruppen om patientforløb blev godkendt, og Runa Sturlason og "
               "Linda Brask blev formænd [2].", sources)
    assert v.reason == "wrong_source"


def test_invented_number_is_unsupported(sources: list[Hit]) -> None:
    v = verify("Randers Kommune opsiger IV-aftalen pr. 15.07.17 [2]. "
               "Aftalen kostede kommunen 1.200.000 kr. om året [2].", sources)
    assert not v.ok
    assert v.reason == "unsupported_claim"
    bad = v.sentences[1]
    assert not bad.supported and "1200000" in bad.missing
    assert v.passed == frozenset({2})  # the first sentence still passed
    assert [c.item for c in v.citations] == ["9"]


def test_invented_date_is_unsupported(sources: list[Hit]) -> None:
    v = verify("Randers Kommune opsiger IV-aftalen pr. 1. oktober 2017 [2].", sources)
    assert v.reason == "unsupported_claim"
    assert v.sentences[0].missing == ("1. oktober 2017",)


def test_invented_fact_words_are_unsupported(sources: list[Hit]) -> None:
    v = verify("Aftalen blev forlænget med to år efter ønske fra Norddjurs og Region Nordjylland [2].",
               sources)
    assert v.reason == "unsupported_claim"
    assert v.sentences[0].support < MIN_SUPPORT


def test_answer_without_citations_fails(sources: list[Hit]) -> None:
    v = verify("Randers Kommune opsiger IV-aftalen pr. 15.07.17. Favrskov afventer Randers.", sources)
    assert not v.ok
    assert v.reason == "no_valid_citation"
    assert all(s.reason == "unsupported_claim" for s in v.sentences)


def test_refusal_is_not_ok_but_flagged(sources: list[Hit]) -> None:
    v = verify("Det fremgår ikke af referaterne.", sources)
    assert not v.ok and v.reason == "no_valid_citation"
    assert v.refused
    assert v.citations == []


def test_partial_refusal_with_supported_claim_is_ok(sources: list[Hit]) -> None:
    v = verify("Randers Kommune opsiger IV-aftalen pr. 15.07.17 [2]. Det fremgår ikke af referaterne, "
               "hvad Norddjurs besluttede.", sources)
    assert v.ok, v.sentences
    assert not v.refused
    _assert_consistent(v)


def test_padding_citation_is_not_credited(sources: list[Hit]) -> None:
    # [3] (Vestklyngen) does not support the Randers claim: the sentence passes on [2] alone and
    # [3] must not appear among the citations.
    v = verify("Randers Kommune opsiger IV-aftalen pr. 15.07.17 [2][3].", sources)
    assert v.ok
    assert v.passed == frozenset({2})
    assert [c.item for c in v.citations] == ["9"]


def test_marker_forms_and_range_handling(sources: list[Hit]) -> None:
    v = verify("Runa Sturlason og Linda Brask blev formænd for gruppen [1, 9]. "
               "Randers Kommune opsiger IV-aftalen pr. 15.07.17 [kilde 2].", sources)
    assert v.ok  # the out-of-range 9 is dropped, [1] supports the sentence
    assert v.sentences[0].out_of_range == (9,)
    assert v.passed == frozenset({1, 2})


def test_intro_line_needs_no_citation(sources: list[Hit], hospital: Hit) -> None:
    v = verify("Ifølge referaterne gælder følgende:\n"
               "- Der oprettes 150 nye sengepladser i psykiatrien på landsplan, heraf ca. 32 i Region "
               "Midtjylland [4].", [*sources, hospital])
    assert v.ok, v.sentences
    assert v.citations[0].item == "6"
    assert "150 nye sengepladser" in v.citations[0].quote


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Der forventes ca. 2.5 mio. kr. til rådighed [1]. Fristen er 28. september [1].",
         ["Der forventes ca. 2.5 mio. kr. til rådighed [1].", "Fristen er 28. september [1]."]),
        ("Mødet startede kl. 8.30 og bl.a. pkt. 3 blev drøftet [1]. Aftalen ophører 22.06.17. Nyt punkt [2].",
         ["Mødet startede kl. 8.30 og bl.a. pkt. 3 blev drøftet [1].", "Aftalen ophører 22.06.17.",
          "Nyt punkt [2]."]),
        ("Beløbet er 1.000 kr. Det blev f.eks. nævnt af Andreas K. Toft [2].",
         ["Beløbet er 1.000 kr.", "Det blev f.eks. nævnt af Andreas K. Toft [2]."]),
        ("Kommissoriet blev godkendt. [1]\n[2]\n- Gruppen afrapporterer i november [1].",
         ["Kommissoriet blev godkendt. [1] [2]", "Gruppen afrapporterer i november [1]."]),
    ],
)
def test_split_answer_danish_abbreviations(text: str, expected: list[str]) -> None:
    assert split_answer(text) == expected


# Calibration of MIN_SUPPORT: paraphrased true claims must clear it, claims about another
# agenda item (no number to give them away) must not. Written from the minutes, not from
# any gold question.
PARAPHRASES = [
    ("iv_randers", "Randers Kommune opsagde aftalen om IV-behandling i eget hjem på grund af manglende "
                   "ressourcer."),
    ("iv_randers", "Favrskov Kommune ville drøfte IV-aftalen på et udvalgsmøde i august."),
    ("iv_randers", "Syddjurs mente, at en opsigelse ville være et fagligt tilbageskridt for borgeren."),
    ("iv_randers", "Hospitalsledelsen pegede på et problem med sengepladser."),
    ("iv_randers", "Kommunen begrundede opsigelsen med mangel på ressourcer."),
    ("kommissorium", "Arbejdsgruppen skal foreslå, hvordan sagsbehandlingen for borgere med psykisk "
                     "sygdom kan reduceres."),
    ("kommissorium", "Randers Kommune kunne ikke deltage i gruppen på grund af omlægning af arbejdsgange."),
    ("hospital", "Hospitalet har haft mange flere indlæggelser end sidste år, hvilket gav økonomiske "
                 "udfordringer."),
    ("hospital", "Pladserne skal ligge på hospitalernes matrikler fra starten af 2018."),
    ("iv_vest", "Det anbefales at tilbyde fælles undervisning inden 1. september."),
]
WRONG_ITEM = [
    ("iv_vest", "Favrskov Kommune ville drøfte IV-aftalen på et udvalgsmøde i august."),
    ("iv_randers", "Kommissoriet for arbejdsgruppen om patientforløb blev godkendt."),
    ("iv_randers", "Runa Sturlason og Linda Brask blev formænd for gruppen."),
    ("kommissorium", "Syddjurs mente, at en opsigelse ville være et fagligt tilbageskridt for borgeren."),
    ("kommissorium", "Hospitalet har ansat en konsulent for det tværsektorielle samarbejde."),
    ("iv_randers", "Det anbefales at tilbyde fælles undervisning inden sommerferien."),
]


@pytest.mark.parametrize(("source", "claim"), PARAPHRASES)
def test_threshold_accepts_paraphrases(source: str, claim: str, request: pytest.FixtureRequest) -> None:
    v = verify(f"{claim} [1]", [request.getfixturevalue(source)])
    assert v.ok, (v.sentences[0].support, v.sentences[0].missing)


@pytest.mark.parametrize(("source", "claim"), WRONG_ITEM)
def test_threshold_rejects_claims_about_another_item(source: str, claim: str,
                                                     request: pytest.FixtureRequest) -> None:
    v = verify(f"{claim} [1]", [request.getfixturevalue(source)])
    assert not v.ok and v.sentences[0].support < MIN_SUPPORT


def test_item_references_in_every_numbering_form(iv_randers: Hit) -> None:
    from dataclasses import replace

    for number in ("2.1", "O1", "C"):
        source = replace(iv_randers, chunk=replace(iv_randers.chunk, item=number))
        assert verify(f"I punkt {number} blev det varslet, at Randers Kommune opsiger IV-aftalen pr. 15.07.17 [1].",
                      [source]).ok
        other = "3.2" if number == "2.1" else "O2" if number == "O1" else "D"
        v = verify(f"I punkt {other} blev det varslet, at Randers Kommune opsiger IV-aftalen pr. 15.07.17 [1].",
                   [source])
        assert not v.ok and f"punkt {other}" in v.sentences[0].missing
