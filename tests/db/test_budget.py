"""A read's time budget and a request's share of the pool: a statement that would run on is
stopped with TIMEOUT on both dialects, and one request never holds more sessions than it may."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import text

from catalog.db.engine import Database
from catalog.errors import TimedOut

ENDLESS = {
    # A statement that runs for minutes unless it is stopped.
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(60)",
}


async def test_a_read_past_its_budget_is_stopped_with_timeout(database_url: str) -> None:
    db = Database(database_url, budget=0.3)
    started = time.monotonic()
    try:
        with pytest.raises(TimedOut, match=r"longer than 0\.3 s"):
            async with db.reader() as session:
                await session.execute(text(ENDLESS[db.dialect.name]))
        elapsed = time.monotonic() - started
        async with db.reader() as session:  # the connection serves the next read as usual
            after = await session.scalar(text("SELECT 1"))
    finally:
        await db.dispose()

    assert elapsed < 5
    assert after == 1


async def test_one_request_holds_at_most_its_share_of_sessions(database_url: str) -> None:
    db = Database(database_url)
    request = db.for_request(2)
    open_now = most = 0

    async def read() -> None:
        nonlocal open_now, most
        async with request.reader() as session:
            open_now += 1
            most = max(most, open_now)
            await session.execute(text("SELECT 1"))
            await asyncio.sleep(0.05)
            open_now -= 1

    try:
        await asyncio.gather(*(read() for _ in range(6)))
        await request.release()
    finally:
        await db.dispose()

    assert most == 2


async def test_a_request_s_reads_one_after_another_share_one_session_until_it_is_released(
    database_url: str,
) -> None:
    db = Database(database_url)
    request = db.for_request(4)
    try:
        seen = []
        for _ in range(3):
            async with request.reader() as session:
                await session.execute(text("SELECT 1"))
                seen.append(session)
        await request.release()
        async with request.reader() as session:  # released: a read after it closes its own
            await session.execute(text("SELECT 1"))
            after = session
        async with request.reader() as session:
            await session.execute(text("SELECT 1"))
            last = session
    finally:
        await db.dispose()

    assert seen[0] is seen[1] is seen[2]
    assert after is not seen[0]
    assert last is not after
