"""Signed download URLs for many files at once (a manifest) or for one, and how long they live.

A manifest finds its assets once (the filter evaluated per thousand assets, not per batch), then
reads each batch of files by their assets' ids, with the further locations of those assets, and
signs them locally, no network per file: a store's ``presign_get`` is looked up once per store,
not once per row. Every URL of a manifest carries the same
lifetime. Each file also lists its alternates: the same key signed in the further locations the
server can sign (``locations.fallback_store``), in the order a client should try them."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from catalog.conventions.globs import compile_glob
from catalog.conventions.names import parse_name
from catalog.errors import CatalogError, Invalid, NotFound
from catalog.limits import MANIFEST_BATCH, MAX_MANIFEST_FILES
from catalog.repo import files, locations
from catalog.services.locations import SIGNED_SCHEMES, fallback_store
from catalog.storage.base import validate_key

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.conventions.globs import PathGlob
    from catalog.db.engine import Database
    from catalog.schemas.filters import AssetFilter
    from catalog.storage.registry import StoreRegistry

    Presign = Callable[[str, int], str]

FIRST_BATCH = 100
"""Files a streamed manifest reads and signs before its first byte: few, so that it leaves at once."""
HOLDERS_AT_ONCE = 1000
"""Assets a manifest reads from its filter at a time, and names in one batch's statement at most."""
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
    ``limit`` matched (only ``limit`` are listed). Read in one batch: for an answer built whole."""
    stream = await open_manifest(
        db, stores, spec, path_glob=path_glob, expires_in=expires_in, limit=limit, batch=limit + 1
    )
    entries = [entry async for batch in stream.batches() for entry in batch]
    return entries, stream.expires_at, stream.truncated


async def open_manifest(
    db: Database,
    stores: StoreRegistry,
    spec: AssetFilter | None,
    *,
    path_glob: str | None,
    expires_in: int | None,
    limit: int = MAX_MANIFEST_FILES,
    batch: int = MANIFEST_BATCH,
    first: int | None = None,
) -> ManifestStream:
    """The manifest of ``manifest``, to be read ``batch`` files at a time. Its first batch (of
    ``first`` files, when fewer) is read here: what fails before the first byte of an answer fails
    as an ordinary error."""
    valid = lifetime(stores, expires_in, MANIFEST_LIFETIME)
    glob = compile_glob(path_glob) if path_glob is not None else None
    stream = ManifestStream(db, stores, spec, glob, valid, limit=limit, batch=batch)
    stream.prefetched = await stream.read(min(first or batch, batch))
    return stream


class ManifestStream:
    """A manifest read in keyset batches (asset name, path), each in a reader session of its own
    and signed once that session is closed: no session waits on a slow client, and memory holds
    one batch and a thousand assets. ``truncated`` is final once ``complete``."""

    def __init__(
        self,
        db: Database,
        stores: StoreRegistry,
        spec: AssetFilter | None,
        glob: PathGlob | None,
        valid: Lifetime,
        *,
        limit: int,
        batch: int,
    ) -> None:
        self.expires_at = valid.expires_at
        self.listed = 0
        self.truncated = False
        self.complete = False
        self.prefetched: list[ManifestEntry] = []
        self._db, self._stores, self._spec, self._glob = db, stores, spec, glob
        self._seconds, self._limit, self._batch = valid.seconds, limit, batch
        self._after: tuple[str, str] | None = None
        self._holders: deque[files.Holder] = deque()
        """Assets read from the filter whose files are not all listed yet, by name."""
        self._holders_read = False
        self._last_holder: str | None = None
        self._presigners: dict[str | None, Presign] = {}
        self._refused: set[str] = set()

    async def batches(self) -> AsyncIterator[list[ManifestEntry]]:
        """The prefetched batch, then the others as they are read."""
        batch, self.prefetched = self.prefetched, []
        yield batch
        while not self.complete:
            yield await self.read()

    async def read(self, size: int | None = None) -> list[ManifestEntry]:
        """The next batch (of ``size`` files, else the stream's batch): one more row than the
        limit allows tells that more matched."""
        wanted = min(size or self._batch, self._limit + 1 - self.listed)
        rows: list[files.Listed] = []
        ids: dict[str, int] = {}
        async with self._db.reader() as session:
            while len(rows) < wanted and (chosen := await self._next_holders(session, wanted - len(rows))):
                after = self._after
                found = await files.held_by(
                    session,
                    self._db.dialect,
                    [h.id for h in chosen],
                    self._glob,
                    wanted - len(rows),
                    after[1] if after is not None and chosen[0].name == after[0] else None,
                )
                self._listed_from(chosen, found, complete=len(found) < wanted - len(rows))
                ids.update((h.name, h.id) for h in chosen)
                rows += found
                if found:
                    self._after = (found[-1].asset, found[-1].path)
            named = {row.asset for row in rows}
            further = (
                await locations.urls_of(session, [ids[name] for name in named], SIGNED_SCHEMES)
                if rows
                else {}
            )
        self.truncated = self.listed + len(rows) > self._limit
        self.complete = len(rows) < wanted or self.truncated
        rows = rows[: self._limit - self.listed]
        self.listed += len(rows)
        return self._signed(rows, further)

    async def _next_holders(self, session: AsyncSession, files_wanted: int) -> list[files.Holder]:
        """The next assets to read files of: the one the last batch ended in, alone; else as many as
        fill the batch by their ``file_count`` without passing it (at most ``HOLDERS_AT_ONCE``), or
        the next one alone, however large. More are read from the filter when these run short."""
        holders = self._holders
        while not self._holders_read and sum(h.file_count for h in holders) < files_wanted:
            more = await files.holders(
                session, self._db.dialect, self._spec, HOLDERS_AT_ONCE, self._last_holder
            )
            self._holders_read = len(more) < HOLDERS_AT_ONCE
            holders.extend(more)
            if more:
                self._last_holder = more[-1].name
            if len(holders) >= HOLDERS_AT_ONCE:
                break
        if holders and self._after is not None and holders[0].name == self._after[0]:
            return [holders[0]]  # the rest of the asset the last batch ended in, read alone
        chosen: list[files.Holder] = []
        counted = 0
        for holder in holders:
            if chosen and (counted + holder.file_count > files_wanted or len(chosen) == HOLDERS_AT_ONCE):
                break  # a large asset is read alone, in the order of its index
            chosen.append(holder)
            counted += holder.file_count
            if counted >= files_wanted:
                break
        return chosen

    def _listed_from(self, chosen: list[files.Holder], found: list[files.Listed], *, complete: bool) -> None:
        """Forget the assets whose files are all listed: every one chosen when fewer files came than
        asked, else those before the last file's asset (which may hold more)."""
        last = None if complete or not found else found[-1].asset
        for _ in chosen:
            if self._holders[0].name == last:
                break
            self._holders.popleft()

    def _signed(self, rows: list[files.Listed], further: dict[str, list[str]]) -> list[ManifestEntry]:
        presigners = self._presigners
        for store_url in {row.store_url for row in rows} - presigners.keys():
            presigners[store_url] = self._stores.for_url(store_url).presign_get
        fallbacks = _fallbacks(self._stores, further, presigners, self._refused)
        seconds = self._seconds
        return [
            ManifestEntry(
                row.asset,
                row.path,
                row.size,
                row.sha256,
                presigners[row.store_url](row.key, seconds),
                tuple(presigners[store](row.key, seconds) for store in fallbacks.get(row.asset, ())),
            )
            for row in rows
        ]


def _fallbacks(
    stores: StoreRegistry,
    further: dict[str, list[str]],
    presigners: dict[str | None, Presign],
    refused: set[str],
) -> dict[str, list[str]]:
    """asset name → the stores of its further locations the server signs for, in order (their
    signers added to ``presigners``). A store it cannot open (a bucket without credentials in its
    environment) is left out, and kept in ``refused``: an alternate is a courtesy, the manifest
    does not depend on it."""
    found: dict[str, list[str]] = {}
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
