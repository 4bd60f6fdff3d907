"""A cluster the alias table does not know is taken when the title or header names it outright."""

from __future__ import annotations

import pytest

from rag.parse.cluster import detect_cluster, named_cluster
from rag.settings import DEFAULT_CLUSTER_ALIASES, DEFAULT_CLUSTER_PLACES


@pytest.mark.parametrize("title, cluster", [
    ("Referat Klyngestyregruppe Nord", "Klynge Nord"),
    ("Klyngestyregruppen i Lillebæltklyngen", "Lillebæltklyngen"),
    ("Sundhedsklynge Fyn – referat", "Klynge Fyn"),
    ("Referat fra Lillebælt-klyngen", "Lillebæltklyngen"),
    ("Referat af møde i klyngestyregruppen", None),  # no name
    ("Den politiske klynge", None),
])
def test_named_cluster(title, cluster):
    assert named_cluster({"title": title, "header": "Dato: 3. maj 2023\nSted: Hjørring"}) == cluster


def test_known_evidence_wins_over_a_bare_name():
    regions = {"title": "Referat Klyngestyregruppe Syd", "header": "", "body": ""}
    assert detect_cluster(regions, DEFAULT_CLUSTER_ALIASES, DEFAULT_CLUSTER_PLACES).cluster == "Klynge Syd"


def test_a_name_in_item_text_only_is_no_evidence():
    regions = {"title": "Referat", "header": "Dato: 3. maj 2023", "body": "Som i Lillebæltklyngen arbejdes der med …"}
    assert detect_cluster(regions, DEFAULT_CLUSTER_ALIASES, DEFAULT_CLUSTER_PLACES).cluster is None
