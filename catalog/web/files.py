"""``GET /files/{key}``: signed downloads from local folders, what an S3 presigned GET is for a
bucket. One route serves every folder the catalog registered files from (the URL names any but
the catalog's own). Starlette answers HEAD wherever GET is allowed. Files are streamed in
chunks, one byte range at most."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from starlette.responses import Response, StreamingResponse

from catalog.errors import Forbidden, NotFound
from catalog.storage.base import ObjectInfo, content_disposition
from catalog.web.errors import error_response

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request

    from catalog.storage.local import LocalStore
    from catalog.storage.registry import StoreRegistry

_RANGE = re.compile(r"bytes=([0-9]{0,18})-([0-9]{0,18})")
_EXPIRES = re.compile(r"[0-9]{1,12}")
_MEDIA_TYPE = "application/octet-stream"


class Unsatisfiable(Exception):
    """A Range that selects no byte of the file: answered with 416."""


def local_file_endpoint(stores: StoreRegistry) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint serving local folders' files to holders of their signed URLs."""

    async def download(request: Request) -> Response:
        key = request.path_params["key"]
        store = stores.local(request.query_params.get("store"))
        if store is None or not _signed(store, key, request):
            raise Forbidden("invalid or expired link")
        info = await store.stat(key)
        if info is None:
            raise NotFound("no such file")
        try:
            span = byte_range(request.headers.get("range"), info.size)
        except Unsatisfiable:
            headers = {"Content-Range": f"bytes */{info.size}"}
            return error_response(416, "RANGE_NOT_SATISFIABLE", "range not satisfiable", headers)
        return _file_response(store, request, info, span)

    return download


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive byte range a ``Range`` header asks of a ``size``-byte file; None for all of it.

    Only one range is served: RFC 9110 lets a server ignore a Range it does not support
    (several ranges) or cannot parse, and answer with the whole file."""
    match = _RANGE.fullmatch(header.strip()) if header else None
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def _signed(store: LocalStore, key: str, request: Request) -> bool:
    params = request.query_params
    expires, signature = params.get("expires", ""), params.get("signature", "")
    return bool(_EXPIRES.fullmatch(expires)) and store.verify(
        key, int(expires), signature, params.get("filename")
    )


def _file_response(
    store: LocalStore, request: Request, info: ObjectInfo, span: tuple[int, int] | None
) -> Response:
    start, end = span or (0, info.size - 1)
    headers = {"Accept-Ranges": "bytes", "Content-Length": str(end - start + 1)}
    if span:
        headers["Content-Range"] = f"bytes {start}-{end}/{info.size}"
    if filename := request.query_params.get("filename"):
        headers["Content-Disposition"] = content_disposition(filename)
    status = 206 if span else 200
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=_MEDIA_TYPE)
    body = store.read(info.key, start, end) if span else store.read(info.key)
    return StreamingResponse(body, status_code=status, headers=headers, media_type=_MEDIA_TYPE)
