"""PDF loader (pypdf): the text layer page by page, pages joined with ``PAGE_BREAK``."""

from __future__ import annotations

import io
import logging

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from rag.errors import IngestError
from rag.ingest._text import DANISH_EMPTY, Extracted, clean
from rag.types import PAGE_BREAK

logger = logging.getLogger(__name__)

DANISH_ENCRYPTED = "Filen er krypteret og kan ikke læses."
DANISH_CORRUPT = "PDF-filen er beskadiget og kan ikke læses."
DANISH_NO_TEXT = (
    "PDF-filen indeholder ingen tekst (den er måske scannet). Scannede dokumenter kan ikke læses."
)


def extract(data: bytes, path: str) -> Extracted:
    """Extract the text of every page, joined with PAGE_BREAK so page numbers can be recovered."""
    # pypdf raises a zoo of exception types (PdfReadError, ValueError, KeyError, ...) on
    # malformed input; every one of them means "this file cannot be read".
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader, path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except DependencyError as exc:
        raise IngestError(
            path,
            f"encrypted with AES and the 'cryptography' package is missing ({exc})",
            danish=DANISH_ENCRYPTED,
        ) from exc
    except Exception as exc:
        raise IngestError(path, f"corrupt PDF ({_short(exc)})", danish=DANISH_CORRUPT) from exc
    if not pages:
        raise IngestError(path, "empty (PDF has no pages)", danish=DANISH_EMPTY)
    # A stray form feed inside a page would shift every later page number.
    texts = [clean(text).replace(PAGE_BREAK, "\n").strip() for text in pages]
    if not any(texts):
        raise IngestError(path, "no text layer (scanned PDF?); OCR is not supported", danish=DANISH_NO_TEXT)
    blank = [number for number, text in enumerate(texts, start=1) if not text]
    if blank:
        logger.info("%s: %d of %d pages have no text layer: %s", path, len(blank), len(texts), blank)
    return Extracted(PAGE_BREAK.join(texts), pages=len(texts))


def _decrypt(reader: PdfReader, path: str) -> None:
    """Open PDFs that only restrict permissions (empty user password); refuse the rest."""
    if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise IngestError(path, "encrypted (a password is required to open it)", danish=DANISH_ENCRYPTED)
    logger.debug("%s: encrypted PDF opened with the empty user password", path)


def _short(exc: Exception) -> str:
    """Exception type and message, cut to a length that fits a log line."""
    message = f"{type(exc).__name__}: {exc}"
    return message if len(message) <= 160 else message[:157] + "..."
