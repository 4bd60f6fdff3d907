"""Logging set-up for entry points (CLI, API server). Library modules only get loggers."""

from __future__ import annotations

import copy
import logging
from typing import Any


def configure_logging(level: str = "INFO") -> None:
    """Configure root logging once; question and minutes text is only logged at DEBUG."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Libraries that log chatty progress at INFO/DEBUG on their own.
    for noisy in ("bm25s", "matplotlib", "httpx", "sentence_transformers", "faiss"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))


class DropQueryString(logging.Filter):
    """Strip the query string from uvicorn access-log lines.

    Source-page links carry the cited quote (``/meetings/{id}?q=<minutes text>``), and the
    access log is at INFO: without this filter every click would log minutes text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn.access: (client_addr, method, full_path, http_version, status_code)
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's default logging config with :class:`DropQueryString` on the access logger."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["drop_query_string"] = {"()": DropQueryString}
    config["loggers"]["uvicorn.access"]["filters"] = ["drop_query_string"]
    return config
