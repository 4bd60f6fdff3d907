"""Deterministic hashed bag-of-words embedder for unit tests.

Similarity-preserving in the crude sense tests need: texts sharing words get a
higher cosine than texts that share none. No model, no randomness.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder:
    """Hashes lower-cased words (and their 5-letter prefixes) into ``dim`` buckets."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.id = f"fake-bow-{dim}"

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            for token in {word, word[:5]}:
                h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
                v[h % self.dim] += 1.0 if (h >> 63) == 0 else 0.5
        n = float(np.linalg.norm(v))
        if n == 0.0:
            v[0] = 1.0
            return v
        return v / n

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vec(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)
