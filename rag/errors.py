"""Errors raised by the ``rag`` package.

    RagError
    ├── IngestError          a file cannot be read (unsupported, empty, encrypted, corrupt)
    ├── ParseError           text does not look like minutes
    ├── IndexNotBuilt        no index at the configured folder
    ├── IndexCorrupt         index files unreadable or inconsistent
    ├── EmbedderMismatch     index built with another embedder
    ├── BadQuestion          empty or over-long question
    ├── BackendUnavailable   a model or server is missing / down
    └── GenerationError      the LLM failed mid-answer

``rag`` never raises HTTP errors; ``api`` maps these to status codes with a
Danish message for the user (``danish``) and logs the English one.
"""

from __future__ import annotations


class RagError(Exception):
    """Base class; ``danish`` is the user-facing message."""

    danish = "Der opstod en fejl i tjenesten."

    def __init__(self, message: str, *, danish: str | None = None) -> None:
        super().__init__(message)
        if danish is not None:
            self.danish = danish


class IngestError(RagError):
    """A file could not be turned into text; the message names file and reason."""

    danish = "Filen kunne ikke indlæses."

    def __init__(self, path: str, reason: str, *, danish: str | None = None) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}", danish=danish)


class ParseError(RagError):
    danish = "Filen ligner ikke et mødereferat."


class IndexNotBuilt(RagError):
    danish = (
        "Der er endnu ikke bygget et indeks over referaterne. "
        "En administrator kan bygge det med 'rag ingest data/minutes'."
    )


class IndexCorrupt(RagError):
    danish = (
        "Indekset er beskadiget. En administrator kan genopbygge det med "
        "'rag ingest --rebuild data/minutes'."
    )


class EmbedderMismatch(RagError):
    danish = "Indekset er bygget med en anden embedding-model og skal genopbygges."


class BadQuestion(RagError):
    danish = "Spørgsmålet kan ikke besvares i den form."


class BackendUnavailable(RagError):
    danish = "Sprogmodellen er ikke tilgængelig lige nu."


class GenerationError(RagError):
    danish = "Sprogmodellen kunne ikke skrive et svar."
