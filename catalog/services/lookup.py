"""Which asset, and which path in it, holds a file: by its content (sha256) or by where it is
(a store key ``ASSET/path``, or a URL in any of the asset's locations). Only assets the viewer
may read answer; identical content in several assets gives each."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from catalog.errors import Invalid
from catalog.repo import files
from catalog.repo.files import Placed
from catalog.services.locations import SCHEMES
from catalog.storage.base import validate_key

if TYPE_CHECKING:
    from catalog.db.engine import Database
    from catalog.db.models import Asset, File

SHA256 = re.compile(r"[0-9a-fA-F]{64}")
MAX_KEY_CHARS = 4096
MAX_SEGMENTS = 64


def checked_sha256(text: str) -> str:
    """A SHA-256 as the catalog stores it (lower case), or ``Invalid``."""
    if not SHA256.fullmatch(text):
        shown = text if len(text) <= 80 else f"{text[:77]}..."
        raise Invalid(f"sha256 {shown!r}: 64 hexadecimal digits")
    return text.lower()


def candidates(key: str) -> list[Placed]:
    """Every (asset, path, folder) a key or URL may name. A key is ``ASSET/path`` in a store; a
    URL is ``<folder>/<path>`` where the folder is a location of the asset and ends with its name,
    which may be any of its segments (the one with a registered asset answers)."""
    if len(key) > MAX_KEY_CHARS:
        raise Invalid(f"a key or URL of at most {MAX_KEY_CHARS} characters")
    if "://" not in key:
        name, _, path = validate_key(key).partition("/")
        if not path:
            raise Invalid(f"key {key!r}: ASSET/path/of/the/file")
        return [Placed(name, path)]
    try:
        parts = urlsplit(key)
    except ValueError:
        raise Invalid(f"{key!r} is not a URL") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or parts.query or parts.fragment:
        raise Invalid(f"URL {key!r}: a file in a location, e.g. s3://bucket/prefix/ASSET/path")
    local = scheme == "file"
    segments = [s for s in (unquote(parts.path) if local else parts.path).split("/") if s]
    if len(segments) > MAX_SEGMENTS:
        raise Invalid(f"URL {key!r}: at most {MAX_SEGMENTS} segments")
    root = f"{scheme}://{parts.netloc.lower()}"

    def folder(upto: int) -> str:
        inner = segments[: upto + 1]
        return PurePosixPath("/", *inner).as_uri() if local else "/".join([root, *inner])

    return [Placed(segments[i], "/".join(segments[i + 1 :]), folder(i)) for i in range(len(segments) - 1)]


async def by_sha256(db: Database, sha256: str, first: int) -> list[tuple[Asset, File]]:
    """The (asset, file) pairs whose content has this SHA-256 (any case), by asset then path."""
    digest = checked_sha256(sha256)
    async with db.reader() as session:
        return await files.with_sha256(session, digest, first)


async def by_key(db: Database, key: str, first: int) -> list[tuple[Asset, File]]:
    """The (asset, file) pairs a store key or a URL names, by asset then path."""
    found = candidates(key)
    async with db.reader() as session:
        return await files.placed(session, found, first)
