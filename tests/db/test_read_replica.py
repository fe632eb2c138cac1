"""A read replica (``CATALOG_DATABASE_READ_URL``): reader sessions go to it, transactions to the
primary, and the reads that must see a write just made (tokens, uploads, a correction's answer)
to the primary too. The "replica" is a second PostgreSQL database copied from the primary and
then made to differ, so every answer says which database gave it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest
from factories import load_record, write_asset
from servers import PostgresServer, UvicornServer, free_port
from sqlalchemy import select

from catalog.app import create_app
from catalog.config import Settings
from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.db.models import Asset, MetadataDocument
from catalog.errors import Unauthenticated
from catalog.services import tokens
from catalog.services.ingest import FolderIngest
from catalog.storage import open_store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

SHARED = "ecephys_660104_2023-07-24_18-18-13"  # on both
REPLICA_ONLY = "behavior_754559_2024-12-17_17-40-13"  # the replica's marked difference
ASSET = "query($n: String!) { asset(name: $n) { name } }"
CORRECT = """mutation($n: String!, $c: JSON!) { correctMetadata(name: $n, document: "subject",
  content: $c, reason: "on the primary") { name subject { genotype } } }"""


async def ingest(settings: Settings, root: Path, fixtures: Path, name: str) -> None:
    db, store = Database(settings.database_url), open_store(settings)
    try:
        await FolderIngest(db, store, Vocabulary())(write_asset(root, name, load_record(fixtures, name)))
    finally:
        await store.close()
        await db.dispose()


async def names_of_tokens(url: str) -> set[str]:
    db = Database(url)
    try:
        return {token.name for token in await tokens.listing(db)}
    finally:
        await db.dispose()


@pytest.fixture
async def primary_and_replica(
    postgres: PostgresServer, postgres_template: str, tmp_path: Path, fixtures_dir: Path
) -> AsyncIterator[tuple[Settings, str]]:
    """Settings reading from the replica, and a writer's secret valid on both."""
    primary = postgres.create_database("replica_primary", template=postgres_template)
    settings = Settings(
        database_url=primary, storage_url=(tmp_path / "store").as_uri(), secret_key="replica-test"
    )
    await ingest(settings, tmp_path / "src", fixtures_dir, SHARED)
    db = Database(primary)
    writer = await tokens.create(db, "walt", "writer")
    await db.dispose()
    replica = postgres.create_database("replica_copy", template="replica_primary")
    await ingest(
        settings.model_copy(update={"database_url": replica}), tmp_path / "src", fixtures_dir, REPLICA_ONLY
    )
    yield settings.model_copy(update={"database_read_url": replica}), writer
    postgres.drop_database("replica_copy")
    postgres.drop_database("replica_primary")


async def test_readers_read_the_replica_and_transactions_write_the_primary(
    primary_and_replica: tuple[Settings, str],
) -> None:
    settings, _ = primary_and_replica
    assert settings.database_read_url is not None
    db = Database(settings.database_url, read_url=settings.database_read_url)
    try:
        await tokens.create(db, "rita", "reader")  # a transaction
        read = {token.name for token in await tokens.listing(db)}
        read_from_primary = {token.name for token in await tokens.listing(db.primary())}
    finally:
        await db.dispose()

    assert read == {"walt"}  # the replica has not got rita
    assert read_from_primary == {"walt", "rita"}
    assert await names_of_tokens(settings.database_url) == {"walt", "rita"}
    assert await names_of_tokens(settings.database_read_url) == {"walt"}


async def test_a_token_is_checked_on_the_primary_so_a_new_or_revoked_one_counts_at_once(
    primary_and_replica: tuple[Settings, str],
) -> None:
    settings, _ = primary_and_replica
    db = Database(settings.database_url, read_url=settings.database_read_url)
    try:
        secret = await tokens.create(db, "rita", "reader")
        with pytest.raises(Unauthenticated):  # what a lagging replica would answer
            await tokens.authenticate(db, secret)
        app = create_app(settings)
        port = free_port()
        with UvicornServer(app, port=port) as server:
            async with httpx.AsyncClient() as client:
                viewer = await client.post(
                    f"{server.base_url}/graphql",
                    json={"query": "{ viewer { name } }"},
                    headers={"Authorization": f"Bearer {secret}"},
                )
    finally:
        await db.dispose()

    assert viewer.status_code == 200, viewer.text
    assert viewer.json()["data"]["viewer"]["name"] == "rita"


async def test_the_api_reads_from_the_replica_and_writes_to_the_primary(
    primary_and_replica: tuple[Settings, str],
) -> None:
    settings, writer = primary_and_replica
    assert settings.database_read_url is not None
    app = create_app(settings)
    with UvicornServer(app, port=free_port()) as server:
        client = httpx.AsyncClient(base_url=server.base_url)

        async def graphql(query: str, **variables: object) -> dict[str, object]:
            body = (
                await client.post(
                    "/graphql",
                    json={"query": query, "variables": variables},
                    headers={"Authorization": f"Bearer {writer}"},
                )
            ).json()
            assert "errors" not in body, body
            return dict(body["data"])

        async with client:
            replica_only = await graphql(ASSET, n=REPLICA_ONLY)
            corrected = await graphql(CORRECT, n=SHARED, c={"subject_id": "660104", "genotype": "wt/wt"})

    assert replica_only == {"asset": {"name": REPLICA_ONLY}}
    assert corrected == {"correctMetadata": {"name": SHARED, "subject": {"genotype": "wt/wt"}}}
    assert await versions(settings.database_url, SHARED) == [1, 2]
    assert await versions(settings.database_read_url, SHARED) == [1]


async def versions(url: str, name: str) -> list[int]:
    db = Database(url)
    try:
        async with db.reader() as session:
            found = await session.scalars(
                select(MetadataDocument.version)
                .join(Asset, Asset.id == MetadataDocument.asset_id)
                .where(Asset.name == name, MetadataDocument.document == "subject")
                .order_by(MetadataDocument.version)
            )
            return list(found)
    finally:
        await db.dispose()
