"""Kept answers, over real HTTP on both dialects: a server keeps the answers of facets and
aggregates while the data's generation stands, and answers afresh once any write has committed
(through this server or not: the generation is read from the database); viewers who may see
different assets never share a kept answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from conftest import RECORDS, Catalog, ingest_records, local_settings, served
from servers import free_port
from sqlalchemy import text

from catalog.db import generation
from catalog.db.engine import Database
from catalog.services import rules, tokens

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

FACETS = "{ facets(fields: [PROJECT]) { field values { value count } } }"
AGGREGATE = "{ aggregate(groupBy: [{field: PROJECT}], measures: [{op: COUNT, field: ASSET}]) { rows { keys values } } }"
HIDDEN = RECORDS[2]


def answered(
    catalog: Catalog, headers: dict[str, str] | None = None
) -> tuple[dict[Any, int], dict[Any, int]]:
    """(facet counts, aggregate counts) per project, as the served catalog answers them now."""

    def ask(query: str) -> dict[str, Any]:
        response = catalog.client.post(f"{catalog.url}/graphql", json={"query": query}, headers=headers or {})
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    facets = {v["value"]: v["count"] for v in ask(FACETS)["facets"][0]["values"]}
    rows = {row["keys"][0]: int(row["values"][0]) for row in ask(AGGREGATE)["aggregate"]["rows"]}
    return facets, rows


async def rename_projects_behind_the_catalogs_back(url: str) -> None:
    """A change that no catalog write made (it moves no generation): only a kept answer hides it."""
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            await connection.execute(text("UPDATE assets SET project = 'Renamed'"))
    finally:
        await db.dispose()


async def test_answers_are_kept_until_a_write_commits(
    migrated_database_url: str, tmp_path: Path, fixtures_dir: Path
) -> None:
    port = free_port()
    settings = local_settings(migrated_database_url, tmp_path, port)
    await ingest_records(settings, tmp_path / "src", fixtures_dir, RECORDS[:3])
    with served(settings, port) as catalog:
        first = answered(catalog)
        assert sum(first[0].values()) == sum(first[1].values()) == 3

        await rename_projects_behind_the_catalogs_back(migrated_database_url)
        assert answered(catalog) == first  # kept: the generation has not moved

        await ingest_records(
            settings, tmp_path / "more", fixtures_dir, RECORDS[3:4]
        )  # another process writes
        facets, rows = answered(catalog)
        assert facets == rows
        assert facets["Renamed"] == 3
        assert sum(facets.values()) == 4


async def test_no_answer_is_kept_with_the_setting_at_zero(
    migrated_database_url: str, tmp_path: Path, fixtures_dir: Path
) -> None:
    port = free_port()
    settings = local_settings(migrated_database_url, tmp_path, port).model_copy(update={"kept_answers": 0})
    await ingest_records(settings, tmp_path / "src", fixtures_dir, RECORDS[:2])
    with served(settings, port) as catalog:
        answered(catalog)
        await rename_projects_behind_the_catalogs_back(migrated_database_url)
        assert answered(catalog) == ({"Renamed": 2}, {"Renamed": 2})


@pytest.fixture
async def ruled(
    migrated_database_url: str, tmp_path: Path, fixtures_dir: Path
) -> AsyncIterator[tuple[Catalog, dict[str, dict[str, str]]]]:
    """Three assets, one private to lab-a; readers of lab-a and lab-b and an admin."""
    port = free_port()
    settings = local_settings(migrated_database_url, tmp_path, port)
    await ingest_records(settings, tmp_path / "src", fixtures_dir, RECORDS[:3])
    db = Database(settings.database_url)
    try:
        await rules.set_access(db, asset=HIDDEN, groups=["lab-a"])
        secrets = {
            "lab-a": await tokens.create(db, "alice", "reader", ["lab-a"]),
            "lab-b": await tokens.create(db, "bob", "reader", ["lab-b"]),
            "admin": await tokens.create(db, "ada", "admin"),
        }
    finally:
        await db.dispose()
    with served(settings, port) as catalog:
        yield catalog, {who: {"Authorization": f"Bearer {s}"} for who, s in secrets.items()}


def test_viewers_who_see_different_assets_never_share_an_answer(
    ruled: tuple[Catalog, dict[str, dict[str, str]]],
) -> None:
    catalog, headers = ruled
    totals = {}
    for who in ("lab-a", "admin", "lab-b", "anonymous", "lab-a"):
        facets, rows = answered(catalog, headers.get(who))
        assert sum(facets.values()) == sum(rows.values())
        totals[who] = sum(facets.values())
    assert totals == {"lab-a": 3, "admin": 3, "lab-b": 2, "anonymous": 2}


async def abandoned_write(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(text("UPDATE assets SET project = 'never'"))
        raise RuntimeError("abandoned")


async def test_every_committed_write_moves_the_generation_on_and_a_rolled_back_one_does_not(
    migrated_database_url: str,
) -> None:
    db = Database(migrated_database_url)
    try:
        async with db.reader() as session:
            before = await generation.current(session)
        await tokens.create(db, "walt", "writer")
        with pytest.raises(RuntimeError):
            await abandoned_write(db)
        async with db.reader() as session:
            after = await generation.current(session)
    finally:
        await db.dispose()
    assert after == before + 1
