"""Plain-text loader: utf-8 (with or without BOM), utf-16 with BOM, cp1252, latin-1."""

from __future__ import annotations

import logging

from rag.errors import IngestError
from rag.ingest._text import DANISH_BINARY, Extracted, clean, decode
from rag.ingest.sniff import UTF16_BOMS, describe, looks_binary

logger = logging.getLogger(__name__)


def extract(data: bytes, path: str) -> Extracted:
    """Decode a text file; NUL bytes or other binary content raise IngestError("binary content")."""
    # UTF-16 (Notepad's "Unicode") is full of NULs, but its BOM makes it unambiguous.
    if not data.startswith(UTF16_BOMS) and looks_binary(data):
        raise IngestError(path, f"binary content (looks like {describe(data)})", danish=DANISH_BINARY)
    text, encoding = decode(data)
    if "\x00" in text:
        raise IngestError(path, "binary content (NUL characters after decoding)", danish=DANISH_BINARY)
    logger.debug("%s decoded as %s", path, encoding)
    # Form feeds are kept: text exported from PDFs uses them as page breaks (rag.types.PAGE_BREAK).
    return Extracted(clean(text))
