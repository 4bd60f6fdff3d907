"""Settings: one object, env prefix RAG_, coherent values refused at start-up, .env.example complete."""

from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_env_nested_override(monkeypatch):
    monkeypatch.setenv("RAG_RETRIEVAL__TOP_K", "7")
    monkeypatch.setenv("RAG_EMBEDDER__BACKEND", "fake")
    s = Settings(_env_file=None)
    assert s.retrieval.top_k == 7 and s.embedder.backend == "fake"


def test_incoherent_values_are_refused_with_a_hint():
    with pytest.raises(ValidationError, match="RAG_EMBEDDER__MODEL"):
        Settings(_env_file=None, embedder={"backend": "sentence_transformers"})
    with pytest.raises(ValidationError, match="RAG_INDEX__CHUNK_OVERLAP_WORDS"):
        Settings(_env_file=None, index={"chunk_words": 100, "chunk_overlap_words": 100})
    with pytest.raises(ValidationError):
        Settings(_env_file=None, embedder={"backend": "word2vec"})


def test_env_example_lists_every_setting():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    s = Settings(_env_file=None)
    for name in Settings.model_fields:
        section = getattr(s, name)
        if isinstance(section, BaseModel):
            for field in type(section).model_fields:
                assert f"RAG_{name.upper()}__{field.upper()}=" in text, (name, field)
        else:
            assert f"RAG_{name.upper()}=" in text, name


def test_env_example_is_generated_from_settings():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "gen_env_example.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert (ROOT / ".env.example").read_text(encoding="utf-8") == gen.render(), "run scripts/gen_env_example.py"
