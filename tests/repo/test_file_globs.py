"""Files by pathGlob: the answers are the regex's on the real paths, and a glob's literal
prefix is searched through the (asset_id, path) index instead of reading every file."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from factories import write_asset
from sqlalchemy import select, text

from catalog.conventions.globs import compile_glob, glob_prefix
from catalog.db.models import File
from catalog.repo import assets, files
from catalog.services.ingest import FolderIngest

if TYPE_CHECKING:
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.local import LocalStore

NAME = "SmartSPIM_693124_2023-09-15_11-32-56"
PATHS = [
    *(f"x.ome.zarr/0/0/0/{z}/{y}/{x}" for z in range(3) for y in range(4) for x in range(5)),
    "x.ome.zarr/.zattrs",
    "x.ome.zarr/0/.zarray",
    "x.ome.zarr0/stray",
    "x.ome.zarr-b/a",
    "x.ome.zarrb/a",
    "x.ome.zar/a",
    "X.ome.zarr/0/a",
    "a/b/c.nwb",
    "a-b/c.nwb",
    "a0/c.nwb",
    "a.b/c.nwb",
    "é/ü.txt",
    "éa/x.txt",
    "[x]/y",
    "top.nwb",
]
GLOBS = [
    "x.ome.zarr/**",
    "x.ome.zarr/",
    "x.ome.zarr/0/0/0/1/*/*",
    "x.ome.zarr/0/0/0/1/2/3",
    "x.ome.zarr/0/0/0/[12]/?/4",
    "/x.ome.zarr/0/**/.zarray",
    "x.ome.zarr*/**",
    "a/**",
    "a*/c.nwb",
    "é/*",
    "[x]/y",
    "*.nwb",
    "**/2",
    "nothing/here/**",
]


@pytest.fixture
async def asset_id(db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path) -> int:
    folder = write_asset(tmp_path / "src", NAME, files={path: path.encode() for path in PATHS})
    await FolderIngest(db, local_store, vocabulary)(folder)
    async with db.reader() as session:
        asset = await assets.by_name(session, NAME)
    assert asset is not None
    return asset.id


async def test_listing_by_glob_answers_what_the_glob_matches_among_the_real_paths(
    db: Database, asset_id: int, subtests: pytest.Subtests
) -> None:
    for glob in GLOBS:
        with subtests.test(glob=glob):
            compiled = compile_glob(glob)
            expected = sorted(path for path in PATHS if re.search(compiled.regex, path))
            assert all(path.startswith(compiled.prefix) for path in expected)
            async with db.reader() as session:
                page = await files.page_by_asset(session, db.dialect, [asset_id], 1000, None, compiled)
                listed = await files.held_by(session, db.dialect, [asset_id], compiled, 1000)
            assert [row.path for row in page.get(asset_id, [])] == expected
            assert [row.path for row in listed] == expected


def test_a_glob_prefix_is_its_literal_start_anchored_at_the_top() -> None:
    assert glob_prefix("x.ome.zarr/0/1/*") == "x.ome.zarr/0/1/"
    assert glob_prefix("/a/b?") == "a/b"
    assert glob_prefix("a/[bc]/d") == "a/"
    assert glob_prefix("*.nwb") == ""
    assert glob_prefix("x.ome.zarr") == "", "a name without / is found in any folder"


async def test_a_glob_prefix_is_searched_through_the_path_index(db: Database, asset_id: int) -> None:
    query = select(File.id).where(
        File.asset_id == asset_id, files.matches_glob(db.dialect, compile_glob("x.ome.zarr/0/0/0/1/**"))
    )
    async with db.reader() as session:
        if db.dialect.name == "sqlite":
            compiled = query.compile(session.bind, compile_kwargs={"literal_binds": True})
            plan = " ".join(row[-1] for row in await session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert re.search(
                r"SEARCH files USING (COVERING )?INDEX \S+ \(asset_id=\? AND path>\? AND path<\?\)", plan
            ), plan
        else:
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            compiled = query.compile(session.bind, compile_kwargs={"literal_binds": True})
            plan = "\n".join(row[0] for row in await session.execute(text(f"EXPLAIN {compiled}")))
            assert "ix_files_path_binary" in plan, plan
            assert re.search(r"Index Cond: .*path.*>=.*path.*<", plan), plan
