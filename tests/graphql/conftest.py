"""A catalog served over real HTTP, with real records ingested, for API tests."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from factories import load_record, record_names, write_asset
from servers import UvicornServer, free_port, run_coroutine

from catalog.app import create_app
from catalog.config import Settings
from catalog.conventions.modalities import Vocabulary
from catalog.db import migrate
from catalog.db.engine import Database
from catalog.services import tokens
from catalog.services.demo import build_demo
from catalog.services.ingest import FolderIngest
from catalog.storage import open_store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

    from starlette.applications import Starlette

RECORDS = [
    "behavior_754559_2024-12-17_17-40-13",
    "ecephys_660104_2023-07-24_18-18-13",
    "SmartSPIM_620642_2023-07-05_21-42-19",
    "single-plane-ophys_685615_2023-12-15_16-47-43",
    "SLAP2_801381_2025-10-02_15-23-18",
]


@dataclass
class Catalog:
    """A running catalog: its URL, settings, and the source folders it ingested."""

    url: str
    settings: Settings
    sources: dict[str, Path]
    client: httpx.Client
    app: Starlette

    def gql(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.client.post(f"{self.url}/graphql", json={"query": query, "variables": variables})
        return response.json()

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = self.gql(query, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]


def local_settings(database_url: str, root: Path, port: int) -> Settings:
    """A catalog on ``database_url`` with a local store under ``root``, reached on ``port``."""
    return Settings(
        database_url=database_url,
        storage_url=(root / "store").as_uri(),
        public_url=f"http://127.0.0.1:{port}",
        secret_key="api-test-secret",
    )


@contextmanager
def served(settings: Settings, port: int, sources: dict[str, Path] | None = None) -> Iterator[Catalog]:
    """The catalog app on a real uvicorn server, with a client."""
    app = create_app(settings)
    with UvicornServer(app, port=port) as server, httpx.Client(timeout=30) as client:
        yield Catalog(server.base_url, settings, sources or {}, client, app)


async def ingest_records(settings: Settings, root: Path, fixtures: Path, names: list[str]) -> dict[str, Path]:
    db = Database(settings.database_url)
    store = open_store(settings)
    await migrate.ensure_schema(db)
    ingest = FolderIngest(db, store, Vocabulary())
    sources = {}
    for name in names:
        sources[name] = write_asset(root, name, load_record(fixtures, name))
        await ingest(sources[name])
    await store.close()
    await db.dispose()
    return sources


@pytest.fixture
async def catalog(migrated_database_url: str, tmp_path: Path, fixtures_dir: Path) -> AsyncIterator[Catalog]:
    port = free_port()
    settings = local_settings(migrated_database_url, tmp_path, port)
    sources = await ingest_records(settings, tmp_path / "src", fixtures_dir, RECORDS)
    with served(settings, port, sources) as running:
        yield running


@pytest.fixture(scope="session")
def all_record_names(fixtures_dir: Path) -> list[str]:
    return record_names(fixtures_dir)


@pytest.fixture(scope="module")
async def demo(
    module_migrated_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalog]:
    """The demo catalog (46 assets: primaries, derived, a depth-2 lineage), served over HTTP
    once per test module and backend; tests only read it."""
    port = free_port()
    settings = local_settings(module_migrated_database_url, tmp_path_factory.mktemp("demo"), port)
    db = Database(settings.database_url)
    store = open_store(settings)
    await build_demo(db, store, Vocabulary())
    await store.close()
    await db.dispose()
    with served(settings, port) as running:
        yield running


MIN_PART = 5 * 1024 * 1024
"""S3's smallest part: the multipart threshold of catalogs taking uploads."""


@dataclass
class Site:
    """A served catalog taking uploads, with the tokens of a writer, a reader and an admin."""

    catalog: Catalog
    headers: dict[str, dict[str, str]]
    storage: str

    def post(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        response = self.catalog.client.post(
            f"{self.catalog.url}/graphql",
            json={"query": query, "variables": variables},
            headers=self.headers[who],
        )
        return response.json()

    def data(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        body = self.post(who, query, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def code(self, who: str, query: str, **variables: Any) -> tuple[str, str]:
        body = self.post(who, query, **variables)
        assert body.get("errors"), body
        return body["errors"][0]["extensions"]["code"], body["errors"][0]["message"]


def upload_settings(database_url: str, storage: str, port: int, **more: Any) -> Settings:
    return Settings(
        database_url=database_url,
        storage_url=storage,
        public_url=f"http://127.0.0.1:{port}",
        secret_key="upload-test-secret",
        multipart_threshold=MIN_PART,
        multipart_chunk_size=MIN_PART,
        **more,
    )


async def site_tokens(database_url: str, headers: dict[str, dict[str, str]]) -> None:
    db = Database(database_url)
    try:
        secrets = {
            "writer": await tokens.create(db, "walt", "writer"),
            "writer2": await tokens.create(db, "wanda", "writer"),
            "reader": await tokens.create(db, "rita", "reader"),
            "admin": await tokens.create(db, "ada", "admin"),
        }
    finally:
        await db.dispose()
    headers["anonymous"] = {}
    headers.update({who: {"Authorization": f"Bearer {s}"} for who, s in secrets.items()})


@pytest.fixture(params=["local", "moto"])
def site(request: pytest.FixtureRequest, migrated_database_url: str, tmp_path: Path) -> Iterator[Site]:
    """A catalog taking uploads into a local folder, then into a moto bucket, on each dialect."""
    with serving_uploads(request, migrated_database_url, tmp_path, request.param) as running:
        yield running


@pytest.fixture
def local_site(request: pytest.FixtureRequest, migrated_database_url: str, tmp_path: Path) -> Iterator[Site]:
    """A catalog taking uploads into a local folder (its own signed PUT route), on each dialect."""
    with serving_uploads(request, migrated_database_url, tmp_path, "local") as running:
        yield running


@contextmanager
def serving_uploads(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path, kind: str
) -> Iterator[Site]:
    if kind == "local":
        storage = (tmp_path / "store").as_uri()
        endpoint = None
    else:
        endpoint, bucket = request.getfixturevalue("s3_bucket")
        storage = f"s3://{bucket}/up-{uuid.uuid4().hex[:8]}"
    port = free_port()
    settings = upload_settings(database_url, storage, port, s3_endpoint_url=endpoint)
    headers: dict[str, dict[str, str]] = {}
    run_coroutine(site_tokens(database_url, headers))
    with served(settings, port) as running:
        yield Site(running, headers, kind)
