"""``GET /files/{key}``: signed downloads from local folders, what an S3 presigned GET is for a
bucket. One route serves every folder the catalog registered files from (the URL names any but
the catalog's own). Starlette answers HEAD wherever GET is allowed. Files are streamed in
chunks, one byte range at most.

A file the catalog recorded is checked against that record as it is served, so that a damaged
store never passes wrong bytes off as the file: its size on every request, and the sha256 of a
whole-file GET. A file of up to one read chunk is hashed before anything is sent (a mismatch
answers ``INTEGRITY_ERROR``); a bigger one is hashed as it streams, its last chunk held back
until the hash is known, so a mismatch aborts the response short of its Content-Length and no
client takes it for complete. Ranged requests skip the hash: checking a slice would mean reading
the whole file. A file no visible asset recorded (signed by other means) is served unchecked."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from starlette.responses import Response, StreamingResponse

from catalog.errors import Corrupted, Expired, Forbidden, NotFound
from catalog.repo import files
from catalog.storage.base import READ_CHUNK, ObjectInfo, content_disposition, sha256_hex
from catalog.web.errors import error_response

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

    from starlette.requests import Request

    from catalog.db.engine import Database
    from catalog.storage.local import LocalStore
    from catalog.storage.registry import StoreRegistry

_RANGE = re.compile(r"bytes=([0-9]{0,18})-([0-9]{0,18})")
_EXPIRES = re.compile(r"[0-9]{1,12}")
_MEDIA_TYPE = "application/octet-stream"

log = logging.getLogger(__name__)


class Unsatisfiable(Exception):
    """A Range that selects no byte of the file: answered with 416."""


def local_file_endpoint(db: Database, stores: StoreRegistry) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint serving local folders' files to holders of their signed URLs, checked
    against what ``db`` recorded of them."""

    async def download(request: Request) -> Response:
        key = request.path_params["key"]
        store = _linked_store(stores.local(request.query_params.get("store")), key, request)
        info = await store.stat(key)
        if info is None:
            raise NotFound("no such file")
        expected = await _recorded_sha256(db, store, info)
        try:
            span = byte_range(request.headers.get("range"), info.size)
        except Unsatisfiable:
            headers = {"Content-Range": f"bytes */{info.size}"}
            return error_response(416, "RANGE_NOT_SATISFIABLE", "range not satisfiable", headers)
        return await _file_response(store, request, info, span, expected)

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


def _linked_store(store: LocalStore | None, key: str, request: Request) -> LocalStore:
    """The store whose valid link this is. A link not of ``store`` is refused; a genuine one past
    its expiry is said so, as its holder can ask the catalog for a fresh one."""
    params = request.query_params
    expires, signature = params.get("expires", ""), params.get("signature", "")
    if (
        store is None
        or not _EXPIRES.fullmatch(expires)
        or not store.genuine(key, int(expires), signature, params.get("filename"))
    ):
        raise Forbidden("invalid or expired link")
    if store.expired(int(expires)):
        ended = datetime.fromtimestamp(int(expires), UTC).isoformat(timespec="seconds")
        raise Expired(f"this link expired at {ended}: open the asset again for a fresh link")
    return store


async def _recorded_sha256(db: Database, store: LocalStore, info: ObjectInfo) -> str | None:
    """The sha256 the catalog recorded of the file (None: no record, or no hash), once its size
    agrees with the record."""
    async with db.reader() as session:
        row = await files.stored_at(session, store.url, info.key)
    if row is None:
        return None
    if row.size != info.size:
        raise _corrupted(store, info.key, f"{info.size} bytes stored, {row.size} recorded")
    return row.sha256


async def _file_response(
    store: LocalStore,
    request: Request,
    info: ObjectInfo,
    span: tuple[int, int] | None,
    expected: str | None,
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
    if span:
        body = store.read(info.key, start, end)
    elif expected is None:
        body = store.read(info.key)
    elif info.size <= READ_CHUNK:
        content = b"".join([chunk async for chunk in store.read(info.key)])
        if (found := await sha256_hex(content)) != expected:
            raise _corrupted(store, info.key, f"sha256 {found}, recorded {expected}")
        return Response(content, status_code=status, headers=headers, media_type=_MEDIA_TYPE)
    else:
        body = _hashed(store, info.key, expected)
    return StreamingResponse(body, status_code=status, headers=headers, media_type=_MEDIA_TYPE)


async def _hashed(store: LocalStore, key: str, expected: str) -> AsyncIterator[bytes]:
    """The file's chunks, each sent once the next is read and the last once the whole file has
    hashed to ``expected``; else the stream stops there, a chunk short."""
    digest, held = hashlib.sha256(), b""
    async for chunk in store.read(key):
        await asyncio.to_thread(digest.update, chunk)
        if held:
            yield held
        held = chunk
    if (found := digest.hexdigest()) != expected:
        raise _corrupted(store, key, f"sha256 {found}, recorded {expected}")
    yield held


def _corrupted(store: LocalStore, key: str, detail: str) -> Corrupted:
    log.error("refused to serve %s/%s: it differs from the catalog's record (%s)", store.url, key, detail)
    return Corrupted(f"the stored file differs from the catalog's record ({detail}); it is not served")
