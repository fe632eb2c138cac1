"""One error contract for every plain route: ``{"error": {"code", "message"}}`` with the status
of the domain error, mapped here once (Starlette's exception handlers)."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from catalog.errors import CatalogError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from starlette.requests import Request

log = logging.getLogger(__name__)


def error_response(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": " ".join(message.split())}}, status_code=status, headers=headers
    )


def refusal(error: CatalogError) -> JSONResponse:
    """A domain error as a response; a moment to retry is said with ``Retry-After``."""
    retry_after = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return error_response(error.http_status, error.code, error.message, headers)


async def domain_error(_request: Request, error: CatalogError) -> Response:
    return refusal(error)


async def http_error(_request: Request, error: HTTPException) -> Response:
    """Starlette's own refusals (no such route, a method not allowed) in the same shape."""
    code = HTTPStatus(error.status_code).name
    return error_response(error.status_code, code, str(error.detail), error.headers)


async def unexpected_error(_request: Request, error: Exception) -> Response:
    log.error("unexpected error serving a request", exc_info=error)
    return error_response(500, "INTERNAL", "Internal error.")


HANDLERS: Mapping[Any, Any] = {  # Starlette types handlers loosely: each takes its own class
    CatalogError: domain_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
