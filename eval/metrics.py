"""Deterministic eval metrics at agenda-item level. Pure functions, unit-tested."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

Key = tuple[str, str]  # (file, item) where item is the agenda number or "header"

_TOKEN = re.compile(r"\d+(?:[.,/]\d+)*|[^\W\d_]+", re.UNICODE)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "”": '"', "“": '"', "«": '"', "»": '"', "–": "-", "—": "-"})


def tokens(text: str) -> list[str]:
    """Lower-cased words and numbers ('15.07.17', '1,25' stay whole)."""
    return _TOKEN.findall(text.translate(_QUOTES).lower())


def fact_found(fact: str, answer: str, min_share: float = 0.8) -> bool:
    """A key fact is found when ≥ ``min_share`` of its words and every one of its numbers occur."""
    fact_toks = tokens(fact)
    if not fact_toks:
        return True
    have = set(tokens(answer))
    numbers = [t for t in fact_toks if t[0].isdigit()]
    if any(n not in have for n in numbers):
        return False
    return sum(1 for t in fact_toks if t in have) / len(fact_toks) >= min_share


def fact_found_strict(fact: str, answer: str) -> bool:
    """Whitespace- and case-insensitive substring match."""
    norm = lambda s: " ".join(s.translate(_QUOTES).lower().split())  # noqa: E731
    return norm(fact) in norm(answer)


def recall_at(gold: set[Key], ranked: Sequence[Key], k: int) -> float:
    """Share of gold items among the first ``k`` retrieved."""
    if not gold:
        return 0.0
    return len(gold & set(ranked[:k])) / len(gold)


def reciprocal_rank(gold: set[Key], ranked: Sequence[Key]) -> float:
    """1/rank of the first gold item (0 when none is retrieved)."""
    for i, key in enumerate(ranked, start=1):
        if key in gold:
            return 1.0 / i
    return 0.0


def precision(gold: set[Key], cited: Sequence[Key]) -> float | None:
    """Share of cited items that are gold (None when nothing is cited)."""
    if not cited:
        return None
    return sum(1 for c in cited if c in gold) / len(cited)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[max(0, min(98, int(q) - 1))])


def mean(values: Sequence[float]) -> float:
    return float(statistics.fmean(values)) if values else 0.0
