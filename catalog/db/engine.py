"""Engine and sessions for either dialect, tuned once here."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from catalog.db.dialects import Dialect, dialect_for
from catalog.db.dialects.sqlite import regexp
from catalog.db.types import serialize_json

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run beside one writer; busy_timeout makes a second writer wait, not fail;
    REGEXP serves metadata path predicates."""
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        "busy_timeout=60000",
        "cache_size=-65536",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()
    dbapi_connection.create_function("regexp", 2, regexp, deterministic=True)


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 60}, json_serializer=serialize_json)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # Custom plans: a prepared statement's generic plan knows neither LIMIT nor the filter values
    # and picks full scans (see recipes.md); replanning costs well under a millisecond.
    # No JIT: analytical statements look costly enough to compile, and compiling took longer than
    # running them (measured in benchmarks/analytics.py).
    server_settings = {"plan_cache_mode": "force_custom_plan", "jit": "off"}
    return create_async_engine(
        url,
        pool_size=10,
        max_overflow=20,
        json_serializer=serialize_json,
        connect_args={"server_settings": server_settings},
    )


class Database:
    """One engine and its session factory, owned by the app's lifespan or a CLI command."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.dialect: Dialect = dialect_for(self.engine.dialect.name)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
