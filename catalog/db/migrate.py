"""Schema migrations through alembic, run on an open async connection."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from catalog.db import valueindex

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from catalog.db.engine import Database

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
MIGRATION_LOCK = 0x0CA7A106
"""PostgreSQL advisory lock held by a migration: servers starting together migrate one at a time
(the others then find the database at head)."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


async def _run(db: Database, action: str, revision: str) -> None:
    config = alembic_config(db.url)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)

    async with db.engine.begin() as connection:
        if db.dialect.name == "postgresql":  # released with the transaction; alembic reads after it
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await connection.run_sync(run)


async def upgrade(db: Database, revision: str = "head") -> None:
    await _run(db, "upgrade", revision)
    await refresh_value_index(db)


async def refresh_value_index(db: Database) -> None:
    """Fill the embedded default's value index when it follows another reading than this code's
    (or none yet, as after the revision creating it): its rows are the application's."""
    if not db.dialect.indexes_values:
        return
    async with db.transaction() as session:
        if await valueindex.stale(session):
            await valueindex.rebuild(session)
            await valueindex.mark_current(session)


async def downgrade(db: Database, revision: str) -> None:
    await _run(db, "downgrade", revision)


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


def head_revisions() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


async def ensure_schema(db: Database) -> None:
    """Bring the database to head; a no-op when it is there already (one cheap query)."""
    if await current_revision(db) not in head_revisions():
        await upgrade(db)
    else:
        await refresh_value_index(db)
