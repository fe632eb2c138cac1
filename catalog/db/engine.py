"""Engine and sessions for either dialect, tuned once here."""

from __future__ import annotations

import asyncio
import copy
import time
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from catalog.config import MAX_OVERFLOW, POOL_SIZE
from catalog.db import generation
from catalog.db.dialects import Dialect, dialect_for
from catalog.db.dialects.sqlite import local_time, regexp
from catalog.db.failures import FAILURES, domain_error
from catalog.db.jsonvalues import read_number
from catalog.db.types import serialize_json
from catalog.db.valueindex import element_meet

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

PROGRESS_STEPS = 10_000
"""SQLite virtual-machine steps between two checks of a reader's deadline (well under a millisecond)."""


class Budget:
    """When the statements of a SQLite connection must stop (a monotonic instant), or None."""

    def __init__(self) -> None:
        self.deadline: float | None = None

    def exceeded(self) -> bool:
        """SQLite's progress handler: a true answer interrupts the running statement."""
        return self.deadline is not None and time.monotonic() > self.deadline


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run beside one writer; busy_timeout makes a second writer wait, not fail;
    REGEXP serves metadata path predicates, read_number numbers written as strings (as Python
    reads them), local_time calendars in a time zone, element_meet element matches read from
    the value index."""
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
    dbapi_connection.create_function("read_number", 1, read_number, deterministic=True)
    dbapi_connection.create_function("local_time", 2, local_time, deterministic=True)
    dbapi_connection.create_function("element_meet", 1, element_meet, deterministic=True)


def create_engine(
    url: str,
    *,
    statement_timeout: float | None = None,
    pool_size: int = POOL_SIZE,
    max_overflow: int = MAX_OVERFLOW,
) -> AsyncEngine:
    """An engine for ``url``; on PostgreSQL, ``statement_timeout`` (seconds) bounds every statement
    (SQLite's readers are bounded per session, by ``Database.reader``), and the pool holds
    ``pool_size`` connections plus up to ``max_overflow`` more at a peak (per process)."""
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
    if statement_timeout is not None:
        server_settings["statement_timeout"] = str(round(statement_timeout * 1000))
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        json_serializer=serialize_json,
        connect_args={"server_settings": server_settings},
    )


def _autocommit(engine: AsyncEngine) -> AsyncEngine:
    """Readers' engine on PostgreSQL: no BEGIN and ROLLBACK around their statements (two round
    trips of a one-statement read). Nothing is lost: under READ COMMITTED each statement took its
    own snapshot inside a transaction too. SQLite's driver opens no transaction for reads anyway."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


class Database:
    """One engine and its session factory, owned by the app's lifespan or a CLI command.

    With a ``budget`` (seconds), reads are bounded: each PostgreSQL statement by
    ``statement_timeout``, each SQLite reader session by a deadline its progress handler checks.
    With a ``read_url`` (a replica of the same database), ``reader`` sessions go there and
    ``transaction`` sessions to ``url``, the primary; ``primary()`` reads from the primary too,
    for reads that must see a write just made. Failures leave as domain errors
    (``db/failures.py``)."""

    def __init__(
        self,
        url: str,
        *,
        budget: float | None = None,
        read_url: str | None = None,
        pool_size: int = POOL_SIZE,
        max_overflow: int = MAX_OVERFLOW,
    ) -> None:
        self.url = url
        self.budget = budget
        self.engine = create_engine(
            url, statement_timeout=budget, pool_size=pool_size, max_overflow=max_overflow
        )
        self.read_engine = (
            self.engine
            if read_url is None
            else create_engine(
                read_url, statement_timeout=budget, pool_size=pool_size, max_overflow=max_overflow
            )
        )
        self.dialect: Dialect = dialect_for(self.engine.dialect.name)
        if self.read_engine.dialect.name != self.dialect.name:
            raise ValueError("the read URL must be a replica of the database: the same dialect")
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessions = async_sessionmaker(_autocommit(self.read_engine), expire_on_commit=False)
        self._open: asyncio.Semaphore | None = None
        self._idle: list[AsyncSession] | None = None  # a request's read sessions between reads

    def primary(self) -> Database:
        """This database with its reads on the primary: what a write just made, they see."""
        view = copy.copy(self)
        view.read_sessions = self.sessions
        view._idle = None
        return view

    def for_request(self, sessions: int) -> Database:
        """This database as one request sees it (the engine is shared, not copied): its reads keep
        their sessions open from one read to the next, so that a request's loaders cost a statement
        each rather than a session each, at most ``sessions`` at once so that no request can take
        the whole pool. ``release()`` closes them when the request is answered."""
        view = copy.copy(self)
        view._open = asyncio.Semaphore(sessions)
        view._idle = []
        return view

    async def release(self) -> None:
        """Close the sessions this request's reads kept open; later reads close their own."""
        idle, self._idle = self._idle or [], None
        for session in idle:
            await session.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success (moving the data's generation
        on, ``db/generation.py``), rolled back on error."""
        with self._failures():
            async with self.sessions() as session, session.begin():
                yield session
                await generation.advance(session)

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        with self._failures():
            async with self._turn():
                if self._idle is None:
                    async with self.read_sessions() as session, self._bounded(session):
                        yield session
                    return
                session = self._idle.pop() if self._idle else self.read_sessions()
                try:
                    async with self._bounded(session):
                        yield session
                except BaseException:
                    await session.close()  # a failed read's session is not handed to the next
                    raise
                self._idle.append(session)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()

    async def refresh_statistics(self) -> None:
        """ANALYZE: after a bulk registration, so the planner does not take a table it has never
        measured for a few rows (a nested-loop aggregate over 10,000 fresh assets ran 30 s on
        PostgreSQL before its autovacuum came round, 60 ms after)."""
        async with self.transaction() as session:
            await session.execute(text("ANALYZE"))

    async def ping(self) -> None:
        """Raises ``Unavailable`` unless the database answers."""
        async with self.reader() as session:
            await session.execute(text("SELECT 1"))

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        if self._open is None:
            yield
            return
        async with self._open:
            yield

    @asynccontextmanager
    async def _bounded(self, session: AsyncSession) -> AsyncIterator[None]:
        """The session's SQLite deadline, for one read (PostgreSQL bounds each statement by itself)."""
        if self.budget is None or self.dialect.name != "sqlite":
            yield
            return
        connection = await session.connection()
        budget: Budget | None = connection.info.get("budget")
        if budget is None:  # the connection's first bounded session: its progress handler
            budget = connection.info["budget"] = Budget()
            raw = (await connection.get_raw_connection()).driver_connection
            if raw is not None:
                await raw.set_progress_handler(budget.exceeded, PROGRESS_STEPS)
        budget.deadline = time.monotonic() + self.budget
        try:
            yield
        finally:
            budget.deadline = None

    @contextmanager
    def _failures(self) -> Iterator[None]:
        try:
            yield
        except FAILURES as error:
            translated = domain_error(error, self.budget)
            if translated is None:
                raise
            raise translated from error


async def connection_limit(db: Database) -> int | None:
    """The connections a PostgreSQL server takes from ordinary users (``max_connections`` less its
    reserved slots); None on SQLite, which has no such limit."""
    if db.dialect.name != "postgresql":
        return None
    async with db.engine.connect() as connection:
        found = await connection.execute(
            text(
                "SELECT current_setting('max_connections')::int"
                " - current_setting('superuser_reserved_connections')::int"
            )
        )
        return int(found.scalar_one())
