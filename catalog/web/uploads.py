"""``PUT /uploads/{key}``: what an S3 presigned PUT is for a bucket, for the catalog's own local
folder. The signed URL is the credential and says what it takes: exactly ``size`` bytes hashing
to ``sha256`` (a whole file), or ``size`` bytes of part ``part`` of a multipart upload. The body
streams to disk, hashed as it is written, never whole in memory; a body other than the declared
one is refused (``INTEGRITY_ERROR``, 400) and nothing of it is kept. Only keys an open upload
declares are taken: an aborted or expired upload's URLs write nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from starlette.responses import Response

from catalog.errors import Expired, Forbidden, Invalid, Mismatched, NotFound
from catalog.repo import uploads
from catalog.services.register import now

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request

    from catalog.db.engine import Database
    from catalog.storage.registry import StoreRegistry

UPLOADS = "/uploads/"
_NUMBER = re.compile(r"[0-9]{1,18}")
_SIGNED = ("expires", "size", "sha256", "upload", "part")


def upload_endpoint(db: Database, stores: StoreRegistry) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint taking the bytes of files uploads declared, into the catalog's own folder."""

    async def upload(request: Request) -> Response:
        key = request.path_params["key"]
        store = stores.local(None)
        if store is None:
            raise NotFound("this catalog's store takes uploads at presigned URLs of its own")
        params = {name: request.query_params[name] for name in _SIGNED if name in request.query_params}
        if not all(_NUMBER.fullmatch(params.get(name, "")) for name in ("expires", "size")) or (
            "part" in params and not _NUMBER.fullmatch(params["part"])
        ):
            raise Forbidden("invalid or expired link")
        if not store.genuine_upload(key, params, request.query_params.get("signature", "")):
            raise Forbidden("invalid or expired link")
        if store.expired(int(params["expires"])):
            ended = datetime.fromtimestamp(int(params["expires"]), UTC).isoformat(timespec="seconds")
            raise Expired(f"this upload link expired at {ended}: ask the catalog for a fresh one")
        size = int(params["size"])
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) != size):
            raise Mismatched(f"{key}: Content-Length {declared} is not the {size} bytes declared")
        async with db.primary().reader() as session:  # an upload opened a moment ago
            if not await uploads.accepts(session, key, now()):
                raise NotFound(f"no open upload takes {key!r}")
        if "part" in params:
            if "upload" not in params:
                raise Invalid("a part needs its upload")
            await store.receive_part(key, params["upload"], int(params["part"]), request.stream(), size=size)
        else:
            await store.receive(key, request.stream(), size=size, sha256=params.get("sha256", ""))
        return Response(status_code=200)

    return upload
