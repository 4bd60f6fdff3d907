"""Loaders: file -> ``rag.types.Document`` (txt, pdf, docx, html).

A file is only read when its extension and its content agree (see ``sniff``);
anything else raises ``IngestError`` with an English reason and a Danish
message. ``load_many`` never aborts a batch: failures are logged and returned.

Adding a format: write ``rag/ingest/<fmt>.py`` with
``extract(data: bytes, path: str) -> Extracted``, then register its suffixes in
``_FORMAT_BY_SUFFIX`` and the content kinds it accepts in ``_ACCEPTS``.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Literal

from rag.errors import IngestError
from rag.ingest import docx, html, pdf, txt
from rag.ingest._text import DANISH_BINARY, DANISH_EMPTY, Extracted, require_text
from rag.ingest.sniff import Kind, describe, sniff
from rag.types import Document

logger = logging.getLogger(__name__)

__all__ = ["MAX_FILE_BYTES", "SUPPORTED_SUFFIXES", "iter_files", "load_document", "load_many"]

Format = Literal["txt", "pdf", "docx", "html"]

_FORMAT_BY_SUFFIX: dict[str, Format] = {
    ".txt": "txt",
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_FORMAT_BY_SUFFIX)
"""Lower-case file suffixes ``load_document`` accepts."""

MAX_FILE_BYTES = 200 * 1024 * 1024
"""Files larger than this are refused before being read into memory."""

_EXTRACTORS: dict[Format, Callable[[bytes, str], Extracted]] = {
    "txt": txt.extract,
    "pdf": pdf.extract,
    "docx": docx.extract,
    "html": html.extract,
}
# Content kinds each format accepts; a .txt that is an HTML page is still text.
_ACCEPTS: dict[Format, frozenset[Kind]] = {
    "txt": frozenset({"text", "html"}),
    "html": frozenset({"text", "html"}),
    "pdf": frozenset({"pdf"}),
    "docx": frozenset({"zip"}),
}

DANISH_UNSUPPORTED = "Filtypen understøttes ikke. Brug PDF, Word (.docx), HTML eller tekst (.txt)."
DANISH_MISMATCH = "Filens indhold passer ikke til filtypen."
DANISH_UNREADABLE = "Filen kunne ikke åbnes."
DANISH_LEGACY_WORD = (
    "Word-filen er beskyttet med adgangskode eller gemt i det gamle .doc-format. "
    "Gem den som .docx uden adgangskode."
)


def load_document(path: str | Path) -> Document:
    """Read one file into a Document; raises IngestError with a reason if it cannot be used."""
    name = str(path)
    suffix = Path(path).suffix.lower()
    fmt = _FORMAT_BY_SUFFIX.get(suffix)
    if fmt is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise IngestError(
            name,
            f"unsupported file type {suffix or '(no extension)'!r}; supported: {supported}",
            danish=DANISH_UNSUPPORTED,
        )
    data = _read(Path(path), name)
    kind = sniff(data)
    if kind == "empty":
        raise IngestError(name, "empty file", danish=DANISH_EMPTY)
    if kind not in _ACCEPTS[fmt]:
        raise _mismatch(name, fmt, kind, data)
    extracted = _EXTRACTORS[fmt](data, name)
    text = require_text(extracted.text, name)
    logger.debug("loaded %s (%s, %d chars, pages=%s)", name, fmt, len(text), extracted.pages)
    return Document(
        path=name,
        text=text,
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=extracted.pages,
    )


def iter_files(paths: str | Path | Iterable[str | Path]) -> Iterator[Path]:
    """Expand directories recursively (sorted by path; hidden files/folders and Office lock files skipped)."""
    if isinstance(paths, str | Path):
        paths = [paths]
    seen: set[Path] = set()
    for entry in map(Path, paths):
        # A path named explicitly is yielded even if missing, so load_many reports it.
        found = sorted(_walk(entry)) if entry.is_dir() else [entry]
        for path in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield path


def load_many(
    paths: str | Path | Iterable[str | Path],
) -> tuple[list[Document], list[tuple[str, str]]]:
    """Load every file under ``paths``; failures are logged and returned as (path, reason), never raised."""
    documents: list[Document] = []
    skipped: list[tuple[str, str]] = []
    for path in iter_files(paths):
        try:
            documents.append(load_document(path))
        except IngestError as exc:
            logger.warning("skipped %s: %s", path, exc.reason)
            skipped.append((str(path), exc.reason))
        except Exception as exc:  # a loader bug must not abort the batch either
            logger.warning("skipped %s: unexpected %s", path, type(exc).__name__, exc_info=True)
            skipped.append((str(path), f"unexpected error ({type(exc).__name__}: {exc})"))
    logger.info("loaded %d documents, skipped %d", len(documents), len(skipped))
    return documents, skipped


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for file in files:
            # "~$x.docx" is the lock file Word leaves next to an open document.
            if not file.startswith((".", "~$")):
                yield Path(root) / file


def _read(path: Path, name: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise IngestError(
                name, f"file too large ({size} bytes > {MAX_FILE_BYTES})", danish="Filen er for stor."
            )
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise IngestError(name, "file not found", danish=DANISH_UNREADABLE) from exc
    except IsADirectoryError as exc:
        raise IngestError(name, "is a directory, not a file", danish=DANISH_UNREADABLE) from exc
    except OSError as exc:
        reason = f"cannot read file ({exc.strerror or exc})"
        raise IngestError(name, reason, danish=DANISH_UNREADABLE) from exc


def _mismatch(name: str, fmt: Format, kind: Kind, data: bytes) -> IngestError:
    """The error for content that does not match the extension, naming what it looks like."""
    looks_like = describe(data, kind)
    if fmt in ("txt", "html"):
        return IngestError(name, f"binary content (looks like {looks_like})", danish=DANISH_BINARY)
    if fmt == "pdf":
        return IngestError(name, f"not a PDF (content looks like {looks_like})", danish=DANISH_MISMATCH)
    if kind == "ole":
        return IngestError(
            name, "encrypted or legacy Word file (OLE container, not DOCX)", danish=DANISH_LEGACY_WORD
        )
    return IngestError(
        name, f"corrupt DOCX (not a zip archive; content looks like {looks_like})", danish=docx.DANISH_CORRUPT
    )
