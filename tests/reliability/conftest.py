"""A private, writable copy of the sample minutes indexed in a temp folder (fake embedder)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rag.pipeline import Pipeline
from rag.settings import AccessSettings, Settings
from tests.conftest import MINUTES, make_settings

# A fact that is not in the sample minutes: written into item 9 of the Randers minutes
# so that answers from the new build can be told from answers of the old one.
FACT_FILE = "000_027e0e0cb2de1631.txt"
FACT_ANCHOR = "Sagsfremstilling: \nUdvalget i Randers Kommune"
FACT = "Kvælstofpiloten starter i Randers Kommune den 1. september 2017."
FACT_QUESTION = "Hvornår starter kvælstofpiloten i Randers?"
Q = "Hvad besluttede Randersklyngen om IV-behandling?"


def add_fact(corpus: Path) -> None:
    """Change one file of ``corpus`` so the next ingest produces a different build."""
    path = corpus / FACT_FILE
    text = path.read_text(encoding="utf-8")
    assert FACT_ANCHOR in text, "the sample minutes changed; update FACT_ANCHOR"
    path.write_text(text.replace(FACT_ANCHOR, f"Sagsfremstilling: \n{FACT}\nUdvalget i Randers Kommune", 1),
                    encoding="utf-8")


def isolated_settings(tmp_path: Path, **extra) -> Settings:
    """Test settings whose every writable path is under ``tmp_path`` and whose rate limit
    is out of the way (the suites fire bursts of requests from one address on purpose)."""
    access = AccessSettings(rate_limit_per_minute=1_000_000, feedback_db=tmp_path / "var" / "feedback.sqlite",
                            uploads_dir=tmp_path / "var" / "uploads")
    return make_settings(tmp_path / "index", access=access, **extra)


@pytest.fixture
def corpus(tmp_path) -> Path:
    dest = tmp_path / "minutes"
    shutil.copytree(MINUTES, dest)
    return dest


@pytest.fixture
def built(tmp_path, corpus) -> Settings:
    """Settings whose index holds one good build of ``corpus``."""
    settings = isolated_settings(tmp_path)
    Pipeline(settings).ingest([corpus])
    return settings
