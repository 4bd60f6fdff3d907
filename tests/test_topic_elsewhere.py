"""A question scoped to one cluster whose topic only another cluster's minutes speak of.

The asked cluster's items then share only part of the question's words ("forebyggelse", not
"alkoholmisbrug"); quoting them would answer another question. The answer says the cluster's
minutes do not speak of it and where minutes do.
"""

from __future__ import annotations

from rag.pipeline import Pipeline
from tests.conftest import make_settings

RANDERS = """Referat Klyngestyregruppen Randersklyngen
Dato: 27. januar 2023
Sted: Regionshospitalet Randers

1. Forebyggelse af genindlæggelser
Sagsfremstilling: Kommunerne og hospitalet vil styrke forebyggelse af genindlæggelser af ældre borgere.
Beslutning: Klyngestyregruppen nedsatte en arbejdsgruppe om forebyggelse af genindlæggelser.
"""

VEST = """Referat Fokusgruppen Vestklyngen
Dato: 12. juni 2020
Sted: Regionshospitalet Gødstrup

1. Forebyggelse af alkoholmisbrug
Sagsfremstilling: Kommunerne har drøftet tidlig opsporing og forebyggelse af alkoholmisbrug.
Beslutning: Fokusgruppen besluttede at udarbejde et fælles forløb for borgere med alkoholmisbrug.
"""

VEST_NAMING_RANDERS = VEST.replace(
    "et fælles forløb for borgere med alkoholmisbrug.",
    "et fælles forløb for borgere med alkoholmisbrug og at invitere repræsentanter fra Randersklyngen.",
)

QUESTION = "Hvad har Randersklyngen besluttet om forebyggelse af alkoholmisbrug?"


def _pipeline(tmp_path, vest: str) -> Pipeline:
    (tmp_path / "randers.txt").write_text(RANDERS, encoding="utf-8")
    (tmp_path / "vest.txt").write_text(vest, encoding="utf-8")
    pipeline = Pipeline(make_settings(tmp_path / "index"))
    pipeline.ingest([tmp_path / "randers.txt", tmp_path / "vest.txt"])
    return pipeline


def test_the_cluster_is_said_not_to_speak_of_it_and_where_minutes_do(tmp_path):
    answer = _pipeline(tmp_path, VEST).ask(QUESTION)
    assert answer.refused and not answer.citations
    assert "Randersklyngens referater nævner ikke alkoholmisbrug" in answer.answer
    assert "Vestklyngens referat 12.06.2020, punkt 1 «Forebyggelse af alkoholmisbrug»" in answer.answer


def test_another_clusters_item_that_names_the_cluster_is_quoted_as_such(tmp_path):
    answer = _pipeline(tmp_path, VEST_NAMING_RANDERS).ask(QUESTION)
    assert not answer.refused
    assert answer.answer.startswith("Det fremgår ikke af Randersklyngens egne referater.")
    assert {(c.cluster, c.item) for c in answer.citations if c.item != "header"} == {("Vestklyngen", "1")}


def test_the_clusters_own_item_answers_when_it_speaks_of_all_of_it(tmp_path):
    answer = _pipeline(tmp_path, VEST).ask("Hvad har Randersklyngen besluttet om forebyggelse af genindlæggelser?")
    assert not answer.refused
    assert {(c.cluster, c.item) for c in answer.citations if c.item != "header"} == {("Randersklyngen", "1")}
