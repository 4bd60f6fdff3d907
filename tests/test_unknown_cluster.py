"""Minutes of a cluster the alias table does not know ("Klyngestyregruppe Nord"): the cluster is
read from the title, and questions that name it ("Nordklyngen", "Klynge Nord") are scoped to it."""

from __future__ import annotations

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
