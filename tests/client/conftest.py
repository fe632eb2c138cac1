"""Catalogs served over real HTTP for the Python client: every real record registered (read-only,
once per session), and small ones with files in a local folder, in moto's S3 or in s3rver (which
checks signatures and expiry), made for each test that downloads."""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from databases import copy_sqlite
from factories import load_record, payload, write_asset
from servers import UvicornServer, free_port
from typer.testing import CliRunner, Result

from catalog import access
from catalog.app import create_app
from catalog.cli import app
from catalog.client import Catalog
from catalog.config import Settings
from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.services import locations, tokens
from catalog.services.imports import RecordImport, read_records
from catalog.services.index import StoreIndex
from catalog.services.ingest import FolderIngest
from catalog.storage import open_store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from starlette.types import ASGIApp, Receive, Scope, Send

S3RVER_ENV = {"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER"}
"""s3rver's built-in key pair, for the catalog that signs its URLs."""
UPLOAD_PART = 5 * 1024 * 1024
"""The multipart threshold and part size of a catalog that takes uploads: S3's least."""
DOWNLOADED = ["behavior_754559_2024-12-17_17-40-13", "ecephys_660104_2023-07-24_18-18-13"]
"""The real records a download test's catalog holds, each with the files of ``asset_files``."""


OWN_VARIABLES = [name for name in os.environ if name.startswith("CATALOG_")]


def catalog(*args: str, env: dict[str, str | None] | None = None) -> Result:
    """Run the command in this process, none of the caller's ``CATALOG_`` variables seen; a
    crash raises instead of passing for exit code 1."""
    result = CliRunner().invoke(
        app, list(args), env=dict.fromkeys(OWN_VARIABLES) | {"COLUMNS": "300"} | (env or {})
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def local_env(served: Served) -> dict[str, str | None]:
    """This machine's catalog: the served one's database and store, read without its server."""
    settings = served.settings
    return {
        "CATALOG_DATABASE_URL": settings.database_url,
        "CATALOG_STORAGE_URL": settings.storage_url,
        "CATALOG_PUBLIC_URL": settings.public_url,
        "CATALOG_SECRET_KEY": settings.secret_key,
    }


@dataclass
class Served:
    """A catalog on a real uvicorn server, the requests it received, and what it was given."""

    url: str
    settings: Settings
    requests: list[Request] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)
    """The folder each asset was ingested from."""
    token: str | None = None
    """A reader's token."""
    writer: str | None = None
    """A writer's token, where the test uploads."""

    def graphql_requests(self) -> list[Request]:
        return [request for request in self.requests if request.path == "/graphql"]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    range: str | None


class RequestLog:
    """ASGI middleware noting each request's method, path and Range header: what a test counts."""

    def __init__(self, app: ASGIApp, requests: list[Request]) -> None:
        self.app, self.requests = app, requests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            self.requests.append(Request(scope["method"], scope["path"], _text(headers.get(b"range"))))
        await self.app(scope, receive, send)


def _text(value: bytes | None) -> str | None:
    return value.decode() if value is not None else None


def serve(settings: Settings, port: int, served: Served) -> UvicornServer:
    return UvicornServer(RequestLog(create_app(settings), served.requests), port=port)


def asset_files(name: str) -> dict[str, bytes]:
    """Three data files per asset, one bigger than a read chunk of the server (1 MiB) and in a
    folder, one with a space in its name."""
    return {
        "data/raw.bin": payload(name, 1_500_017),
        "data/probe A.json": payload(f"{name}/probe", 700),
        "notes.txt": payload(f"{name}/notes", 100),
    }


@pytest.fixture(scope="session")
async def registered(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path
) -> AsyncIterator[Served]:
    """Every real record, registered from its metadata (no files), with a reader's token; tests
    only read it."""
    root, port = tmp_path_factory.mktemp("registered"), free_port()
    copy_sqlite(sqlite_template, root / "catalog.db")
    settings = _settings(f"sqlite+aiosqlite:///{root / 'catalog.db'}", (root / "store").as_uri(), port)
    db = Database(settings.database_url)
    try:
        records = sorted((fixtures_dir / "records").glob("*.json"))
        await RecordImport(db, Vocabulary())(record for path in records for record in read_records(path))
        token = await tokens.create(db, "rita", "reader")
    finally:
        await db.dispose()
    served = Served(f"http://127.0.0.1:{port}", settings, token=token)
    with serve(settings, port, served):
        yield served


@pytest.fixture
def cat(registered: Served) -> Iterator[Catalog]:
    """The client of the catalog of every real record; its log starts empty."""
    registered.requests.clear()
    with Catalog(registered.url) as client:
        yield client


@pytest.fixture
async def local_files(
    request: pytest.FixtureRequest, tmp_path: Path, fixtures_dir: Path
) -> AsyncIterator[Served]:
    """Two real records ingested with their files into a local folder (served by ``/files``)."""
    async for served in _ingested(request, tmp_path, fixtures_dir, (tmp_path / "store").as_uri(), None):
        yield served


@pytest.fixture
async def moto_files(
    request: pytest.FixtureRequest, tmp_path: Path, fixtures_dir: Path, s3_bucket: tuple[str, str]
) -> AsyncIterator[Served]:
    """The same records in a moto bucket (which checks no signature)."""
    endpoint, bucket = s3_bucket
    storage = f"s3://{bucket}/catalog-{uuid.uuid4().hex[:8]}"
    async for served in _ingested(request, tmp_path, fixtures_dir, storage, endpoint):
        yield served


@pytest.fixture
async def s3rver_files(
    request: pytest.FixtureRequest,
    s3rver: tuple[str, str],
    tmp_path: Path,
    fixtures_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Served]:
    """The same records in s3rver, which refuses a presigned URL past its expiry."""
    for name, value in S3RVER_ENV.items():
        monkeypatch.setenv(name, value)
    endpoint, bucket = s3rver
    storage = f"s3://{bucket}/catalog-{uuid.uuid4().hex[:8]}"
    async for served in _ingested(request, tmp_path, fixtures_dir, storage, endpoint, indexed=True):
        yield served


@pytest.fixture(params=["local", "moto"])
def with_files(request: pytest.FixtureRequest) -> Served:
    """A catalog of files in a local folder, then in an S3 bucket."""
    served: Served = request.getfixturevalue(f"{request.param}_files")
    return served


@pytest.fixture(params=["local", "moto", "s3rver"])
def signing(request: pytest.FixtureRequest) -> Served:
    """A catalog of files behind signed links: its own, moto's presigned URLs, s3rver's."""
    served: Served = request.getfixturevalue(f"{request.param}_files")
    return served


@pytest.fixture(params=["local", "s3rver"])
def expiring(request: pytest.FixtureRequest) -> Served:
    """A catalog of files whose signed links stop working when they expire."""
    served: Served = request.getfixturevalue(f"{request.param}_files")
    return served


@pytest.fixture
async def local_uploads(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Served]:
    """An empty catalog that takes uploads into a local folder (through its own signed PUT route)."""
    async for served in _taking_uploads(request, tmp_path, (tmp_path / "store").as_uri(), None):
        yield served


@pytest.fixture
async def moto_uploads(
    request: pytest.FixtureRequest, tmp_path: Path, s3_bucket: tuple[str, str]
) -> AsyncIterator[Served]:
    """The same, into a moto bucket."""
    endpoint, bucket = s3_bucket
    storage = f"s3://{bucket}/catalog-{uuid.uuid4().hex[:8]}"
    async for served in _taking_uploads(request, tmp_path, storage, endpoint):
        yield served


@pytest.fixture
async def s3rver_uploads(
    request: pytest.FixtureRequest,
    s3rver: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Served]:
    """The same, into s3rver, which checks the PUT URLs' signatures and expiry."""
    for name, value in S3RVER_ENV.items():
        monkeypatch.setenv(name, value)
    endpoint, bucket = s3rver
    storage = f"s3://{bucket}/catalog-{uuid.uuid4().hex[:8]}"
    async for served in _taking_uploads(request, tmp_path, storage, endpoint):
        yield served


@pytest.fixture(params=["local", "moto", "s3rver"])
def uploading(request: pytest.FixtureRequest) -> Served:
    """An empty catalog that takes uploads, with a writer's and a reader's token, in each kind of
    store. Files above 5 MiB (the least S3 allows) go in parts."""
    served: Served = request.getfixturevalue(f"{request.param}_uploads")
    return served


async def _taking_uploads(
    request: pytest.FixtureRequest, tmp_path: Path, storage: str, endpoint: str | None
) -> AsyncIterator[Served]:
    port = free_port()
    settings = _fresh_catalog(
        request,
        tmp_path,
        storage,
        port,
        s3_endpoint_url=endpoint,
        multipart_threshold=UPLOAD_PART,
        multipart_chunk_size=UPLOAD_PART,
    )
    db = Database(settings.database_url)
    try:
        reader = await tokens.create(db, "rita", "reader")
        writer = await tokens.create(db, "wanda", "writer")
    finally:
        await db.dispose()
    served = Served(f"http://127.0.0.1:{port}", settings, token=reader, writer=writer)
    with serve(settings, port, served):
        yield served


async def _ingested(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    fixtures_dir: Path,
    storage: str,
    endpoint: str | None,
    *,
    indexed: bool = False,
) -> AsyncIterator[Served]:
    """The records of ``DOWNLOADED`` in a catalog on ``storage``, served. ``indexed``: the folders
    are copied into the store and indexed there (s3rver lacks the multipart listing an ingest
    uses to clean up after a crash)."""
    port = free_port()
    settings = _fresh_catalog(request, tmp_path, storage, port, s3_endpoint_url=endpoint)
    db, store = Database(settings.database_url), open_store(settings)
    sources = {}
    try:
        for name in DOWNLOADED:
            sources[name] = write_asset(
                tmp_path / "src", name, load_record(fixtures_dir, name), asset_files(name)
            )
        if indexed:
            for name, folder in sources.items():
                for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                    await store.put_bytes(f"{name}/{path.relative_to(folder).as_posix()}", path.read_bytes())
            await StoreIndex(db, Vocabulary())(store)
        else:
            ingest = FolderIngest(db, store, Vocabulary())
            for folder in sources.values():
                await ingest(folder)
    finally:
        await store.close()
        await db.dispose()
    served = Served(f"http://127.0.0.1:{port}", settings, sources=sources)
    with serve(settings, port, served):
        yield served


def _fresh_catalog(
    request: pytest.FixtureRequest, tmp_path: Path, storage: str, port: int, **more: Any
) -> Settings:
    """The settings of an empty catalog in ``tmp_path`` (a copy of the migrated template)."""
    sqlite_template: Path = request.getfixturevalue("sqlite_template")
    copy_sqlite(sqlite_template, tmp_path / "catalog.db")
    return _settings(f"sqlite+aiosqlite:///{tmp_path / 'catalog.db'}", storage, port, **more)


def _settings(database_url: str, storage_url: str, port: int, **more: Any) -> Settings:
    return Settings(
        database_url=database_url,
        storage_url=storage_url,
        public_url=f"http://127.0.0.1:{port}",
        secret_key="client-test-secret",
        **more,
    )


async def corrupt(served: Served, name: str, path: str) -> None:
    """The stored object of ``name/path`` replaced by bytes of the same size that differ: what a
    damaged store serves behind the catalog's back."""
    store = open_store(served.settings)
    try:
        await store.put_bytes(f"{name}/{path}", bytes(reversed(asset_files(name)[path])))
    finally:
        await store.close()


async def mirrored(served: Served, name: str, root: Path) -> Path:
    """A copy of the asset's folder under ``root``, listed as its further location (as the command
    line's ``catalog locate --add``); its primary copy in the catalog's own store, returned."""
    mirror = root / name
    shutil.copytree(served.sources[name], mirror)
    db = Database(served.settings.database_url)
    try:
        with access.acting_as(access.OPERATOR, "command line"):
            await locations.add(db, name, mirror.as_uri(), label="mirror")
    finally:
        await db.dispose()
    return Path(served.settings.storage_url.removeprefix("file://")) / name
