"""Servers started together on a database behind the code migrate it one at a time: the first
takes PostgreSQL's advisory lock and brings it to head, the others then find it there."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from catalog.db import migrate
from catalog.db.engine import Database

if TYPE_CHECKING:
    from servers import PostgresServer


async def test_servers_starting_together_on_an_empty_database_migrate_it_once(
    postgres: PostgresServer,
) -> None:
    url = postgres.create_database("migrated_together")
    servers = [Database(url) for _ in range(3)]
    try:
        await asyncio.wait_for(asyncio.gather(*(migrate.ensure_schema(db) for db in servers)), 60)
        assert await migrate.current_revision(servers[0]) in migrate.head_revisions()
    finally:
        for db in servers:
            await db.dispose()
        postgres.drop_database("migrated_together")
