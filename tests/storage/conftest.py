"""Stores on real backends: a folder, a bucket on the session's moto S3 server, and a real
HTTP server answering the local store's signed URLs."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aioboto3
import pytest
from servers import MotoS3Server, UvicornServer, free_port
from starlette.applications import Starlette
from starlette.routing import Route

from catalog.downloads import local_file_endpoint
from catalog.storage import ObjectStore
from catalog.storage.local import LocalStore
from catalog.storage.s3 import S3Store

MIN_PART = 5 * 1024 * 1024
"""S3's smallest part: used for every size knob so a 12 MiB file takes the multipart path."""

SECRET = "storage-test-secret"


@pytest.fixture(scope="session")
async def s3_bucket(s3_server: MotoS3Server) -> AsyncIterator[tuple[str, str]]:
    """(endpoint_url, bucket): a bucket created through aioboto3 on the session's moto server,
    with fake AWS credentials in the environment (set by ``s3_server``)."""
    bucket = f"storage-{uuid.uuid4().hex[:12]}"
    async with aioboto3.Session().client("s3", endpoint_url=s3_server.endpoint_url) as s3:
        await s3.create_bucket(Bucket=bucket)
    yield s3_server.endpoint_url, bucket


@pytest.fixture
async def s3_store(s3_bucket: tuple[str, str]) -> AsyncIterator[S3Store]:
    """A store under a prefix of its own, so tests share the bucket without seeing each other."""
    endpoint_url, bucket = s3_bucket
    store = S3Store(
        bucket,
        f"t-{uuid.uuid4().hex[:8]}",
        endpoint_url,
        None,
        "us-east-1",
        multipart_threshold=MIN_PART,
        multipart_chunk_size=MIN_PART,
        copy_part_size=MIN_PART,
    )
    yield store
    await store.close()


@pytest.fixture
def served_store(tmp_path: Path) -> Iterator[LocalStore]:
    """A local store whose signed URLs point at uvicorn serving ``local_file_endpoint`` for it."""
    port = free_port()
    store = LocalStore(tmp_path / "store", SECRET, f"http://127.0.0.1:{port}")
    app = Starlette(routes=[Route("/files/{key:path}", local_file_endpoint(store))])
    with UvicornServer(app, port=port):
        yield store


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
