"""Signed download URLs for many files at once (a manifest) or for one.

A manifest is one SQL statement and then local signing, no network per file: a store's
``presign_get`` is looked up once per store, not once per row, so 10,000 URLs take
milliseconds. Every URL of a manifest carries the same lifetime."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement

from catalog.conventions.globs import glob_to_regex
from catalog.conventions.names import parse_name
from catalog.db.engine import Database
from catalog.errors import Invalid, NotFound
from catalog.repo import files
from catalog.storage.base import validate_key
from catalog.storage.registry import StoreRegistry

MAX_MANIFEST_FILES = 100_000


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    asset: str
    path: str
    size: int
    sha256: str | None
    url: str


async def manifest(
    db: Database,
    stores: StoreRegistry,
    where: ColumnElement[bool],
    *,
    path_glob: str | None,
    expires_in: int,
    limit: int = MAX_MANIFEST_FILES,
) -> tuple[list[ManifestEntry], datetime, bool]:
    """The files of the assets ``where`` selects whose path matches ``path_glob``, by asset name
    then path, each with a URL valid until the returned instant; True when more than ``limit``
    matched (only ``limit`` are listed). ``expires_in`` comes already capped by the caller."""
    expires_at = _expiry(expires_in)
    regex = glob_to_regex(path_glob) if path_glob is not None else None
    async with db.reader() as session:
        rows = await files.matching(session, where, regex, limit + 1)
    presigners: dict[str | None, Callable[[str, int], str]] = {
        store_url: stores.for_url(store_url).presign_get for store_url in {row.store_url for row in rows}
    }
    entries = [
        ManifestEntry(
            row.asset, row.path, row.size, row.sha256, presigners[row.store_url](row.key, expires_in)
        )
        for row in rows[:limit]
    ]
    return entries, expires_at, len(rows) > limit


async def file_url(db: Database, stores: StoreRegistry, asset: str, path: str, *, expires_in: int) -> str:
    """A fresh signed URL of one file of a visible asset."""
    parse_name(asset)
    validate_key(path)
    async with db.reader() as session:
        found = await files.one(session, asset, path)
    if found is None:
        raise NotFound(f"no file {path!r} in asset {asset!r}")
    store_url, row = found
    return stores.for_url(store_url).presign_get(row.key, expires_in)


def _expiry(expires_in: int) -> datetime:
    """When URLs signed from now on for ``expires_in`` seconds stop working, at the earliest."""
    if expires_in <= 0:
        raise Invalid(f"expiresIn must be positive, not {expires_in}")
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=expires_in)
