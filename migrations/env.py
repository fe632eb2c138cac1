"""Alembic environment: one chain for both dialects, batch mode on SQLite.

Run through ``catalog.db.migrate`` which hands over an open connection; alembic's own CLI
works too (it reads ``CATALOG_DATABASE_URL``)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from alembic import context

from catalog.config import Settings
from catalog.db.engine import create_engine
from catalog.db.models import ORDER_INDEXES, PATH_INDEXES, Base
from catalog.db.types import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def _include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Dialect-specific indexes are the migrations' alone (see ``ORDER_INDEXES``, ``PATH_INDEXES``), and so are the
    tables only some dialects keep (``EMBEDDED_ONLY``) on the others."""
    if type_ == "index" and name in (*ORDER_INDEXES, *PATH_INDEXES):
        return False
    kept_by = getattr(obj, "info", {}).get("dialects") if type_ == "table" else None
    return kept_by is None or context.get_bind().dialect.name in kept_by


def _render(type_: str, obj: object, _autogen_context: object) -> str | bool:
    """Revisions spell the application's column types in plain SQLAlchemy, so that a revision
    never imports the application (its types may change after the revision is written)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_include,
        render_item=_render,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine() -> None:
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or Settings().database_url)
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
        await connection.commit()
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _configure(connection)
else:
    asyncio.run(_run_with_own_engine())
