"""``GET /manifest`` streamed over real HTTP (uvicorn), a small batch at a time: its first lines
leave before its last batch is read, the whole stream is the manifest read at once in every
format, a client that leaves stops the reads, and a failure after the first byte leaves a body
that no client takes for a complete manifest."""

from __future__ import annotations

import json
import re
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from conftest import serving
from servers import free_port
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from catalog.db.engine import Database
from catalog.repo import assets, files
from catalog.services import manifests
from catalog.storage.registry import StoreRegistry

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

BATCH = 50
MANY = 5000
"""Files added to one asset: a hundred batches."""
BATCH_READ = re.compile(r"SELECT assets\.name, assets\.store_url, files\.path, files\.size\b")
FORMATS = ("tsv", "json", "aria2")
_SIGNATURE = re.compile(r"expires=[0-9]+&signature=[0-9a-f]+")


@pytest.fixture
async def streaming(migrated_database_url: str, tmp_path: Path, fixtures_dir: Path) -> AsyncIterator[Any]:
    """A catalog of two records and ``MANY`` more files, streaming manifests ``BATCH`` files at a time."""
    port = free_port()
    settings = serving.local_settings(migrated_database_url, tmp_path, port).model_copy(
        update={"manifest_batch": BATCH, "request_timeout": 2.0}
    )
    sources = await serving.ingest_records(settings, tmp_path / "src", fixtures_dir, serving.RECORDS[:2])
    await add_files(settings.database_url, serving.RECORDS[0], MANY)
    with serving.served(settings, port, sources) as running:
        yield running


async def add_files(url: str, asset_name: str, count: int) -> None:
    db = Database(url)
    try:
        async with db.transaction() as session:
            asset = await assets.by_name(session, asset_name)
            assert asset is not None
            rows = [
                {"asset_id": asset.id, "path": f"many/{i:05d}.bin", "size": i, "sha256": None}
                for i in range(count)
            ]
            await files.add(session, [dict(row, key=f"{asset_name}/{row['path']}") for row in rows])
    finally:
        await db.dispose()


@contextmanager
def batch_reads() -> Iterator[list[float]]:
    """When each batch of a manifest was read, by any engine of this process (the server's
    runs in a thread of it)."""
    seen: list[float] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if BATCH_READ.match(statement.lstrip()):
            seen.append(time.monotonic())

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def opened(client: httpx.Client, url: str, **params: str) -> Any:
    return client.stream("GET", f"{url}/manifest", params=params, timeout=30)


def lines(body: bytes) -> list[str]:
    return [line for line in body.decode().splitlines() if not line.startswith("#")]


def test_the_first_lines_leave_before_the_last_batch_is_read(streaming: Any) -> None:
    with batch_reads() as reads, opened(streaming.client, streaming.url) as response:
        chunks = response.iter_raw()
        first = next(chunks)
        read_before_the_first_byte = len(reads)
        rest = b"".join(chunks)

    listed = lines(first + rest)
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    assert "x-manifest-truncated" not in response.headers, "not known before the last batch"
    assert len(listed) > MANY
    batches = len(listed) // BATCH + 1  # the last one short, which ends the stream
    assert batches <= len(reads) <= batches + 1, (
        "each batch read once (the one moving on to the next asset twice)"
    )
    assert read_before_the_first_byte < len(reads) / 2


def test_a_streamed_manifest_is_the_manifest_read_at_once(streaming: Any) -> None:
    """Against the same catalog served with a batch larger than the manifest (signed whole before
    its first byte, as before streaming): the same bytes but for when each URL was signed."""
    port = free_port()
    whole = streaming.settings.model_copy(update={"manifest_batch": 100_000})
    with serving.served(whole, port) as at_once:
        for name in FORMATS:
            with batch_reads() as reads:
                streamed = streaming.client.get(f"{streaming.url}/manifest", params={"format": name})
            read = at_once.client.get(f"{at_once.url}/manifest", params={"format": name})

            assert (streamed.status_code, read.status_code) == (200, 200)
            assert len(reads) > MANY // BATCH
            assert _SIGNATURE.sub("…", streamed.text) == _SIGNATURE.sub("…", read.text), name
            assert streamed.headers["content-type"] == read.headers["content-type"]


def test_a_client_that_leaves_stops_the_reads(streaming: Any) -> None:
    with batch_reads() as reads:
        with opened(streaming.client, streaming.url, format="json") as response:
            next(response.iter_raw())
        settled = _settled(reads)

    assert settled < (MANY // BATCH) / 2, f"{settled} batches read for a client that left"


def _read_into(received: bytearray, chunks: Iterator[bytes]) -> None:
    """Every chunk that arrives, kept in ``received`` (a transfer cut short fails after the last)."""
    for chunk in chunks:
        received.extend(chunk)


def _settled(reads: list[float], quiet: float = 0.5, within: float = 10.0) -> int:
    """The number of batches read once no more have been for ``quiet`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        time.sleep(quiet / 5)
        if not reads or time.monotonic() - reads[-1] > quiet:
            return len(reads)
    raise AssertionError("batches are still being read")


@pytest.mark.parametrize("migrated_database_url", ["postgresql"], indirect=True)
async def test_a_failure_after_the_first_byte_leaves_an_incomplete_body(streaming: Any) -> None:
    """PostgreSQL: a lock taken by another session once the first lines arrived makes the next
    batch wait past the budget (SQLite's readers never wait for a writer: it has no such case).
    The status was sent long before; the TSV ends with a line saying why, the JSON array stays
    open, and HTTP's last chunk never comes, so the client reports an incomplete transfer."""
    engine = Database(streaming.settings.database_url).engine
    try:
        for name in ("tsv", "json"):
            received = bytearray()
            async with engine.connect() as locker:
                with opened(streaming.client, streaming.url, format=name) as response:
                    chunks = response.iter_raw()
                    received += next(chunks)
                    await locker.execute(text("LOCK TABLE files IN ACCESS EXCLUSIVE MODE"))
                    with pytest.raises(httpx.RemoteProtocolError):
                        _read_into(received, chunks)
                await locker.rollback()

            assert response.status_code == 200
            assert len(lines(received)) < MANY
            if name == "tsv":
                assert (
                    received.decode().splitlines()[-1].startswith("# incomplete: TIMEOUT: the request took")
                )
            else:
                assert not received.rstrip().endswith(b"]")
                with pytest.raises(json.JSONDecodeError):
                    json.loads(received)
    finally:
        await engine.dispose()


async def test_batches_of_any_size_list_the_first_files_and_truncate_at_the_limit(streaming: Any) -> None:
    """(limit, batch): a limit within the first batch, at a batch's end, and past every file."""
    db, stores = Database(streaming.settings.database_url), StoreRegistry(streaming.settings)
    try:
        everything, _, _ = await manifests.manifest(db, stores, None, path_glob=None, expires_in=60)
        for limit, batch in [(100, 1), (100, 7), (100, 50), (100, 101), (2 * MANY, 50), (2 * MANY, 999)]:
            stream = await manifests.open_manifest(
                db, stores, None, path_glob=None, expires_in=60, limit=limit, batch=batch
            )
            listed = [entry async for part in stream.batches() for entry in part]

            expected = everything[:limit]
            assert [(e.asset, e.path, e.size) for e in listed] == [
                (e.asset, e.path, e.size) for e in expected
            ]
            assert (stream.truncated, stream.listed) == (limit < len(everything), len(expected)), (
                limit,
                batch,
            )
    finally:
        await stores.close()
        await db.dispose()
