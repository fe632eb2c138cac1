"""The session fixtures give real services: SQL databases that accept connections, and an S3 endpoint."""

from __future__ import annotations

import uuid

import aioboto3
import pytest
from databases import kept_tables
from servers import MotoS3Server, PostgresServer, find_pg_bin_dir
from sqlalchemy import func, inspect, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from catalog.db import migrate
from catalog.db.engine import Database
from catalog.db.models import Asset


async def test_database_url_answers_queries(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar_one() == 1
            if engine.dialect.name == "postgresql":
                version = (await conn.execute(text("SELECT version()"))).scalar_one()
                assert version.startswith("PostgreSQL ")
            else:
                assert engine.dialect.name == "sqlite"
    finally:
        await engine.dispose()


@pytest.mark.parametrize("attempt", [1, 2])
async def test_database_url_is_fresh_for_each_test(database_url: str, attempt: int) -> None:
    """Each test starts empty even though an earlier test wrote a table (connections left open)."""
    engine = create_async_engine(database_url)
    async with engine.begin() as conn:
        assert await conn.run_sync(lambda sync: inspect(sync).get_table_names()) == []
        await conn.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT)"))
        await conn.execute(text("INSERT INTO probe (id, note) VALUES (:id, 'x')"), {"id": attempt})
    # Deliberately no dispose(): the fixture must drop the database despite pooled connections.


@pytest.mark.parametrize("attempt", [1, 2])
async def test_a_migrated_database_is_at_head_and_its_own_for_each_test(
    migrated_database_url: str, attempt: int
) -> None:
    """A copy of the session's template: what one test writes, neither the template nor the next
    test sees."""
    db = Database(migrated_database_url)
    try:
        assert await migrate.current_revision(db) in migrate.head_revisions()
        async with db.engine.begin() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            assert kept_tables(db.dialect.name) <= tables
            assert "probe" not in tables
            assert (await conn.execute(select(func.count()).select_from(Asset))).scalar_one() == 0
            await conn.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))
            await conn.execute(text("INSERT INTO probe (id) VALUES (:id)"), {"id": attempt})
    finally:
        await db.dispose()


def test_postgres_url_points_at_the_session_cluster(postgres: PostgresServer) -> None:
    assert postgres.url().startswith(f"postgresql+asyncpg://postgres@127.0.0.1:{postgres.port}/")
    assert postgres.startup_seconds is not None


def test_missing_postgres_binaries_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(RuntimeError, match="apt-get install -y postgresql"):
        find_pg_bin_dir(search_globs=["/nonexistent/*/bin"])


async def test_s3_put_and_get_through_aioboto3(s3_server: MotoS3Server) -> None:
    bucket = s3_server.create_bucket(f"servers-test-{uuid.uuid4().hex[:12]}")
    session = aioboto3.Session()  # credentials and region come from the fixture's environment
    async with session.client("s3", endpoint_url=s3_server.endpoint_url) as s3:
        await s3.put_object(Bucket=bucket, Key="dir/hello.txt", Body=b"hello, catalog")
        got = await s3.get_object(Bucket=bucket, Key="dir/hello.txt")
        assert await got["Body"].read() == b"hello, catalog"
        listed = await s3.list_objects_v2(Bucket=bucket)
        assert [o["Key"] for o in listed["Contents"]] == ["dir/hello.txt"]
