"""Minutes of a cluster the alias table does not know ("Klyngestyregruppe Nord"): the cluster is
read from the title, and questions that name it ("Nordklyngen", "Klynge Nord") are scoped to it."""

from __future__ import annotations

from rag.parse.cluster import municipality_names
from rag.pipeline import Pipeline
from tests.conftest import make_settings

MINUTES = """Referat Klyngestyregruppe Nord
Dato: 3. maj 2023
Sted: Hjørring Sygehus

1. Godkendelse af dagsorden
Beslutning: Dagsordenen blev godkendt.

2. Fælles demensforløb
Sagsfremstilling: Kommunerne og sygehuset har beskrevet et fælles forløb for borgere med demens.
Beslutning: Klyngestyregruppen godkendte demensforløbet, som starter 1. september 2023.
"""


def test_a_cluster_named_only_in_its_minutes_can_be_asked_about(tmp_path):
    (tmp_path / "nord.txt").write_text(MINUTES, encoding="utf-8")
    pipeline = Pipeline(make_settings(tmp_path / "index"))
    pipeline.ingest([tmp_path / "nord.txt"])
    assert [m.cluster for m in pipeline.meetings().values()] == ["Klynge Nord"]
    for question in ("Hvad besluttede Nordklyngen om demens?", "Hvad besluttede Klynge Nord om demensforløbet?"):
        answer = pipeline.ask(question)
        assert not answer.refused, question
        assert {(c.cluster, c.item) for c in answer.citations if c.item != "header"} == {("Klynge Nord", "2")}
        assert "1. september 2023" in answer.answer
    other = pipeline.ask("Hvad besluttede Lillebæltklyngen om demens?")
    assert other.refused and "Lillebæltklyngen" in other.answer


MIDT = """Referat Klyngestyregruppen Midtklyngen
Dato: 5. juni 2024
Sted: Regionshospitalet Viborg

1. Fælles demensforløb
Sagsfremstilling: Viborg Kommune, Skive Kommune og hospitalet har beskrevet et forløb for borgere med demens.
Beslutning: Klyngestyregruppen godkendte demensforløbet, som starter 1. oktober 2024.
"""

VIBORG = """Referat Viborgklyngen
Dato: 6. juni 2024
Sted: Viborg Rådhus

1. Demens i eget hjem
Beslutning: Viborgklyngen udsatte punktet til mødet 12. september 2024.
"""


def test_a_cluster_called_after_its_municipality_is_read_as_that_cluster(tmp_path):
    """"Viborgklyngen": Viborg Kommune is a place of Midtklyngen (settings.parse.cluster_places), so the
    question is scoped to Midtklyngen, and the answer says how it read the name."""
    (tmp_path / "midt.txt").write_text(MIDT, encoding="utf-8")
    pipeline = Pipeline(make_settings(tmp_path / "index"))
    pipeline.ingest([tmp_path / "midt.txt"])
    answer = pipeline.ask("Hvad besluttede Viborgklyngen om demens?")
    assert not answer.refused
    assert answer.answer.startswith("Viborgklyngen er læst som Midtklyngen, som Viborg Kommune hører til.")
    assert {(c.cluster, c.item) for c in answer.citations if c.item != "header"} == {("Midtklyngen", "1")}
    assert "1. oktober 2024" in answer.answer
    assert pipeline.ask("Hvad besluttede Lillebæltklyngen om demens?").refused


def test_a_cluster_of_that_name_in_the_index_wins_over_the_municipality_reading(tmp_path):
    for name, text in (("midt.txt", MIDT), ("viborg.txt", VIBORG)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    pipeline = Pipeline(make_settings(tmp_path / "index"))
    pipeline.ingest([tmp_path / "midt.txt", tmp_path / "viborg.txt"])
    assert sorted(m.cluster for m in pipeline.meetings().values()) == ["Midtklyngen", "Viborgklyngen"]
    answer = pipeline.ask("Hvad besluttede Viborgklyngen om demens?")
    assert not answer.refused and "er læst som" not in answer.answer
    assert {c.cluster for c in answer.citations} == {"Viborgklyngen"}


def test_sundhedsklynge_names_the_cluster(tmp_path):
    """"Sundhedsklynge Nord" is Klynge Nord; asked with a second cluster, each cluster's best item
    sets its own bar for further items, so one cluster's closer wording does not crowd out the other."""
    for name, text in (("nord.txt", MINUTES), ("midt.txt", MIDT)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    pipeline = Pipeline(make_settings(tmp_path / "index"))
    pipeline.ingest([tmp_path / "nord.txt", tmp_path / "midt.txt"])
    answer = pipeline.ask("Hvad besluttede Sundhedsklynge Nord om demensforløbet?")
    assert not answer.refused
    assert {c.cluster for c in answer.citations} == {"Klynge Nord"}
    both = pipeline.ask("Hvad er besluttet om demensforløbet i Sundhedsklynge Nord og i Midtklyngen?")
    assert not both.refused
    assert {c.cluster for c in both.citations} == {"Klynge Nord", "Midtklyngen"}


def test_a_municipality_of_two_clusters_names_neither():
    names = municipality_names({"Aklyngen": ["Viborg Kommune", "Fælles Kommune"],
                                "Bklyngen": ["Fælles Kommune", "Regionshospitalet Bøgely"]})
    assert names == {"Viborgklyngen": "Aklyngen"}
