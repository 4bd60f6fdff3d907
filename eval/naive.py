"""The tutorial pipeline a user would otherwise pick, for comparison.

LangChain ``RecursiveCharacterTextSplitter`` (1000/200 characters) over each
file's raw text, the same embedder, a flat FAISS inner-product index, top-5.
Its chunks know nothing of agenda items, so each is credited to the agenda item
of the same file whose text it overlaps most (word trigrams) — generous to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from eval.metrics import Key, tokens
from rag.types import HEADER, Embedder, Meeting


def _trigrams(text: str) -> set[tuple[str, ...]]:
    t = tokens(text)
    return {tuple(t[i:i + 3]) for i in range(max(0, len(t) - 2))}


@dataclass
class NaivePipeline:
    """Chunks, their item attribution and a FAISS index."""

    embedder: Embedder
    chunks: list[str]
    keys: list[Key]
    index: faiss.Index

    @classmethod
    def build(cls, texts: dict[str, str], meetings: dict[str, Meeting], embedder: Embedder) -> NaivePipeline:
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        chunks: list[str] = []
        keys: list[Key] = []
        for file, text in texts.items():
            m = meetings[file]
            units = [(HEADER, _trigrams(m.header.text))] + [(i.number, _trigrams(f"{i.title}\n{i.text}"))
                                                            for i in m.items]
            for piece in splitter.split_text(text):
                grams = _trigrams(piece)
                best = max(units, key=lambda u: len(grams & u[1]) if grams else 0)
                chunks.append(piece)
                keys.append((file, best[0]))
        vecs = embedder.embed_documents(chunks).astype(np.float32)
        index = faiss.IndexFlatIP(vecs.shape[1])
        index.add(vecs)
        return cls(embedder, chunks, keys, index)

    def retrieve(self, question: str, k: int = 5) -> tuple[list[Key], str]:
        """Item keys of the top-k chunks (deduplicated, in rank order) and their joined text."""
        q = self.embedder.embed_query(question).astype(np.float32)[None, :]
        _, ids = self.index.search(q, k)
        rows = [int(i) for i in ids[0] if i >= 0]
        ranked = list(dict.fromkeys(self.keys[r] for r in rows))
        return ranked, "\n".join(self.chunks[r] for r in rows)
