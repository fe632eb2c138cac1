"""The catalog's refusals as Python exceptions, chosen by the code the server sent.

The classes are the catalog's own domain errors (``catalog.errors``), so ``except NotFound``
means on the client what it means on the server; ``.code`` is the exact code of the answer
(``GRAPHQL_VALIDATION_FAILED`` is an ``Invalid`` whose code says which kind of invalid)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from catalog.errors import (
    CatalogError,
    Conflict,
    Corrupted,
    Expired,
    Forbidden,
    Invalid,
    NotFound,
    TimedOut,
    TooLarge,
    Unauthenticated,
    Unavailable,
    UploadIncomplete,
)

if TYPE_CHECKING:
    import httpx


class TooComplex(CatalogError):
    """A query beyond the server's limits (depth, aliases, tokens, cost): ask for less at once."""

    code = "QUERY_TOO_COMPLEX"
    http_status = 400


_CLASSES: tuple[type[CatalogError], ...] = (
    Invalid,
    NotFound,
    Conflict,
    Unauthenticated,
    Forbidden,
    Expired,
    TooLarge,
    TimedOut,
    Unavailable,
    Corrupted,
    UploadIncomplete,
    TooComplex,
)
_BY_CODE: dict[str, type[CatalogError]] = {cls.code: cls for cls in _CLASSES} | {
    # Refusals of the request itself rather than of a value in it: still the caller's to fix.
    "GRAPHQL_PARSE_FAILED": Invalid,
    "GRAPHQL_VALIDATION_FAILED": Invalid,
    "BAD_REQUEST": Invalid,
    "METHOD_NOT_ALLOWED": Invalid,
}
_BY_STATUS: dict[int, type[CatalogError]] = {
    cls.http_status: cls
    for cls in (Invalid, Unauthenticated, Forbidden, NotFound, Conflict, TooLarge, Unavailable)
}


def error_for(code: str, message: str) -> CatalogError:
    """The exception for a refusal with this code (the base class for a code it does not know)."""
    error = _BY_CODE.get(code, CatalogError)(message)
    error.code = code
    return error


def refusal(response: httpx.Response, body: Any = None) -> CatalogError | None:
    """The error an answer (its body read) carries, None for a success: GraphQL's ``errors`` (the first, with its
    ``extensions.code``), the plain routes' ``{"error": {code, message}}``, or else its status
    (an object store's refusal, a proxy's page). ``body``: its JSON, when the caller parsed it."""
    body = body if body is not None else parsed(response)
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors:
        first = errors[0] if isinstance(errors[0], dict) else {}
        code = (first.get("extensions") or {}).get("code") or "INTERNAL"
        return error_for(str(code), str(first.get("message", "")))
    plain = body.get("error") if isinstance(body, dict) else None
    if isinstance(plain, dict) and "code" in plain:
        return error_for(str(plain["code"]), str(plain.get("message", "")))
    if response.is_success:
        return None
    cls = _BY_STATUS.get(response.status_code, CatalogError)
    detail = " ".join(response.text[:500].split()) or response.reason_phrase
    return error_for(cls.code, f"HTTP {response.status_code} from {response.url.host}: {detail}")


def parsed(response: httpx.Response) -> Any:
    """An answer's JSON body; None for another body."""
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        return response.json()
    except ValueError:
        return None
