"""Downloading a manifest's files to ``<dest>/<asset>/<path>``, so that an interrupted or failed
download can simply be run again.

A file is written to ``<path>.part`` a chunk at a time (memory stays at ``parallel`` chunks
whatever the sizes) and moved into place only once its size and sha256 are those the catalog
recorded; a mismatch removes it and raises. A ``.part`` left behind by an interrupted run is
resumed with an HTTP Range request, and a file already in place with the recorded sha256 is
skipped. A link the store refuses (an expired signature: 403) is signed again from a fresh
manifest of that asset, once for all of its files. A file that cannot be had from its asset's
primary location (unreachable, missing, or other bytes) is fetched from the next of its further
locations (the manifest's ``alternates``), resuming what arrived."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections import defaultdict
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO

import httpx

from catalog.client.errors import refusal
from catalog.client.progress import Credit, TransferProgress
from catalog.errors import CatalogError, Corrupted, Invalid, NotFound

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

    from catalog.client.results import Manifest, ManifestFile

    Renew = Callable[[str], Awaitable[Manifest]]
    """A fresh manifest of one asset's files (by name)."""

CHUNK = 1024 * 1024
"""Bytes read and written at once, per file in flight."""
ATTEMPTS = 3
"""Tries per file when the connection fails; each resumes where the last one stopped."""
PAUSE = 0.5
"""Seconds before the second try, twice that before the third."""
RENEWALS = 2
"""Fresh links per file when the store refuses one."""
OK, PARTIAL, FORBIDDEN = 200, 206, 403


@dataclass(frozen=True, slots=True)
class DownloadSummary:
    """What a download did."""

    files: int
    """Files fetched and put in place."""
    bytes: int
    """Bytes received (of a resumed file, only the rest)."""
    skipped: int
    """Files already in place with the recorded sha256."""
    renewed: int
    """Links signed again: all of an asset's at once, when the store refused one (expired)."""


async def download(
    manifest: Manifest, dest: Path, *, http: httpx.AsyncClient, renew: Renew, parallel: int, quiet: bool
) -> DownloadSummary:
    """Every file of ``manifest`` in place under ``dest``, ``parallel`` at a time."""
    if manifest.truncated:
        raise Invalid(
            f"more files match than one manifest lists ({len(manifest)}): narrow the selection or glob"
        )
    if parallel < 1:
        raise ValueError(f"parallel must be at least 1, not {parallel}")
    with TransferProgress(len(manifest), manifest.total_size, quiet=quiet) as progress:
        transfer = _Transfer(http, renew, dest, progress)
        pending = iter(manifest.files)
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(min(parallel, len(manifest))):
                    group.create_task(transfer.work(pending))
        except ExceptionGroup as failed:  # the first failure stopped the others: it is the news
            raise failed.exceptions[0] from None
    return transfer.summary()


class _Transfer:
    def __init__(self, http: httpx.AsyncClient, renew: Renew, dest: Path, progress: TransferProgress) -> None:
        self._http, self._renew, self._dest, self._progress = http, renew, dest, progress
        self._links: dict[tuple[str, str], tuple[str, ...]] = {}
        """Links signed again, by (asset, path): its URL in each location, in the order to try."""
        self._renewing: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._files = self._bytes = self._skipped = self._renewed = 0

    def summary(self) -> DownloadSummary:
        return DownloadSummary(self._files, self._bytes, self._skipped, self._renewed)

    async def work(self, pending: Iterator[ManifestFile]) -> None:
        """Fetch files from the shared queue until it is empty."""
        for file in pending:
            await self._fetch(file)

    async def _fetch(self, file: ManifestFile) -> None:
        target = _target(self._dest, file)
        if await asyncio.to_thread(_in_place, target, file):
            self._skipped += 1
            self._progress.skipped(file.size)
            return
        part = target.with_name(target.name + ".part")
        await asyncio.to_thread(target.parent.mkdir, parents=True, exist_ok=True)
        progress = Credit(self._progress)
        last = len(file.alternates)
        for location in range(last + 1):
            try:
                if await self._intact_from(file, location, part, progress):
                    break
            except (httpx.TransportError, CatalogError):
                if location == last:
                    raise
        else:
            raise await asyncio.to_thread(_corrupted, file, part)
        await asyncio.to_thread(os.replace, part, target)
        self._files += 1
        self._progress.finished()

    async def _intact_from(self, file: ManifestFile, location: int, part: Path, progress: Credit) -> bool:
        """Whether ``part`` holds the file as recorded once received from one of its locations
        (0: the manifest's URL, then its alternates), resuming what ``part`` holds."""
        resumed = await asyncio.to_thread(_size, part) > 0
        intact = await self._received_intact(file, location, part, progress)
        if not intact and resumed:  # the bytes kept from an earlier run may be what differs
            await asyncio.to_thread(part.unlink)
            intact = await self._received_intact(file, location, part, progress)
        return intact

    async def _received_intact(self, file: ManifestFile, location: int, part: Path, progress: Credit) -> bool:
        """Whether ``part`` holds the file as recorded once received, resuming after a dropped
        connection (its size only, for a file whose sha256 was not recorded)."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                size, sha256 = await self._receive(file, location, part, progress)
                break
            except httpx.TransportError:
                if attempt == ATTEMPTS:
                    raise
                await asyncio.sleep(PAUSE * attempt)
        return size == file.size and file.sha256 in (None, sha256)

    async def _receive(
        self, file: ManifestFile, location: int, part: Path, progress: Credit
    ) -> tuple[int, str]:
        """The rest of the file appended to ``part`` (all of it, if the server ignores the Range):
        the size and sha256 of what ``part`` then holds."""
        offset = await asyncio.to_thread(_size, part)
        offset = offset if offset <= file.size else 0
        digest = await asyncio.to_thread(_sha256_of_first, part, offset)
        progress.at(offset)
        if offset == file.size:
            handle = await asyncio.to_thread(_open_at, part, offset)  # an empty file is made here
            await asyncio.to_thread(handle.close)
            return offset, digest.hexdigest()
        async with self._opened(file, location, offset) as response:
            if offset and response.status_code != PARTIAL:
                digest, offset = hashlib.sha256(), 0
                progress.at(0)
            handle = await asyncio.to_thread(_open_at, part, offset)
            # A chunk is written and hashed in a thread while the next one is read: httpx reads the
            # socket only when asked, so waiting for each write would halve a single file's rate.
            writing: asyncio.Task[None] | None = None
            try:
                async for chunk in response.aiter_bytes(CHUNK):
                    if writing is not None:
                        await writing
                    writing = asyncio.create_task(asyncio.to_thread(_append, handle, digest, chunk))
                    self._bytes += len(chunk)
                    offset += len(chunk)
                    progress.at(offset)
            finally:
                if writing is not None:
                    await asyncio.wait([writing])  # never closed under a write
                await asyncio.to_thread(handle.close)
            if writing is not None:
                writing.result()  # the last write's failure, if it failed
        return offset, digest.hexdigest()

    @asynccontextmanager
    async def _opened(self, file: ManifestFile, location: int, offset: int) -> AsyncIterator[httpx.Response]:
        """The answer to a GET of the file from ``offset`` on, with a fresh link if refused."""
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        for renewal in range(RENEWALS + 1):
            link = self._link(file, location)
            async with self._http.stream("GET", link, headers=headers) as response:
                if response.status_code == FORBIDDEN and renewal < RENEWALS:
                    await response.aread()
                    await self._renewed_link(file, location, link)
                    continue
                if response.status_code not in (OK, PARTIAL):
                    await response.aread()
                    raise refusal(response) or CatalogError(
                        f"HTTP {response.status_code} for {file.asset}/{file.path}"
                    )
                yield response
                return

    def _link(self, file: ManifestFile, location: int) -> str:
        links = self._links.get((file.asset, file.path), (file.url, *file.alternates))
        if location >= len(links):
            raise NotFound(f"{file.asset}/{file.path} is no longer kept in a location {location + 1}")
        return links[location]

    async def _renewed_link(self, file: ManifestFile, location: int, refused: str) -> None:
        """Sign the links of the file's asset again, unless another file of it just did."""
        key = (file.asset, file.path)
        async with self._renewing[file.asset]:
            if key in self._links and self._link(file, location) != refused:
                return
            fresh = await self._renew(file.asset)
            self._links.update(
                {(entry.asset, entry.path): (entry.url, *entry.alternates) for entry in fresh.files}
            )
            self._renewed += len(fresh.files)
        if key not in self._links:
            raise NotFound(f"{file.asset}/{file.path} is no longer in the catalog")


def _target(dest: Path, file: ManifestFile) -> Path:
    """``dest/asset/path``, refused if the server's names would lead anywhere else."""
    relative = PurePosixPath(file.asset, file.path)
    if relative.is_absolute() or ".." in relative.parts or "/" in file.asset or not file.path:
        raise Invalid(f"refusing to write {file.asset}/{file.path}: it does not name a place under {dest}")
    return dest.joinpath(*relative.parts)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _sha256_of_first(path: Path, size: int) -> hashlib._Hash:
    """The sha256 of the first ``size`` bytes of ``path``, to go on hashing from there."""
    digest = hashlib.sha256()
    if size:
        with path.open("rb") as kept:
            while size > 0 and (chunk := kept.read(min(CHUNK, size))):
                digest.update(chunk)
                size -= len(chunk)
    return digest


def _open_at(part: Path, offset: int) -> BinaryIO:
    """``part`` cut to its first ``offset`` bytes, open to append to."""
    handle = part.open("ab")
    handle.truncate(offset)
    return handle


def _append(handle: BinaryIO, digest: hashlib._Hash, chunk: bytes) -> None:
    handle.write(chunk)
    digest.update(chunk)


def _in_place(target: Path, file: ManifestFile) -> bool:
    """Whether ``target`` holds the file as the catalog recorded it (its size, when no sha256 was)."""
    return (
        target.is_file()
        and _size(target) == file.size
        and (file.sha256 is None or _sha256_of_first(target, file.size).hexdigest() == file.sha256)
    )


def _corrupted(file: ManifestFile, part: Path) -> Corrupted:
    """The error for a file whose bytes are not those recorded, its download removed."""
    size = _size(part)
    found = f"{size} bytes, sha256 {_sha256_of_first(part, size).hexdigest()}" if part.exists() else "nothing"
    part.unlink(missing_ok=True)
    return Corrupted(
        f"{file.asset}/{file.path}: received {found}; the catalog recorded {file.size} bytes, "
        f"sha256 {file.sha256}. The download was removed; the stored object needs repair (catalog verify)."
    )
