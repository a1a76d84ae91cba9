"""The one error model of the API: every failure is a JSON body listing every error found, each with a code,
a pointer and a reason. Never a stack trace, never a bare 500 with internals."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Iterable, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eucustoms.core.errors import (
    Conflict,
    CustomsError,
    ErrorCode,
    Forbidden,
    InvalidIdentifier,
    Issue,
    NotFound,
    Rejected,
    Unauthenticated,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 10 * 1024 * 1024

_PYDANTIC_CODES = {
    "missing": ErrorCode.MISSING,
    "extra_forbidden": ErrorCode.NOT_ALLOWED,
    "json_invalid": ErrorCode.SYNTAX,
    "json_type": ErrorCode.SYNTAX,
    "enum": ErrorCode.CODELIST_VIOLATION,
    "literal_error": ErrorCode.CODELIST_VIOLATION,
}


def error_body(status: int, message: str, issues: Iterable[Issue]) -> dict[str, Any]:
    return {
        "type": "rejection" if status in (400, 409, 413, 422) else "error",
        "status": status,
        "message": message,
        "errors": [i.as_dict() for i in issues],
    }


def _pointer(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        return "/" + "/".join(parts[1:])
    if parts and parts[0] in ("query", "path", "header", "cookie"):
        return f"{parts[0]}:" + "/".join(parts[1:])
    return "/" + "/".join(parts)


def issues_from_pydantic(errors: Iterable[dict[str, Any]], prefix: Sequence[Any] = ()) -> list[Issue]:
    issues = []
    for e in errors:
        kind = e.get("type", "")
        reason = e.get("msg", "invalid value")
        if reason.startswith("Value error, "):
            reason = reason[len("Value error, "):]
        issues.append(Issue(_PYDANTIC_CODES.get(kind, ErrorCode.RULE_VIOLATION), _pointer([*prefix, *e.get("loc", ())]), reason))
    return issues


def _respond(status: int, message: str, issues: Iterable[Issue], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, issues), status_code=status, headers=headers)


class _BodyLimit:
    """Refuse bodies over the limit: at once when the declared length is too large, else (a chunked body) as
    soon as what was read goes over it. A plain ASGI middleware: Starlette's BaseHTTPMiddleware costs a task
    and a stream per request."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
                break
        if declared is not None:
            if declared.isdigit() and int(declared) > self.limit:
                await _too_large(self.limit)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        seen, refused = 0, False

        async def counted() -> Message:
            # Over the limit: answer 413 ourselves, and tell the app the client went away (it stops reading).
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    refused = True
                    await _too_large(self.limit)(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            if not refused:  # whatever the app answers after the refusal is not sent
                await send(message)

        await self.app(scope, counted, guarded)


def _too_large(limit: int) -> JSONResponse:
    return _respond(413, "the request body is too large",
                    [Issue(ErrorCode.SYNTAX, "", f"at most {limit} bytes are accepted")])


def install_error_handlers(app: FastAPI) -> None:
    app.add_middleware(_BodyLimit)

    @app.exception_handler(RequestValidationError)
    async def _validation(_req: Request, exc: RequestValidationError) -> JSONResponse:
        issues = issues_from_pydantic(exc.errors())
        return _respond(422, f"the request was rejected: {len(issues)} error(s)", issues)

    @app.exception_handler(ValidationError)
    async def _pyd(_req: Request, exc: ValidationError) -> JSONResponse:
        issues = issues_from_pydantic(exc.errors(), prefix=("body",))
        return _respond(422, f"the request was rejected: {len(issues)} error(s)", issues)

    @app.exception_handler(Rejected)
    async def _rejected(_req: Request, exc: Rejected) -> JSONResponse:
        return _respond(exc.status, exc.message, exc.issues)

    @app.exception_handler(InvalidIdentifier)
    async def _invalid_id(_req: Request, exc: InvalidIdentifier) -> JSONResponse:
        return _respond(422, exc.message, [Issue(ErrorCode.RULE_VIOLATION, exc.kind, exc.reason)])

    @app.exception_handler(NotFound)
    async def _not_found(_req: Request, exc: NotFound) -> JSONResponse:
        return _respond(404, exc.message, [Issue(ErrorCode.NOT_FOUND, exc.kind, exc.message)])

    @app.exception_handler(Conflict)
    async def _conflict(_req: Request, exc: Conflict) -> JSONResponse:
        return _respond(409, exc.message, [exc.issue])

    @app.exception_handler(Unauthenticated)
    async def _unauth(_req: Request, exc: Unauthenticated) -> JSONResponse:
        return _respond(401, exc.message, [Issue("401", "header:Authorization", exc.message)],
                        headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def _forbidden(_req: Request, exc: Forbidden) -> JSONResponse:
        return _respond(403, exc.message, [Issue("403", "", exc.message)])

    @app.exception_handler(CustomsError)
    async def _customs(_req: Request, exc: CustomsError) -> JSONResponse:
        return _respond(exc.status, exc.message, [Issue(ErrorCode.RULE_VIOLATION, "", exc.message)])

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        reason = str(exc.detail) if exc.detail else "error"
        return _respond(exc.status_code, reason, [Issue(str(exc.status_code), "", reason)], headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(req: Request, exc: Exception) -> JSONResponse:
        incident = uuid.uuid4().hex[:12]
        log.error("unexpected error %s on %s %s", incident, req.method, req.url.path, exc_info=exc)
        return _respond(500, f"internal error; quote incident {incident}",
                        [Issue("500", "", f"the request could not be processed (incident {incident})")])
