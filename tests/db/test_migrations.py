"""One alembic chain serves both dialects: a single head, up and down cleanly, no drift."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from catalog.db import migrate
from catalog.db.engine import Database
from catalog.db.models import Base


def test_the_chain_has_exactly_one_head() -> None:
    assert len(migrate.head_revisions()) == 1


async def test_upgrade_creates_every_table_and_downgrade_removes_them(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate.upgrade(db)
        async with db.engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert set(Base.metadata.tables) <= tables
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
