"""The LLM answer path: verified citations are kept, anything unsupported falls back to extractive.

Uses the shipped FakeGenerator (queued replies) over the real sample index (fake embedder).
"""

from __future__ import annotations

import pytest

from rag.answer.extractive import quote_is_verbatim
from rag.errors import BackendUnavailable
from rag.generate.fake import FakeGenerator
from rag.pipeline import Pipeline

Q = "Hvad besluttede Randersklyngen om IV-behandling?"


def _pipeline(settings, replies):
    return Pipeline(settings, generator=FakeGenerator(replies))


def _source_text(pipeline, citation):
    m = pipeline.meetings()[citation.meeting_id]
    return next(i.text for i in m.items if i.number == citation.item)


def test_supported_answer_is_kept_with_verified_citations(fake_settings):
    good = "Randers Kommune opsiger IV-aftalen pr. 15.07.17 på grund af manglende ressourcer/økonomi [1]."
    p = _pipeline(fake_settings, [good])
    extractive = Pipeline(fake_settings).ask(Q)
    assert extractive.citations[0].item == "9", "source [1] is the 2017 item on the IV agreement"
    a = p.ask(Q)
    assert not a.fallback, a.fallback_reason
    assert a.answer == good and a.backend.startswith("fake")
    assert a.citations and all(quote_is_verbatim(c.quote, _source_text(p, c)) for c in a.citations)


@pytest.mark.parametrize("reply, reason", [
    ("Randers Kommune opsiger IV-aftalen pr. 15.07.17 [7].", {"out_of_range", "no_valid_citation"}),
    ("Randers Kommune opsiger IV-aftalen pr. 31.12.19 [1].", {"unsupported_claim", "wrong_source"}),
    ("Randers Kommune opsiger IV-aftalen pr. 15.07.17.", {"no_valid_citation", "unsupported_claim"}),
    ("Aftalen blev forlænget med 5 år og 2 mio. kr. [1].", {"unsupported_claim", "wrong_source"}),
])
def test_unsupported_answers_fall_back_to_extractive(fake_settings, reply, reason):
    a = _pipeline(fake_settings, [reply]).ask(Q)
    extractive = Pipeline(fake_settings).ask(Q)
    assert a.fallback is True and a.fallback_reason in reason
    assert a.answer == extractive.answer and a.backend == "extractive"
    assert a.citations == extractive.citations


def test_llm_down_falls_back(fake_settings):
    class Down(FakeGenerator):
        def generate(self, messages):
            raise BackendUnavailable("connection refused")

    a = Pipeline(fake_settings, generator=Down([])).ask(Q)
    assert a.fallback and a.fallback_reason.startswith("llm_error")


def test_refusal_is_not_sent_to_the_llm(fake_settings):
    gen = FakeGenerator(["Aarhusklyngen besluttede alt muligt [1]."])
    a = Pipeline(fake_settings, generator=gen).ask("Hvad besluttede Aarhusklyngen om IV-behandling?")
    assert a.refused and not gen.calls
