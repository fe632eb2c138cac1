"""Stores on real backends: a folder, a bucket on the session's moto S3 server, and a real
HTTP server answering the local store's signed URLs."""

from __future__ import annotations

import sqlite3
import time
from contextlib import asynccontextmanager, closing
from typing import TYPE_CHECKING

import pytest
from servers import UvicornServer, free_port
from starlette.applications import Starlette
from starlette.routing import Route

from catalog.config import Settings
from catalog.db.engine import Database
from catalog.storage.local import LocalStore
from catalog.storage.registry import StoreRegistry
from catalog.web.errors import HANDLERS
from catalog.web.files import local_file_endpoint

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

    from catalog.storage import ObjectStore

SECRET = "storage-test-secret"


def serve_files(db: Database, stores: StoreRegistry) -> Starlette:
    """The ``/files`` route alone, as the app mounts it; the server's loop disposes the database."""

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await db.dispose()

    routes = [Route("/files/{key:path}", local_file_endpoint(db, stores), methods=["GET", "HEAD"])]
    return Starlette(routes=routes, exception_handlers=dict(HANDLERS), lifespan=lifespan)


def serve(tmp_path: Path, database_url: str) -> Iterator[LocalStore]:
    """A local store whose signed URLs point at uvicorn serving ``local_file_endpoint`` for it,
    checked against the catalog at ``database_url``."""
    port = free_port()
    settings = Settings(
        storage_url=str(tmp_path / "store"), secret_key=SECRET, public_url=f"http://127.0.0.1:{port}"
    )
    stores = StoreRegistry(settings)
    with UvicornServer(serve_files(Database(database_url), stores), port=port):
        assert isinstance(stores.default, LocalStore)
        yield stores.default


@pytest.fixture
def served_store(tmp_path: Path, sqlite_template: Path) -> Iterator[LocalStore]:
    """A served local store with an empty catalog: nothing recorded, files served as they are."""
    with (
        closing(sqlite3.connect(sqlite_template)) as source,
        closing(sqlite3.connect(tmp_path / "c.db")) as copy,
    ):
        source.backup(copy)
    yield from serve(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")


@pytest.fixture
def recorded_store(migrated_database_url: str, tmp_path: Path) -> Iterator[LocalStore]:
    """A served local store checked against the catalog at ``migrated_database_url`` (each backend),
    where tests register what they store."""
    yield from serve(tmp_path, migrated_database_url)


@pytest.fixture
def an_hour_ago(served_store: LocalStore) -> LocalStore:
    """``served_store`` with a clock an hour behind: the URLs it signs arrive expired."""
    return LocalStore(served_store.root, SECRET, served_store.public_url, clock=lambda: time.time() - 3600)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    """Each test of the protocol runs on both backends."""
    store: ObjectStore = request.getfixturevalue("local_store" if request.param == "local" else "s3_store")
    return store


@pytest.fixture(params=["local", "s3"])
def served(request: pytest.FixtureRequest) -> ObjectStore:
    """Each backend, with its presigned URLs answered over real HTTP."""
    store: ObjectStore = request.getfixturevalue("served_store" if request.param == "local" else "s3_store")
    return store
