"""One error contract for every plain route: ``{"error": {"code", "message"}}`` with the status
of the domain error, mapped here once (Starlette's exception handlers). A browser that navigated
to the route (a download link opened from a chat message) reads the same code and message as a
page, with the way back to the catalog."""

from __future__ import annotations

import html
import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

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


def _retry_after(error: CatalogError) -> Mapping[str, str] | None:
    """A moment to retry is said with ``Retry-After``."""
    retry_after = getattr(error, "retry_after", None)
    return {"Retry-After": str(retry_after)} if retry_after is not None else None


def refusal(error: CatalogError) -> JSONResponse:
    """A domain error as a response of the JSON contract."""
    return error_response(error.http_status, error.code, error.message, _retry_after(error))


def wants_page(request: Request) -> bool:
    """A browser's navigation (its Accept names HTML), not an API client's request."""
    return "text/html" in request.headers.get("accept", "")


_TITLES = {
    "LINK_EXPIRED": "This download link has expired",
    "FORBIDDEN": "This link is not valid",
    "NOT_FOUND": "Not found",
    "INTEGRITY_ERROR": "This file failed its integrity check",
    "TIMEOUT": "The catalog is busy",
    "UNAVAILABLE": "The catalog is unavailable",
}

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · Catalog</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;color:#1c2330;background:#f6f7f9;margin:0}}
main{{max-width:40rem;margin:4rem auto;padding:1.5rem;background:#fff;border:1px solid #d9dee7;border-radius:6px}}
h1{{font-size:1.4rem;margin:0 0 .75rem;color:#b42318}}code{{background:#fdecea;color:#b42318;padding:0 .3rem;border-radius:4px}}
a{{color:#245ea8}}</style></head><body><main role="alert"><h1>{title}</h1><p><code>{code}</code> {message}</p>
<p>{advice}</p><p><a href="/">Search the catalog</a></p></main></body></html>"""


def error_page(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    advice = (
        "Open the asset in the catalog again: each download button signs a fresh link."
        if code in {"LINK_EXPIRED", "FORBIDDEN"}
        else "If this persists, tell the catalog's administrators what you opened."
    )
    body = _PAGE.format(
        title=html.escape(_TITLES.get(code, "The request was refused")),
        code=html.escape(code),
        message=html.escape(" ".join(message.split())),
        advice=advice,
    )
    return HTMLResponse(body, status_code=status, headers=headers)


def _answer(
    request: Request, status: int, code: str, message: str, headers: Mapping[str, str] | None
) -> Response:
    if wants_page(request):
        return error_page(status, code, message, headers)
    return error_response(status, code, message, headers)


async def domain_error(request: Request, error: CatalogError) -> Response:
    return _answer(request, error.http_status, error.code, error.message, _retry_after(error))


async def http_error(request: Request, error: HTTPException) -> Response:
    """Starlette's own refusals (no such route, a method not allowed) in the same shape."""
    code = HTTPStatus(error.status_code).name
    return _answer(request, error.status_code, code, str(error.detail), error.headers)


async def unexpected_error(request: Request, error: Exception) -> Response:
    log.error("unexpected error serving a request", exc_info=error)
    return _answer(request, 500, "INTERNAL", "Internal error.", None)


HANDLERS: Mapping[Any, Any] = {  # Starlette types handlers loosely: each takes its own class
    CatalogError: domain_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
