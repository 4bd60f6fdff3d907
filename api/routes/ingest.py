"""POST /api/ingest: an admin uploads one file of minutes; it is checked, kept and indexed incrementally.

Order of checks, cheapest first, so that a refused upload costs little and never
touches the index: admin key (before any body is read) -> declared
Content-Length -> the body streamed through a byte cap into a staging folder ->
file name and type -> loader (content sniffing, corrupt files, zip bombs) and
parser (agenda items) inside ``Pipeline.ingest``, which only publishes a new
build when the file is usable. A refused upload therefore leaves the ``current``
build untouched; an accepted one is moved into ``access.uploads_dir`` and the
pipeline serves the new build from the next request on.

One upload is ingested at a time per server: a second one gets 409 at once
rather than waiting (a waiting upload would hold a worker thread and its staged
file for as long as the first build takes; the admin simply retries). Builds
from other processes (``rag ingest``) are serialised by the index's file lock.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
import unicodedata
from pathlib import Path, PureWindowsPath
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.types import Message

from api.deps import get_pipeline
from api.errors import STATUS
from api.schemas import ErrorOut, IngestResponse
from api.security import Admin, Forbidden, Principal
from rag.errors import IngestError, RagError
from rag.ingest import SUPPORTED_SUFFIXES, load_document
from rag.ingest.sniff import Kind, sniff
from rag.parse.minutes import slugify
from rag.pipeline import Pipeline

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["ingest"])
PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]

BODY_SLACK = 16 * 1024
"""Bytes allowed on top of the file for multipart boundaries, part headers and the scope field."""
_COPY_CHUNK = 1024 * 1024
_MAX_NAME_STEM = 100
_SCOPE = re.compile(r"[\w .\-]{1,100}")
# Content kinds that fit each suffix. Only used to tell a wrong file type (415) from a
# damaged file of the right type (422) once the loader has refused it; the loader decides.
_KINDS: dict[str, frozenset[Kind]] = {
    ".txt": frozenset({"text", "html"}), ".html": frozenset({"text", "html"}),
    ".htm": frozenset({"text", "html"}), ".pdf": frozenset({"pdf"}), ".docx": frozenset({"zip"}),
}


class BadUpload(RagError):
    """The request is not a multipart form with one file (400)."""

    danish = "Vedhæft én fil i formularfeltet 'file'."


class UploadTooLarge(RagError):
    """Larger than ``access.max_upload_mb`` (413)."""

    danish = "Filen er for stor."


class UnsupportedUpload(RagError):
    """Not a .txt/.pdf/.docx/.html/.htm file, by name or by content (415)."""

    danish = "Filtypen understøttes ikke. Brug PDF, Word (.docx), HTML eller tekst (.txt)."


class UnusableUpload(RagError):
    """The right type, but damaged, suspicious or without agenda items (422)."""

    danish = "Filen ligner ikke et mødereferat: der blev ikke fundet nogen dagsordenspunkter."


class IngestConflict(RagError):
    """Another upload is being ingested, or the file would take over another file's meeting (409)."""

    danish = "En anden fil er ved at blive indlæst. Prøv igen om lidt."


STATUS.update({BadUpload: 400, UploadTooLarge: 413, UnsupportedUpload: 415, UnusableUpload: 422,
               IngestConflict: 409})

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 409, 413, 415, 422, 503)
}


@router.post("/ingest", status_code=201, response_model=IngestResponse, responses=ERRORS)
async def ingest(request: Request, principal: Admin, pipeline: PipelineDep) -> dict[str, Any]:
    """Upload minutes (multipart field ``file``, optional ``scope``); they are answerable right after."""
    access = request.app.state.settings.access
    limit = int(access.max_upload_mb * 1024 * 1024)
    too_large = UploadTooLarge(f"upload over {limit} bytes",
                               danish=f"Filen er for stor (højst {access.max_upload_mb:g} MB).")
    _check_declared_length(request, limit + BODY_SLACK, too_large)
    lock = _ingest_lock(request)
    if lock.locked():  # fail before the body is read; checked again when taking the lock
        raise IngestConflict("another upload is being ingested")
    uploads = Path(access.uploads_dir)
    uploads.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=uploads))
    try:
        path, raw_scope = await _receive(request, staging, limit, too_large)
        scope = _check_scope(raw_scope, principal)
        if not lock.acquire(blocking=False):
            raise IngestConflict("another upload is being ingested")
        try:
            return await run_in_threadpool(_ingest_file, pipeline, path, scope, uploads)
        finally:
            lock.release()
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _ingest_lock(request: Request) -> threading.Lock:
    state = request.app.state
    lock: threading.Lock | None = getattr(state, "ingest_lock", None)
    if lock is None:  # no await since the lookup: two requests cannot both create one
        lock = state.ingest_lock = threading.Lock()
    return lock


def _check_declared_length(request: Request, cap: int, too_large: UploadTooLarge) -> None:
    declared = request.headers.get("content-length")
    if declared is None:
        return  # chunked: the streaming cap in _receive applies
    if not declared.isdigit():
        raise BadUpload(f"invalid Content-Length {declared!r}")
    if int(declared) > cap:
        raise too_large


async def _receive(request: Request, staging: Path, limit: int, too_large: UploadTooLarge) -> tuple[Path, str | None]:
    """Stream the multipart body (never more than ``limit + BODY_SLACK`` bytes) and stage the file."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise UnsupportedUpload("request is not multipart/form-data", danish=BadUpload.danish)
    received = 0

    async def capped_receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit + BODY_SLACK:
                raise too_large
        return message

    try:
        async with Request(request.scope, capped_receive).form(
            max_files=1, max_fields=1, max_part_size=1024
        ) as form:
            upload, raw_scope = form.get("file"), form.get("scope")
            if not isinstance(upload, UploadFile):
                raise BadUpload("no file in form field 'file'")
            if raw_scope is not None and not isinstance(raw_scope, str):
                raise BadUpload("form field 'scope' is a file")
            path = staging / safe_name(upload.filename)
            await run_in_threadpool(_copy_capped, upload.file, path, limit, too_large)
    except (MultiPartException, HTTPException) as exc:  # Request.form() turns the first into a 400
        raise BadUpload(f"malformed multipart body: {exc}") from exc
    return path, raw_scope


def _copy_capped(src: IO[bytes], dest: Path, limit: int, too_large: UploadTooLarge) -> None:
    size = 0
    with dest.open("wb") as out:
        while chunk := src.read(_COPY_CHUNK):
            size += len(chunk)
            if size > limit:
                raise too_large
            out.write(chunk)


def safe_name(raw: str | None) -> str:
    """The upload's own file name without folders or odd characters; 415 unless it has a supported suffix."""
    name = unicodedata.normalize("NFC", PureWindowsPath(raw or "").name)  # drops "a/", "..\\", "C:"
    name = re.sub(r"[^\w.\- ]", "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedUpload(f"unsupported upload name {raw!r}")
    stem = Path(name).stem[:_MAX_NAME_STEM].strip(" .") or "upload"
    return stem + suffix


def _check_scope(raw: str | None, principal: Principal) -> str | None:
    """The requested access scope (None: the meeting's cluster); a scoped admin key must name one of its own."""
    scope = (raw or "").strip() or None
    if scope is not None and not _SCOPE.fullmatch(scope):
        raise UnusableUpload(f"invalid scope {scope!r}",
                             danish="Feltet 'scope' må kun indeholde bogstaver, tal, mellemrum, '.', '-' og '_'.")
    if principal.scopes is not None and (scope is None or scope not in principal.scopes):
        raise Forbidden(f"key {principal.name!r} may not ingest into scope {scope!r}",
                        danish="Din API-nøgle må kun indlæse referater i sine egne scopes. Angiv et af dem.")
    return scope


def _ingest_file(pipeline: Pipeline, staged: Path, scope: str | None, uploads: Path) -> dict[str, Any]:
    """Index the staged file (worker thread), keep it in ``uploads`` and describe the new meeting."""
    _refuse_meeting_takeover(pipeline, staged.name)
    try:
        report = pipeline.ingest([staged], scope=scope)
    except IngestError as exc:
        # The pipeline skips unusable files with a reason only; ask the loader again for the
        # typed error (a second read, but only for refused files).
        raise _why_refused(staged) from exc
    assert report.build is not None
    final = uploads / staged.name
    if final.resolve().parent != uploads.resolve():  # safe_name makes this impossible; keep it so
        raise UnsupportedUpload(f"upload name escapes the uploads folder: {staged.name!r}")
    staged.replace(final)
    index = pipeline.index()
    doc = index.manifest["documents"][staged.name]
    meeting = index.meetings[doc["meeting_id"]]
    logger.info("ingested upload %s: meeting %s, %d items, scope %s, build %s", final.name, meeting.id,
                len(meeting.items), doc["scope"], report.build.build_dir.name)
    return {"file": final.name, "meeting_id": meeting.id, "cluster": meeting.cluster, "date": meeting.date,
            "scope": doc["scope"], "items": len(meeting.items), "build": report.build.build_dir.name}


def _refuse_meeting_takeover(pipeline: Pipeline, name: str) -> None:
    """409 when another indexed file already has this file's meeting id (its meeting would be replaced)."""
    try:
        existing = pipeline.meetings().get(slugify(Path(name).stem))
    except RagError:
        return  # no index yet: nothing to take over
    if existing is not None and existing.file != name:
        raise IngestConflict(f"meeting id of {name!r} is taken by {existing.file!r}",
                             danish="Et andet referat har allerede samme filnavn. Omdøb filen, og prøv igen.")


def _why_refused(path: Path) -> RagError:
    """415 for a file whose content is not what its name says, else 422 with the loader's reason."""
    try:
        load_document(path)
    except IngestError as exc:
        with path.open("rb") as f:
            kind = sniff(f.read(64 * 1024))
        if kind != "empty" and kind not in _KINDS[path.suffix.lower()]:
            return UnsupportedUpload(exc.reason, danish=exc.danish)
        return UnusableUpload(exc.reason, danish=exc.danish)
    except Exception as exc:  # a loader bug on a hostile file is still the file's fault
        return UnusableUpload(f"unexpected {type(exc).__name__}", danish="Filen kunne ikke læses.")
    return UnusableUpload("no agenda items found")
