"""Downloading a manifest's files to ``<dest>/<asset>/<path>``, so that an interrupted or failed
download can simply be run again.

A file is written to ``<path>.part`` a chunk at a time (memory stays at ``parallel`` chunks
whatever the sizes) and moved into place only once its size and sha256 are those the catalog
recorded; a mismatch removes it and raises. A ``.part`` left behind by an interrupted run is
resumed with an HTTP Range request, and a file already in place with the recorded sha256 is
skipped. A link the store refuses (an expired signature: 403) is signed again from a fresh
manifest of that asset, once for all of its files. A file that cannot be had from its asset's
primary location (unreachable, missing, or other bytes) is fetched from the next of its further
locations (the manifest's ``alternates``), resuming what arrived.

A file bigger than ``RANGED_ABOVE`` comes in byte ranges over several connections at once (one
connection is what limits a single big file), each chunk written in place into the ``.part``,
which has the file's full size from the start; the ranges received are recorded next to it
(``catalog.client.ranges``), so a run after an interruption asks only for the rest. Its sha256 is
computed as the bytes from its start arrive, in a thread, and checked before it is moved into
place. A server that ignores the Range (answering 200 with the whole file) sends it in one stream.
All files together keep at most ``parallel`` connections open."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections import defaultdict, deque
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

import httpx

from catalog.client.errors import refusal
from catalog.client.progress import Credit, TransferProgress
from catalog.client.ranges import Received, sidecar
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
RANGED_ABOVE = 64 * 1024 * 1024
"""Files bigger than this (bytes) are fetched in byte ranges over several connections at once;
smaller ones in one stream each (many small files keep the connections busy already)."""
RANGES_PER_FILE = 4
"""Connections one file's ranges use at most (fewer if ``parallel`` is smaller). Each range is one
request: a store that reads the whole object to answer a range (moto) pays for every one."""
SMALLEST_RANGE = 8 * 1024 * 1024
"""Bytes a range holds at least; a file is split into ``RANGES_PER_FILE`` ranges of equal size."""
SAVE_EVERY = 32 * 1024 * 1024
"""Bytes one range receives between two records of what arrived (what an interruption loses)."""
OK, PARTIAL, FORBIDDEN = 200, 206, 403
T = TypeVar("T")


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
        transfer = _Transfer(http, renew, dest, progress, parallel)
        pending = iter(manifest.files)
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(min(parallel, len(manifest))):
                    group.create_task(transfer.work(pending))
        except ExceptionGroup as failed:  # the first failure stopped the others: it is the news
            raise failed.exceptions[0] from None
    return transfer.summary()


class _Transfer:
    def __init__(
        self, http: httpx.AsyncClient, renew: Renew, dest: Path, progress: TransferProgress, parallel: int
    ) -> None:
        self._http, self._renew, self._dest, self._progress = http, renew, dest, progress
        self._connections = asyncio.Semaphore(parallel)
        """Held by every request while its answer is read: ``parallel`` at most, ranges included."""
        self._ranges = min(parallel, RANGES_PER_FILE)
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
        await asyncio.to_thread(sidecar(part).unlink, missing_ok=True)
        self._files += 1
        self._progress.finished()

    async def _intact_from(self, file: ManifestFile, location: int, part: Path, progress: Credit) -> bool:
        """Whether ``part`` holds the file as recorded once received from one of its locations
        (0: the manifest's URL, then its alternates), resuming what ``part`` holds."""
        resumed = await asyncio.to_thread(_size, part) > 0
        intact = await self._received_intact(file, location, part, progress)
        if not intact and resumed:  # the bytes kept from an earlier run may be what differs
            await asyncio.to_thread(_discard, part)
            intact = await self._received_intact(file, location, part, progress)
        return intact

    async def _received_intact(self, file: ManifestFile, location: int, part: Path, progress: Credit) -> bool:
        """Whether ``part`` holds the file as recorded once received, resuming after a dropped
        connection (its size only, for a file whose sha256 was not recorded)."""
        if file.size > RANGED_ABOVE and self._ranges > 1:
            return file.sha256 in (None, await self._receive_ranges(file, location, part, progress))
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
        async with self._opened(file, location, f"bytes={offset}-" if offset else None) as response:
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

    async def _receive_ranges(self, file: ManifestFile, location: int, part: Path, progress: Credit) -> str:
        """The bytes of the file ``part`` lacks written into it, in ranges over several
        connections: the sha256 of what ``part`` then holds."""
        received = await asyncio.to_thread(Received.of, part, file.size, file.sha256)
        progress.at(received.held())
        size = max(SMALLEST_RANGE, -(-file.size // self._ranges))
        fetch = _Ranges(file, location, part, received, progress, deque(received.missing(size)))
        fetch.descriptor = await asyncio.to_thread(_opened_in_full, part, received)
        try:
            async with asyncio.TaskGroup() as group:
                hashing = group.create_task(_hashed_in_order(fetch))
                for helper in range(min(self._ranges, len(fetch.pending))):
                    group.create_task(self._take_ranges(fetch, first=helper == 0))
        except ExceptionGroup as failed:
            raise failed.exceptions[0] from None
        finally:
            if fetch.on_file_now:  # a task cancelled: its thread may still be at the file
                await asyncio.wait(fetch.on_file_now)
            await asyncio.to_thread(_closed_and_recorded, fetch.descriptor, part, received.copy())
        return hashing.result()

    async def _take_ranges(self, fetch: _Ranges, *, first: bool) -> None:
        """Fetch ranges of the file from the shared queue until it is empty; only the first taker
        starts at once, the others once the server answered it with a range."""
        if not first:
            await fetch.ranged.wait()
        while fetch.pending:
            await self._range(fetch, *fetch.pending.popleft())

    async def _range(self, fetch: _Ranges, start: int, end: int) -> None:
        """Bytes ``start..end`` (end exclusive) in place, resuming after a dropped connection."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                await self._receive_range(fetch, start, fetch.file.size if fetch.whole else end)
                return
            except httpx.TransportError:
                if attempt == ATTEMPTS:
                    raise
                await asyncio.sleep(PAUSE * attempt)

    async def _receive_range(self, fetch: _Ranges, start: int, end: int) -> None:
        position = fetch.received.through(start)
        if position >= end:
            return
        async with self._opened(fetch.file, fetch.location, f"bytes={position}-{end - 1}") as response:
            if response.status_code == OK:  # the server ignores ranges: here comes all of the file
                fetch.whole, position, end = True, 0, fetch.file.size
                fetch.pending.clear()
            elif not response.headers.get("content-range", "").startswith(f"bytes {position}-"):
                raise CatalogError(f"{_name(fetch.file)}: the server sent other bytes than asked")
            fetch.ranged.set()
            unsaved = 0
            async for chunk in response.aiter_bytes(CHUNK):
                if position + len(chunk) > end:
                    raise CatalogError(f"{_name(fetch.file)}: the server sent more bytes than asked")
                await fetch.on_file(os.pwrite, fetch.descriptor, chunk, position)
                fetch.arrived(position, len(chunk))
                self._bytes += len(chunk)
                position += len(chunk)
                unsaved += len(chunk)
                if unsaved >= SAVE_EVERY:
                    await fetch.save()
                    unsaved = 0
        if position < end:
            raise CatalogError(f"{_name(fetch.file)}: the server sent fewer bytes than asked")
        await fetch.save()

    @asynccontextmanager
    async def _opened(
        self, file: ManifestFile, location: int, span: str | None
    ) -> AsyncIterator[httpx.Response]:
        """The answer to a GET of the file (of ``span``: a Range header's value), with a fresh link
        if refused; one of the download's ``parallel`` connections is held until it is read."""
        headers = {"Range": span} if span else {}
        async with self._connections:
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
                            f"HTTP {response.status_code} for {_name(file)}"
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


class _Ranges:
    """One file being fetched in ranges: what is still to ask for, what arrived, and who waits."""

    def __init__(
        self,
        file: ManifestFile,
        location: int,
        part: Path,
        received: Received,
        progress: Credit,
        pending: deque[tuple[int, int]],
    ) -> None:
        self.file, self.location, self.part, self.received = file, location, part, received
        self.progress, self.pending = progress, pending
        self.descriptor = -1
        """``part``, open to write at any position."""
        self.ranged = asyncio.Event()
        """The server answered a range: the other connections may start."""
        self.whole = False
        """The server ignored a Range and sent all of the file: it needs no other request."""
        self.grown = asyncio.Event()
        """More bytes arrived since the hash last looked."""
        self._saving = asyncio.Lock()
        self.on_file_now: set[asyncio.Future[Any]] = set()
        """Writes and reads of ``part`` in threads: all done before it is closed."""

    async def on_file(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in a thread, finished even if the task waiting for it is cancelled."""
        done = asyncio.ensure_future(asyncio.to_thread(work, *args))
        self.on_file_now.add(done)
        done.add_done_callback(self.on_file_now.discard)
        return await asyncio.shield(done)

    def arrived(self, position: int, size: int) -> None:
        self.received.add(position, position + size)
        self.progress.at(self.received.held())
        self.grown.set()

    async def save(self) -> None:
        """Record what arrived next to the ``.part`` (one record at a time, in a thread, finished
        before the last record is written even if this task is cancelled)."""
        async with self._saving:
            await self.on_file(self.received.copy().save, self.part)


async def _hashed_in_order(fetch: _Ranges) -> str:
    """The sha256 of the file, computed from its start as far as its bytes arrived, waiting for
    more until all have."""
    digest, hashed = hashlib.sha256(), 0
    while hashed < fetch.file.size:
        ready = fetch.received.prefix()
        if ready == hashed:
            fetch.grown.clear()
            await fetch.grown.wait()
            continue
        upto = min(ready, hashed + 16 * CHUNK)
        await fetch.on_file(_hash_span, fetch.descriptor, digest, hashed, upto)
        hashed = upto
    return digest.hexdigest()


def _hash_span(descriptor: int, digest: hashlib._Hash, start: int, end: int) -> None:
    while start < end:
        chunk = os.pread(descriptor, min(CHUNK, end - start), start)
        if not chunk:
            raise CatalogError("the download's .part file was cut short while it was written")
        digest.update(chunk)
        start += len(chunk)


def _opened_in_full(part: Path, received: Received) -> int:
    """``part`` open to write anywhere, with the file's full size: what it holds recorded first,
    so that a ``.part`` of full size is never taken for one written from its start."""
    received.copy().save(part)
    descriptor = os.open(part, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if os.fstat(descriptor).st_size != received.size:
            os.ftruncate(descriptor, received.size)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor


def _closed_and_recorded(descriptor: int, part: Path, received: Received) -> None:
    os.close(descriptor)
    received.save(part)


def _discard(part: Path) -> None:
    """Remove a download's ``.part`` and the record of its ranges."""
    part.unlink(missing_ok=True)
    sidecar(part).unlink(missing_ok=True)


def _name(file: ManifestFile) -> str:
    return f"{file.asset}/{file.path}"


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
    _discard(part)
    return Corrupted(
        f"{file.asset}/{file.path}: received {found}; the catalog recorded {file.size} bytes, "
        f"sha256 {file.sha256}. The download was removed; the stored object needs repair (catalog verify)."
    )
