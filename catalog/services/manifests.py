"""Signed download URLs for many files at once (a manifest) or for one, and how long they live.

A manifest is two SQL statements (the files, the further locations of their assets) and then
local signing, no network per file: a store's ``presign_get`` is looked up once per store, not
once per row, so 10,000 URLs take milliseconds. Every URL of a manifest carries the same
lifetime. Each file also lists its alternates: the same key signed in the further locations the
server can sign (``locations.fallback_store``), in the order a client should try them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from catalog.conventions.globs import compile_glob
from catalog.conventions.names import parse_name
from catalog.errors import CatalogError, Invalid, NotFound
from catalog.limits import MAX_MANIFEST_FILES
from catalog.repo import files, locations
from catalog.services.locations import SIGNED_SCHEMES, fallback_store
from catalog.storage.base import validate_key

if TYPE_CHECKING:
    from collections.abc import Callable

    from catalog.db.engine import Database
    from catalog.schemas.filters import AssetFilter
    from catalog.storage.registry import StoreRegistry

MANIFEST_LIFETIME = 24 * 3600
"""Default lifetime of manifest URLs: a long download must still be able to start its last file."""
LINK_LIFETIME = 3600
"""Default lifetime of one file's URL."""


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    asset: str
    path: str
    size: int
    sha256: str | None
    url: str
    alternates: tuple[str, ...] = ()
    """Signed URLs of the same bytes in the asset's further locations, to try in order when
    ``url`` fails (their content is not checked by the catalog: compare the sha256)."""


@dataclass(frozen=True, slots=True)
class Lifetime:
    seconds: int
    expires_at: datetime
    """When URLs signed now for ``seconds`` stop working, at the earliest."""


def lifetime(stores: StoreRegistry, requested: int | None, default: int) -> Lifetime:
    """The lifetime of URLs signed now: as requested (else ``default``), capped by the server."""
    seconds = default if requested is None else requested
    if seconds <= 0:
        raise Invalid(f"expiresIn must be positive, not {seconds}")
    seconds = min(seconds, stores.settings.max_url_expiry)
    return Lifetime(seconds, datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=seconds))


async def manifest(
    db: Database,
    stores: StoreRegistry,
    spec: AssetFilter | None,
    *,
    path_glob: str | None,
    expires_in: int | None,
    limit: int = MAX_MANIFEST_FILES,
) -> tuple[list[ManifestEntry], datetime, bool]:
    """The files of the assets the filter selects whose path matches ``path_glob``, by asset
    name then path, each with a URL valid until the returned instant; True when more than
    ``limit`` matched (only ``limit`` are listed)."""
    valid = lifetime(stores, expires_in, MANIFEST_LIFETIME)
    glob = compile_glob(path_glob) if path_glob is not None else None
    async with db.reader() as session:
        rows = await files.matching(session, db.dialect, spec, glob, limit + 1)
        further = await locations.urls_of_matching(session, db.dialect, spec, SIGNED_SCHEMES) if rows else {}
    presigners: dict[str | None, Callable[[str, int], str]] = {
        store_url: stores.for_url(store_url).presign_get for store_url in {row.store_url for row in rows}
    }
    fallbacks = _fallbacks(stores, further, presigners)
    entries = [
        ManifestEntry(
            row.asset,
            row.path,
            row.size,
            row.sha256,
            presigners[row.store_url](row.key, valid.seconds),
            tuple(presigners[store](row.key, valid.seconds) for store in fallbacks.get(row.asset, ())),
        )
        for row in rows[:limit]
    ]
    return entries, valid.expires_at, len(rows) > limit


def _fallbacks(
    stores: StoreRegistry,
    further: dict[str, list[str]],
    presigners: dict[str | None, Callable[[str, int], str]],
) -> dict[str, list[str]]:
    """asset name → the stores of its further locations the server signs for, in order (their
    signers added to ``presigners``). A store it cannot open (a bucket without credentials in its
    environment) is left out: an alternate is a courtesy, the manifest does not depend on it."""
    found: dict[str, list[str]] = {}
    refused: set[str] = set()
    for name, urls in further.items():
        for store in (s for url in urls if (s := fallback_store(url, name)) is not None):
            if store not in presigners and store not in refused:
                try:
                    presigners[store] = stores.for_url(store).presign_get
                except CatalogError:
                    refused.add(store)
            if store in presigners:
                found.setdefault(name, []).append(store)
    return found


def signed_url(
    stores: StoreRegistry, store_url: str | None, key: str, expires_in: int | None
) -> tuple[str, datetime]:
    """A URL of one stored object and when it stops working."""
    valid = lifetime(stores, expires_in, LINK_LIFETIME)
    return stores.for_url(store_url).presign_get(key, valid.seconds), valid.expires_at


async def file_url(db: Database, stores: StoreRegistry, asset: str, path: str) -> str:
    """A fresh signed URL of one file of a visible asset."""
    parse_name(asset)
    validate_key(path)
    async with db.reader() as session:
        found = await files.one(session, asset, path)
    if found is None:
        raise NotFound(f"no file {path!r} in asset {asset!r}")
    store_url, row = found
    return signed_url(stores, store_url, row.key, None)[0]
