"""The one protocol every object store speaks, and the rules all of them share.

Keys are relative ``/``-separated paths. They are checked here, once, so that a key
means the same object in every store and can never climb out of a local root."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote, unquote, urlsplit

from catalog.errors import Invalid
from catalog.limits import MAX_URL_LIFETIME

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from catalog.config import Settings

READ_CHUNK = 1024 * 1024
"""Bytes per chunk when streaming objects: small enough to bound memory, big enough to be cheap."""


SMALL_FILE = READ_CHUNK
"""Files up to this size are read whole and stored in batches (``put_files``); bigger ones stream."""

_HASH_INLINE_LIMIT = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    key: str
    size: int
    sha256: str | None
    """Hex digest when the store knows it without reading the object, else None."""


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    size: int
    sha256: str


class ObjectStore(Protocol):
    url: str
    parallel_writes: int | None
    """How many writes at once pay off, or None for as many as the caller allows."""

    async def put_file(self, key: str, source: Path) -> StoredObject:
        """Upload ``source`` in one streaming pass that also hashes it."""
        ...

    async def put_files(self, items: Sequence[tuple[str, Path]]) -> list[StoredObject]:
        """Upload several small files (each at most ``SMALL_FILE`` bytes, read whole), in order;
        one call, so that a store working in threads makes one hop for all of them."""
        ...

    async def put_bytes(self, key: str, data: bytes) -> StoredObject: ...

    async def stat(self, key: str) -> ObjectInfo | None: ...

    def list(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        """Objects whose key starts with ``prefix``, sorted by key."""
        ...

    def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Bytes ``start..end`` (inclusive, like HTTP Range), clamped to the object like a slice."""
        ...

    async def sha256(self, key: str) -> str: ...

    def presign_get(self, key: str, expires_in: int, filename: str | None = None) -> str:
        """A URL anyone can GET until it expires; no network, so it is cheap per row."""
        ...

    def presign_put(self, key: str, expires_in: int, *, size: int, sha256: str) -> str:
        """A URL anyone can PUT ``key``'s bytes to (no headers needed) until it expires; a store
        that can (the local one) refuses bytes other than the declared ``size`` and ``sha256``."""
        ...

    async def start_parts(self, key: str) -> str:
        """Begin a multipart upload of ``key``; its id, for the calls below."""
        ...

    def presign_part(self, key: str, parts_id: str, part: int, expires_in: int, *, size: int) -> str:
        """A URL anyone can PUT part ``part`` (from 1, ``size`` bytes) of ``key`` to until it expires."""
        ...

    async def stored_parts(self, key: str, parts_id: str) -> dict[int, int]:
        """Part number → size of the parts received so far (none once finished or aborted)."""
        ...

    async def finish_parts(self, key: str, parts_id: str) -> ObjectInfo:
        """Join the received parts, in order, into the object ``key``."""
        ...

    async def abort_parts(self, key: str, parts_id: str) -> None:
        """Drop a multipart upload and its parts (none left: nothing happens)."""
        ...

    async def delete(self, key: str) -> None: ...

    async def discard_partial(self, prefix: str) -> int:
        """Remove what interrupted uploads under ``prefix`` left behind (never listed nor readable,
        but kept and, on S3, paid for); returns how many. For the one writer of that prefix, once
        no upload of its own runs there."""
        ...

    async def close(self) -> None: ...


def open_store(settings: Settings, url: str | None = None) -> ObjectStore:
    """The store ``url`` names, by default the catalog's own (``settings.storage_url``); backends
    import lazily so each needs only its own deps."""
    parts = urlsplit(url or settings.storage_url)
    if parts.scheme == "file":
        from catalog.storage.local import LocalStore

        own = url is None or url == settings.storage_url
        return LocalStore(Path(unquote(parts.path)), settings.secret_key, settings.public_url, own=own)
    if parts.scheme == "s3" and parts.netloc:
        from catalog.storage.s3 import S3Store

        return S3Store(
            parts.netloc,
            parts.path,
            settings.s3_endpoint_url,
            settings.s3_public_endpoint_url,
            settings.s3_region,
            multipart_threshold=settings.multipart_threshold,
            multipart_chunk_size=settings.multipart_chunk_size,
        )
    raise Invalid(
        f"unsupported storage URL {url or settings.storage_url!r}: use file:///dir or s3://bucket[/prefix]"
    )


def validate_key(key: str) -> str:
    """Refuse anything but a plain relative path, so no key can name a place outside the store."""
    if not key or key.startswith("/") or "\\" in key or "\0" in key:
        raise Invalid(f"invalid object key {key!r}")
    if any(segment in ("", ".", "..") for segment in key.split("/")):
        raise Invalid(f"invalid object key {key!r}")
    return key


def validate_prefix(prefix: str) -> str:
    """A prefix is a key's beginning: its folders must be valid, its last segment may be partial."""
    if prefix.startswith("/") or "\\" in prefix or "\0" in prefix:
        raise Invalid(f"invalid key prefix {prefix!r}")
    folder, _, _ = prefix.rpartition("/")
    if folder:
        validate_key(folder)
    return prefix


def check_range(start: int, end: int | None) -> None:
    """Refuse ranges S3 would silently ignore (and then send the whole object)."""
    if start < 0 or (end is not None and end < start):
        raise Invalid(f"invalid byte range {start}-{end}")


def check_expiry(expires_in: int) -> None:
    """Both stores share SigV4's limit, so a lifetime valid for one is valid for the other."""
    if not 0 < expires_in <= MAX_URL_LIFETIME:
        raise Invalid(f"URL lifetime must be between 1 and {MAX_URL_LIFETIME} seconds, not {expires_in}")


async def sha256_hex(data: bytes) -> str:
    """Hash in a thread when the data is big enough to stall the event loop."""
    if len(data) <= _HASH_INLINE_LIMIT:
        return hashlib.sha256(data).hexdigest()
    return await asyncio.to_thread(lambda: hashlib.sha256(data).hexdigest())


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks (blocking: call it in a thread)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def content_disposition(filename: str) -> str:
    """An ``attachment`` header that survives any filename: ASCII fallback plus RFC 6266's UTF-8 form."""
    fallback = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in filename)
    if fallback == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
