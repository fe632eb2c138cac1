"""One alembic chain serves both dialects: a single head, up and down cleanly, no drift."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from alembic import command
from databases import kept_tables
from factories import load_record, record_names
from sqlalchemy import inspect, select, text

from catalog.db import migrate
from catalog.db.engine import Database
from catalog.db.models import Asset, AssetTerm, Base, TermKind
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary


def test_the_chain_has_exactly_one_head() -> None:
    assert len(migrate.head_revisions()) == 1


def imported_modules(source: str) -> set[str]:
    """Every module a Python source imports, at module level or inside a function."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
    return modules


def test_revisions_import_no_application_code() -> None:
    """A revision is frozen: a later change to ``catalog`` must not change what an old database gets."""
    revisions = sorted((migrate.MIGRATIONS / "versions").glob("*.py"))
    assert revisions
    offenders = [
        f"{path.name} imports {name}"
        for path in revisions
        for name in sorted(imported_modules(path.read_text()))
        if name.split(".")[0] == "catalog"
    ]
    assert offenders == []


async def test_upgrade_creates_every_table_and_downgrade_removes_them(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate.upgrade(db)
        async with db.engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert kept_tables(db.dialect.name) <= tables
        assert kept_tables("postgresql") < kept_tables("sqlite")
        assert await migrate.current_revision(db) in migrate.head_revisions()

        await migrate.downgrade(db, "base")
        async with db.engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert not set(Base.metadata.tables) & tables

        await migrate.upgrade(db)
        assert await migrate.current_revision(db) in migrate.head_revisions()
    finally:
        await db.dispose()


async def test_models_match_the_migrations(database_url: str) -> None:
    """alembic check: autogenerate would find nothing to add, so no revision is missing."""
    db = Database(database_url)
    try:
        await migrate.upgrade(db)
        config = migrate.alembic_config(database_url)
        async with db.engine.connect() as connection:

            def check(sync_connection: object) -> None:
                config.attributes["connection"] = sync_connection
                command.check(config)

            await connection.run_sync(check)
    finally:
        await db.dispose()


async def test_ensure_schema_is_idempotent(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate.ensure_schema(db)
        await migrate.ensure_schema(db)
        assert await migrate.current_revision(db) in migrate.head_revisions()
    finally:
        await db.dispose()


async def derived(db: Database) -> tuple[dict[str, tuple[Any, ...]], set[tuple[Any, ...]]]:
    """Each asset's derived columns by name, and the term rows 0003 backfills."""
    async with db.reader() as session:
        columns = (
            Asset.name,
            Asset.location_prefix,
            Asset.acquisition_duration,
            Asset.subject_age_at_acquisition,
            Asset.processing_duration,
        )
        rows = {row[0]: tuple(row[1:]) for row in await session.execute(select(*columns))}
        backfilled_by_0003 = (TermKind.INVESTIGATOR, TermKind.EXPERIMENTER, TermKind.FUNDING)
        terms = set(
            await session.execute(
                select(AssetTerm.asset_id, AssetTerm.kind, AssetTerm.value).where(
                    AssetTerm.kind.in_(backfilled_by_0003)
                )
            )
        )
    return rows, {tuple(term) for term in terms}


async def test_upgrading_to_0003_backfills_what_registration_derives(
    database_url: str, fixtures_dir: Path, vocabulary: Vocabulary
) -> None:
    db = Database(database_url)
    try:
        await migrate.upgrade(db)
        names = record_names(fixtures_dir)[:15]
        await RecordImport(db, vocabulary)(Record(n, load_record(fixtures_dir, n)) for n in names)
        registered, registered_terms = await derived(db)

        await migrate.downgrade(db, "0002")
        await migrate.upgrade(db)
        backfilled, backfilled_terms = await derived(db)
    finally:
        await db.dispose()

    assert backfilled_terms == registered_terms
    assert len(registered_terms) > len(names)
    assert set(backfilled) == set(registered)
    assert all(any(row[i] is not None for row in registered.values()) for i in range(4))
    for name, (prefix, acquisition, age, processing) in registered.items():
        again = backfilled[name]
        assert (again[0], again[1], again[3]) == (prefix, acquisition, processing), name
        assert age is None or abs(again[2] - age) <= 1, "the local day of acquisition was not kept"


async def test_downgrading_and_upgrading_keeps_every_document_and_file(
    database_url: str, fixtures_dir: Path, vocabulary: Vocabulary
) -> None:
    """No step may rebuild ``assets`` by copy-and-drop: on SQLite, dropping the old table
    cascades to every row that refers to an asset."""
    db = Database(database_url)
    try:
        await migrate.upgrade(db)
        names = record_names(fixtures_dir)[:15]
        await RecordImport(db, vocabulary)(Record(n, load_record(fixtures_dir, n)) for n in names)
        before = await held(db)
        await migrate.downgrade(db, "0002")
        after_downgrade = await held(db)
        await migrate.upgrade(db)
        after_upgrade = await held(db)
    finally:
        await db.dispose()
    assert before["metadata_documents"] > len(names)
    assert after_downgrade == after_upgrade == before


async def held(db: Database) -> dict[str, int]:
    """Rows of the tables that refer to assets (and that revision 0002 already had)."""
    async with db.reader() as session:
        return {
            table: (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
            for table in ("assets", "metadata_documents", "files", "asset_modalities", "provenance_edges")
        }
