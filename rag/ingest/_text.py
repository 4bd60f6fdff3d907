"""Helpers shared by the loaders: decoding with fallbacks, cleaning and the "empty" check."""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from rag.errors import IngestError

logger = logging.getLogger(__name__)

FALLBACK_ENCODINGS = ("utf-8", "cp1252", "latin-1")
"""Tried in order; latin-1 never fails, so decoding always yields text."""

DANISH_EMPTY = "Filen er tom eller indeholder ingen tekst."
DANISH_BINARY = "Filen indeholder ikke læsbar tekst."

# C0 controls except tab, newline and form feed (the page break), plus invisible characters
# that break words for search (soft hyphen, zero-width space, stray BOMs).
_JUNK_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\u00ad\u200b\ufeff]")


class Extracted(NamedTuple):
    """What a backend returns: the text and, for paged formats, the page count."""

    text: str
    pages: int | None = None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes: BOM first, then utf-8, a declared charset, cp1252 and latin-1, in that order."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    # Valid UTF-8 with non-ASCII bytes is practically never another encoding by accident,
    # while pages labelled latin-1 but saved as UTF-8 are common; so UTF-8 wins over a label.
    candidates = dict.fromkeys(["utf-8", *([declared] if declared else []), *FALLBACK_ENCODINGS])
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            logger.debug("not valid %s, trying the next encoding", encoding)
    raise AssertionError("latin-1 decodes any byte string")  # pragma: no cover


def clean(text: str) -> str:
    """Normalise newlines to \\n, compose characters (NFC) and drop control/invisible characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # NFC so a decomposed "å" (a + ring, common from macOS and PDFs) matches a typed "å".
    return _JUNK_CHARS.sub("", unicodedata.normalize("NFC", text))


def tidy_lines(lines: Iterable[str]) -> str:
    """Join lines, strip trailing spaces, collapse runs of blank lines and trim the ends."""
    out: list[str] = []
    for line in "\n".join(lines).split("\n"):
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


def require_text(text: str, path: str) -> str:
    """Return ``text`` or raise IngestError("empty") if nothing but whitespace is left."""
    if not text.strip():
        raise IngestError(path, "empty (no text after extraction)", danish=DANISH_EMPTY)
    return text
