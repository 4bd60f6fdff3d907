"""Thumbs up/down feedback on answers, kept in a small SQLite file (stdlib ``sqlite3``).

What is stored, and why no more: the question only as a SHA-256 of its stripped
text (enough to group repeated questions and join with the widget's own logs,
while the minutes-derived wording stays out of the database), a hash of the
answer, the rating, the key holder's name and the user's optional comment. The
comment is free text the user chose to send; it is only readable through the
admin export. A SHA-256 of a short question can be guessed by hashing likely
questions, so the hash is a pseudonym, not anonymisation.

One connection per call: the store is written a few times a minute at most,
and a fresh connection is safe from any thread the web server uses.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from rag.errors import RagError

logger = logging.getLogger(__name__)

Rating = Literal["up", "down"]
COLUMNS = ("id", "created_at", "key_name", "question_hash", "answer_hash", "rating", "comment")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at    TEXT    NOT NULL,
    key_name      TEXT,
    question_hash TEXT    NOT NULL,
    answer_hash   TEXT    NOT NULL,
    rating        TEXT    NOT NULL CHECK (rating IN ('up', 'down')),
    comment       TEXT
)
"""


class FeedbackError(RagError):
    """The feedback database cannot be opened or written."""

    danish = "Din feedback kunne ikke gemmes. Prøv igen senere."


@dataclass(frozen=True)
class FeedbackRow:
    """One stored rating."""

    id: int
    created_at: str
    key_name: str | None
    question_hash: str
    answer_hash: str
    rating: Rating
    comment: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def question_hash(question: str) -> str:
    """SHA-256 (hex) of the stripped question: what the store keeps instead of the text."""
    return hashlib.sha256(question.strip().encode("utf-8")).hexdigest()


class FeedbackStore:
    """Append-only feedback table in one SQLite file (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=10)) as con, con:
                con.execute(_SCHEMA)
                yield con
        except (sqlite3.Error, OSError) as exc:
            raise FeedbackError(f"feedback database {self.path}: {exc}") from exc

    def add(self, *, key_name: str | None, question_hash: str, answer_hash: str, rating: Rating,
            comment: str | None = None) -> FeedbackRow:
        """Store one rating and return it with its id."""
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as con:
            cur = con.execute(
                "INSERT INTO feedback (created_at, key_name, question_hash, answer_hash, rating, comment) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (created, key_name, question_hash, answer_hash, rating, comment),
            )
            row_id = int(cur.lastrowid or 0)
        logger.info("feedback %d stored (%s, key=%s)", row_id, rating, key_name)
        return FeedbackRow(row_id, created, key_name, question_hash, answer_hash, rating, comment)

    def rows(self) -> list[FeedbackRow]:
        """Every stored rating, oldest first."""
        with self._connect() as con:
            cur = con.execute(f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id")
            return [FeedbackRow(*row) for row in cur.fetchall()]
