"""Stores on real backends: a folder, a bucket on the session's moto S3 server, and a real
HTTP server answering the local store's signed URLs."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from servers import UvicornServer, free_port
from starlette.applications import Starlette
from starlette.routing import Route

from catalog.config import Settings
from catalog.storage.local import LocalStore
from catalog.storage.registry import StoreRegistry
from catalog.web.errors import HANDLERS
from catalog.web.files import local_file_endpoint

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from catalog.storage import ObjectStore

SECRET = "storage-test-secret"


@pytest.fixture
def served_store(tmp_path: Path) -> Iterator[LocalStore]:
    """A local store whose signed URLs point at uvicorn serving ``local_file_endpoint`` for it."""
    port = free_port()
    settings = Settings(
        storage_url=str(tmp_path / "store"), secret_key=SECRET, public_url=f"http://127.0.0.1:{port}"
    )
    stores = StoreRegistry(settings)
    routes = [Route("/files/{key:path}", local_file_endpoint(stores))]
    app = Starlette(routes=routes, exception_handlers=dict(HANDLERS))
    with UvicornServer(app, port=port):
        assert isinstance(stores.default, LocalStore)
        yield stores.default


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
