"""Logging set-up for entry points (CLI, API server). Library modules only get loggers."""

from __future__ import annotations

import logging


def configure_logging(level: str = "INFO") -> None:
    """Configure root logging once; question and minutes text is only logged at DEBUG."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Libraries that log chatty progress at INFO/DEBUG on their own.
    for noisy in ("bm25s", "matplotlib", "httpx", "sentence_transformers", "faiss"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
