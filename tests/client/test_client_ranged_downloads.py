"""A file above the client's threshold comes in byte ranges over several connections, from a local
folder and from S3: intact, its sha256 checked, resumed after an interruption without asking
again for the ranges that arrived, refused when corrupted, its expired links signed again once,
from a server that ignores Range in one stream, and never over more connections than asked."""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx
import pytest
from conftest import DOWNLOADED, asset_files, corrupt, mirrored
from servers import UvicornServer
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route

from catalog.client import AsyncCatalog, Catalog, Corrupted, Manifest, ManifestFile, transfers
from catalog.client.ranges import Received, sidecar

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from conftest import Served
    from starlette.requests import Request

BIG = "data/raw.bin"
"""The file above the threshold the tests set (1.5 MB); the asset's others stay below it."""
SIZE = len(asset_files(DOWNLOADED[0])[BIG])
RANGE = SIZE // transfers.RANGES_PER_FILE + 1
"""Bytes of each of the big file's ranges."""


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files above 100 kB come in ranges (of at least 64 KiB)."""
    monkeypatch.setattr(transfers, "RANGED_ABOVE", 100_000)
    monkeypatch.setattr(transfers, "SMALLEST_RANGE", 64 * 1024)
    monkeypatch.setattr(transfers, "SAVE_EVERY", 256 * 1024)


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "downloads"


def ranges_asked(served: Served) -> list[str | None]:
    """The Range headers of the GETs of the big file the catalog's ``/files`` route served."""
    return [r.range for r in served.requests if r.method == "GET" and r.path.endswith("/data/raw.bin")]


def span(header: str | None) -> tuple[int, int]:
    """The bytes a ``bytes=a-b`` header asks for, end exclusive."""
    assert header is not None
    first, last = header.removeprefix("bytes=").split("-")
    return int(first), int(last) + 1


def test_a_big_file_comes_intact_in_several_ranges(signing: Served, dest: Path) -> None:
    content = asset_files(DOWNLOADED[0])[BIG]

    with Catalog(signing.url) as cat:
        summary = cat.download(DOWNLOADED[0], dest, include=BIG, quiet=True)

    assert (dest / DOWNLOADED[0] / BIG).read_bytes() == content
    assert (summary.files, summary.bytes) == (1, SIZE)
    assert [found.name for found in (dest / DOWNLOADED[0] / "data").iterdir()] == ["raw.bin"]
    if signing.settings.storage_url.startswith("file:"):  # the catalog serves the bytes itself
        asked = sorted(map(span, ranges_asked(signing)))
        assert len(asked) == transfers.RANGES_PER_FILE
        assert asked == [(start, min(start + RANGE, SIZE)) for start in range(0, SIZE, RANGE)]


def test_an_interrupted_ranged_download_asks_only_for_the_ranges_missing(
    local_files: Served, dest: Path
) -> None:
    """An earlier run left the second range and half of the fourth in place (the rest of its
    ``.part`` is garbage): only the rest is asked for."""
    content = asset_files(DOWNLOADED[0])[BIG]
    part = dest / DOWNLOADED[0] / f"{BIG}.part"
    part.parent.mkdir(parents=True)
    kept = [(RANGE, 2 * RANGE), (3 * RANGE, 3 * RANGE + RANGE // 2)]
    left = bytearray(b"x" * SIZE)
    for start, end in kept:
        left[start:end] = content[start:end]
    part.write_bytes(left)
    with Catalog(local_files.url) as cat:
        (file,) = cat.manifest(DOWNLOADED[0], include=BIG).files
        Received(SIZE, file.sha256, kept).save(part)

        summary = cat.download(DOWNLOADED[0], dest, include=BIG, quiet=True)

    assert (dest / DOWNLOADED[0] / BIG).read_bytes() == content
    assert not part.exists()
    assert not sidecar(part).exists()
    assert summary.bytes == SIZE - sum(end - start for start, end in kept)
    assert sorted(map(span, ranges_asked(local_files))) == [
        (0, RANGE),
        (2 * RANGE, 3 * RANGE),
        (3 * RANGE + RANGE // 2, SIZE),
    ]


def test_a_part_file_of_a_run_in_one_stream_is_resumed_in_ranges(with_files: Served, dest: Path) -> None:
    content = asset_files(DOWNLOADED[0])[BIG]
    part = dest / DOWNLOADED[0] / f"{BIG}.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(content[:1_000_000])

    with Catalog(with_files.url) as cat:
        summary = cat.download(DOWNLOADED[0], dest, include=BIG, quiet=True)

    assert (dest / DOWNLOADED[0] / BIG).read_bytes() == content
    assert summary.bytes == SIZE - 1_000_000
    if with_files.settings.storage_url.startswith("file:"):
        assert min(start for start, _ in map(span, ranges_asked(with_files))) == 1_000_000


async def test_a_cancelled_ranged_download_keeps_what_arrived_for_the_next_run(
    local_files: Served, dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run cancelled while its ranges arrive records them; the next run asks for none of them
    again, and receives exactly the bytes missing."""
    monkeypatch.setattr(transfers, "CHUNK", 16 * 1024)  # many small writes: time to cancel in
    monkeypatch.setattr(transfers, "SAVE_EVERY", 32 * 1024)
    content = asset_files(DOWNLOADED[0])[BIG]
    part = dest / DOWNLOADED[0] / f"{BIG}.part"
    async with AsyncCatalog(local_files.url) as cat:
        (file,) = (await cat.manifest(DOWNLOADED[0], include=BIG)).files
        running = asyncio.create_task(cat.download(DOWNLOADED[0], dest, include=BIG, quiet=True))
        while Received.of(part, SIZE, file.sha256).held() == 0:  # noqa: ASYNC110 (a file to watch)
            await asyncio.sleep(0.001)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        kept = Received.of(part, SIZE, file.sha256)
        local_files.requests.clear()

        summary = await cat.download(DOWNLOADED[0], dest, include=BIG, quiet=True)

    assert (dest / DOWNLOADED[0] / BIG).read_bytes() == content
    assert 0 < kept.held() < SIZE
    assert summary.bytes == SIZE - kept.held()
    for start, end in map(span, ranges_asked(local_files)):
        assert all(end <= held_start or start >= held_end for held_start, held_end in kept.spans)


async def test_a_corrupted_big_object_is_refused_and_not_left_in_place(
    with_files: Served, dest: Path
) -> None:
    await corrupt(with_files, DOWNLOADED[0], BIG)

    with Catalog(with_files.url) as cat, pytest.raises(Corrupted) as refused:
        cat.download(DOWNLOADED[0], dest, include=BIG, quiet=True)

    assert refused.value.code == "INTEGRITY_ERROR"
    assert [found for found in dest.rglob("*") if found.is_file()] == []


@pytest.mark.parametrize("failure", ["lost", "corrupted"])
async def test_a_big_file_the_primary_location_fails_to_give_comes_in_ranges_from_the_next(
    local_files: Served, dest: Path, tmp_path: Path, failure: str
) -> None:
    name = DOWNLOADED[0]
    primary = await mirrored(local_files, name, tmp_path / "mirror") / BIG
    if failure == "lost":
        primary.unlink()
    else:
        primary.write_bytes(bytes(reversed(primary.read_bytes())))

    async with AsyncCatalog(local_files.url) as cat:
        summary = await cat.download(name, dest, include=BIG, quiet=True)

    assert (dest / name / BIG).read_bytes() == asset_files(name)[BIG]
    assert summary.files == 1
    asked = ranges_asked(local_files)  # the primary refuses the first (lost) or sends all (corrupted)
    assert len(asked) == (1 if failure == "lost" else transfers.RANGES_PER_FILE) + transfers.RANGES_PER_FILE
    assert None not in asked


def test_expired_links_of_a_ranged_download_are_signed_again_once(expiring: Served, dest: Path) -> None:
    """The links expire while a ranged download is interrupted: every range of the run that
    resumes it is refused at once, and the asset's links are signed again once."""
    content = asset_files(DOWNLOADED[0])[BIG]
    part = dest / DOWNLOADED[0] / f"{BIG}.part"
    part.parent.mkdir(parents=True)

    with Catalog(expiring.url) as cat:
        manifest = cat.manifest(DOWNLOADED[0], expires_in=1)
        big = next(file for file in manifest.files if file.path == BIG)
        part.write_bytes(content[:RANGE] + b"x" * (SIZE - RANGE))
        Received(SIZE, big.sha256, [(0, RANGE)]).save(part)
        while datetime.now(UTC) < manifest.expires_at:
            time.sleep(0.2)
        time.sleep(1.1)
        assert httpx.get(big.url).status_code == 403
        summary = cat.download(manifest, dest, parallel=8, quiet=True)

    assert (dest / DOWNLOADED[0] / BIG).read_bytes() == content
    assert summary.renewed == len(manifest)
    assert summary.bytes == manifest.total_size - RANGE


class Files:
    """A server of some files (path → bytes), honouring a single Range or ignoring it; it notes
    the Range of each request and how many it answered at once at most."""

    def __init__(self, files: dict[str, bytes], *, ranges: bool, drop_first_after: int | None = None) -> None:
        """``drop_first_after``: bytes after which the first answer's connection is dropped."""
        self.files, self.ranges, self.drop_after = files, ranges, drop_first_after
        self.asked: list[str | None] = []
        self.active = self.most = 0
        self.app = Starlette(routes=[Route("/{name:path}", self.endpoint)])

    async def endpoint(self, request: Request) -> StreamingResponse:
        content, header = self.files[request.path_params["name"]], request.headers.get("range")
        self.asked.append(header)
        start, end = span(header) if header and self.ranges else (0, len(content))
        headers = {"Content-Length": str(end - start)}
        if header and self.ranges:
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(content)}"
        status = 206 if "Content-Range" in headers else 200
        return StreamingResponse(self.body(content[start:end]), status, headers)

    async def body(self, content: bytes) -> AsyncIterator[bytes]:
        self.active += 1
        self.most = max(self.most, self.active)
        drop, self.drop_after = self.drop_after, None
        try:
            for at in range(0, len(content), 64 * 1024):
                await asyncio.sleep(0.005)
                if drop is not None and at >= drop:
                    raise ConnectionAbortedError("dropped on purpose")
                yield content[at : at + 64 * 1024]
        finally:
            self.active -= 1


class CountedProgress(transfers.TransferProgress):
    """The download's progress bar, noting the bytes it was credited in all (back and forth)."""

    credited = 0

    def advance(self, size: int) -> None:
        CountedProgress.credited += size
        super().advance(size)


async def download_from(server: Files, dest: Path, parallel: int) -> int:
    """Download the server's files (as ``asset/<path>``) with ``parallel`` connections: the bytes
    received."""
    manifest = Manifest(
        [
            ManifestFile("asset", path, len(content), hashlib.sha256(content).hexdigest(), f"/{path}")
            for path, content in server.files.items()
        ],
        datetime.now(UTC),
        truncated=False,
    )

    async def renew(asset: str) -> Manifest:
        raise AssertionError(f"no link of {asset} expires here")

    with UvicornServer(server.app) as served:
        async with httpx.AsyncClient(base_url=served.base_url) as http:
            summary = await transfers.download(
                manifest, dest, http=http, renew=renew, parallel=parallel, quiet=True
            )
    return summary.bytes


def downloaded(dest: Path, server: Files) -> dict[str, bytes]:
    return {path: (dest / "asset" / path).read_bytes() for path in server.files}


async def test_a_server_that_ignores_range_sends_a_big_file_in_one_stream(dest: Path) -> None:
    server = Files({"big.bin": random.Random(7).randbytes(1_000_000)}, ranges=False)

    received = await download_from(server, dest, parallel=4)

    assert downloaded(dest, server) == server.files
    assert received == 1_000_000
    assert len(server.asked) == 1


async def test_ranges_and_other_files_share_the_connections_asked_for(dest: Path) -> None:
    """One big file (four ranges) and three small ones, two connections: never more at once."""
    big = random.Random(8).randbytes(1_000_000)
    server = Files({"big.bin": big, **{f"small/{n}.bin": big[n::20] for n in range(3)}}, ranges=True)

    received = await download_from(server, dest, parallel=2)

    assert downloaded(dest, server) == server.files
    assert received == sum(map(len, server.files.values()))
    assert server.most == 2
    assert sum(header is not None for header in server.asked) == 2  # min(parallel, RANGES_PER_FILE)


async def test_a_range_whose_connection_drops_is_resumed_where_it_stopped(
    dest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first range's connection drops after 128 KiB: it is asked again from there, no byte is
    received twice, and the progress bar ends at the file's size."""
    monkeypatch.setattr(transfers, "CHUNK", 16 * 1024)  # what arrived is written before the drop
    monkeypatch.setattr(transfers, "TransferProgress", CountedProgress)
    monkeypatch.setattr(CountedProgress, "credited", 0)
    content = random.Random(9).randbytes(1_000_000)
    server = Files({"big.bin": content}, ranges=True, drop_first_after=128 * 1024)

    received = await download_from(server, dest, parallel=4)

    assert downloaded(dest, server) == server.files
    assert received == len(content)
    assert CountedProgress.credited == len(content)
    assert sorted(map(span, server.asked)) == [
        (0, 250_000),
        (128 * 1024, 250_000),
        (250_000, 500_000),
        (500_000, 750_000),
        (750_000, 1_000_000),
    ]
