"""A manifest finds its assets once and then reads their files by id, a batch at a time. Over a
generated catalog (assets holding different numbers of files), on each backend, every batch size,
a filter, a glob and a limit list exactly what one statement over files and assets lists, in
order; and the filter is evaluated once per ``HOLDERS_AT_ONCE`` assets, whatever the batch size."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from servers import run_coroutine
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from catalog.config import Settings
from catalog.conventions.globs import compile_glob
from catalog.db.engine import Database
from catalog.schemas.filters import AssetFilter
from catalog.services import manifests
from catalog.storage.registry import StoreRegistry

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import generate

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

ASSETS, FILES = 120, 1500
HOLDERS = 7
"""Assets read from the filter at a time in these tests, so that a manifest reads many chunks."""
HOLDERS_READ = re.compile(r"SELECT assets\.id, assets\.name, assets\.file_count\b")
EVERY_FILE = """SELECT assets.name, files.path FROM files JOIN assets ON assets.id = files.asset_id
  WHERE assets.state = 'ready' {where} ORDER BY assets.name, files.path"""


@pytest.fixture(scope="module")
def generated(module_migrated_database_url: str) -> generate.Catalog:
    made: list[generate.Catalog] = []

    async def load() -> None:
        catalog, loaded = await generate.generate_async(module_migrated_database_url, ASSETS, FILES, seed=5)
        assert (loaded.assets, loaded.files) == (ASSETS, FILES)
        made.append(catalog)

    run_coroutine(load())
    return made[0]


@pytest.fixture
async def served(
    module_migrated_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Database, StoreRegistry]]:
    monkeypatch.setattr(manifests, "HOLDERS_AT_ONCE", HOLDERS)
    db = Database(module_migrated_database_url)
    stores = StoreRegistry(Settings(database_url=module_migrated_database_url, storage_url=tmp_path.as_uri()))
    yield db, stores
    await stores.close()
    await db.dispose()


async def every_file(db: Database, where: str = "", **parameters: Any) -> list[tuple[str, str]]:
    """The oracle: one plain statement over files and assets, in the manifest's order."""
    async with db.reader() as session:
        rows = await session.execute(text(EVERY_FILE.format(where=where)), parameters)
        return [(name, path) for name, path in rows]


async def listed(
    db: Database,
    stores: StoreRegistry,
    spec: AssetFilter | None,
    *,
    glob: str | None = None,
    limit: int,
    batch: int,
) -> tuple[list[tuple[str, str]], manifests.ManifestStream]:
    stream = await manifests.open_manifest(
        db, stores, spec, path_glob=glob, expires_in=60, limit=limit, batch=batch
    )
    entries = [(entry.asset, entry.path) async for part in stream.batches() for entry in part]
    return entries, stream


@pytest.fixture
def holder_reads() -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if HOLDERS_READ.match(statement.lstrip()):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


@pytest.mark.parametrize("batch", [1, 7, 50, 333, 100_001])
async def test_every_batch_size_lists_every_file_in_order_and_reads_the_filter_once_per_chunk(
    generated: generate.Catalog,
    served: tuple[Database, StoreRegistry],
    holder_reads: list[str],
    batch: int,
) -> None:
    db, stores = served
    expected = await every_file(db)

    entries, stream = await listed(db, stores, None, limit=100_000, batch=batch)

    assert len(expected) == FILES
    assert entries == expected
    assert (stream.listed, stream.truncated) == (FILES, False)
    assert len(holder_reads) == ASSETS // HOLDERS + 1, "each asset read from the filter once"


async def test_a_filter_and_a_glob_list_what_they_select(
    generated: generate.Catalog, served: tuple[Database, StoreRegistry]
) -> None:
    db, stores = served
    async with db.reader() as session:
        common = "SELECT project FROM assets GROUP BY project ORDER BY count(*) DESC, project LIMIT 1"
        project = (await session.execute(text(common))).scalar_one()
    glob = "*.json"
    matches = re.compile(compile_glob(glob).regex)
    expected = [
        (name, path)
        for name, path in await every_file(db, "AND assets.project = :project", project=project)
        if matches.fullmatch(path)
    ]

    for batch in (1, 4, 1000):
        entries, _ = await listed(
            db, stores, AssetFilter(project=project), glob=glob, limit=100_000, batch=batch
        )
        assert entries == expected
    assert len({name for name, _ in expected}) > HOLDERS, "the filter's assets span several chunks"


@pytest.mark.parametrize(("first", "batch"), [(100, 1000), (1, 7), (1000, 100)])
async def test_a_small_first_batch_leaves_early_and_the_rest_follows(
    generated: generate.Catalog, served: tuple[Database, StoreRegistry], first: int, batch: int
) -> None:
    db, stores = served
    expected = await every_file(db)
    stream = await manifests.open_manifest(
        db, stores, None, path_glob=None, expires_in=60, batch=batch, first=first
    )

    assert len(stream.prefetched) == min(first, batch), "read before the first byte"
    assert [(e.asset, e.path) async for part in stream.batches() for e in part] == expected


@pytest.mark.parametrize(("limit", "batch"), [(1, 1), (100, 7), (100, 100), (FILES - 1, 50), (FILES, 50)])
async def test_a_limit_lists_the_first_files_and_says_when_more_matched(
    generated: generate.Catalog, served: tuple[Database, StoreRegistry], limit: int, batch: int
) -> None:
    db, stores = served
    expected = await every_file(db)

    entries, stream = await listed(db, stores, None, limit=limit, batch=batch)

    assert entries == expected[:limit]
    assert (stream.listed, stream.truncated) == (limit, limit < FILES)
