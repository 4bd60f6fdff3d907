"""One place that maps ``rag`` errors to HTTP: Danish for the user, English in the log."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.security import Forbidden, Unauthorized
from rag.errors import (
    BackendUnavailable,
    BadQuestion,
    EmbedderMismatch,
    GenerationError,
    IndexCorrupt,
    IndexNotBuilt,
    IngestError,
    ParseError,
    RagError,
)

logger = logging.getLogger(__name__)

STATUS: dict[type[RagError], int] = {
    BadQuestion: 422,
    IngestError: 400,
    ParseError: 400,
    IndexNotBuilt: 503,
    IndexCorrupt: 503,
    EmbedderMismatch: 503,
    BackendUnavailable: 503,
    GenerationError: 502,
}


class NotFound(RagError):
    danish = "Det findes ikke."


STATUS.update({NotFound: 404, Unauthorized: 401, Forbidden: 403})


def status_for(exc: RagError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]  # type: ignore[index]
    return 500


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(RagError)
    async def _rag_error(request: Request, exc: RagError) -> JSONResponse:
        status = status_for(exc)
        log = logger.warning if status < 500 else logger.error
        log("%s %s -> %d %s: %s", request.method, request.url.path, status, type(exc).__name__, exc)
        return JSONResponse({"detail": exc.danish, "error": type(exc).__name__}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        logger.info("%s %s -> 422 invalid request", request.method, request.url.path)
        fields = ", ".join(".".join(str(p) for p in e["loc"][1:]) or "body" for e in exc.errors())
        return JSONResponse(
            {"detail": f"Forespørgslen er ugyldig ({fields}).", "error": "ValidationError",
             "errors": [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]},
            status_code=422,
        )
