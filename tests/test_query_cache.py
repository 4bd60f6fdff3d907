"""A question asked again is not embedded again (Retriever's query-vector cache)."""

from __future__ import annotations

import numpy as np

from rag.pipeline import Pipeline
from rag.query import parse_query


class CountingEmbedder:
    def __init__(self, inner) -> None:
        self.inner, self.dim, self.id, self.queries = inner, inner.dim, inner.id, []

    def embed_documents(self, texts):
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return self.inner.embed_query(text)


def test_repeated_question_is_embedded_once_and_the_cache_is_bounded(fake_settings, monkeypatch):
    base = Pipeline(fake_settings)
    counting = CountingEmbedder(base.embedder)
    pipeline = Pipeline(fake_settings, embedder=counting)
    retriever = pipeline.retriever()
    aliases = fake_settings.parse.cluster_aliases
    q = parse_query("Hvad besluttede Randersklyngen om IV-behandling?", aliases)
    first = retriever.retrieve(q)
    again = retriever.retrieve(q)
    assert counting.queries == [q.text]
    assert [h.chunk.id for h in first.hits] == [h.chunk.id for h in again.hits]

    monkeypatch.setattr(retriever._qvecs, "size", 2)
    for text in ("rygestop", "diabetes", "influenza"):
        retriever.retrieve(parse_query(text, aliases))
    retriever.retrieve(q)  # pushed out by three newer questions: embedded again
    assert counting.queries.count(q.text) == 2


def test_a_second_retrieval_of_the_same_question_reuses_its_vector_without_the_cache(fake_settings, monkeypatch):
    base = Pipeline(fake_settings)
    counting = CountingEmbedder(base.embedder)
    pipeline = Pipeline(fake_settings, embedder=counting)
    monkeypatch.setattr(pipeline.retriever()._qvecs, "size", 0)  # as in the benchmarks: every miss embeds
    # Randersklyngen's own minutes are silent: the answer looks for other clusters' items naming it
    # (a second retrieval without the cluster filter) and still embeds the question once.
    answer = pipeline.ask("Hvad besluttede Randersklyngen om helikopterlandingspladser på taget?")
    assert answer.refused
    assert len(counting.queries) == 1
