"""Session-wide real services for the test suite: PostgreSQL, moto S3, and a database of its own
per test (empty, or a copy of a template migrated once per session)."""

from __future__ import annotations

import itertools
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import aioboto3
import pytest
from databases import copy_sqlite
from servers import FAKE_AWS_ENV, MotoS3Server, PostgresServer, run_coroutine

from catalog.conventions.modalities import Vocabulary
from catalog.db import migrate
from catalog.db.engine import Database
from catalog.storage.local import LocalStore
from catalog.storage.s3 import S3Store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

REPO_ROOT = Path(__file__).resolve().parent.parent
_database_numbers = itertools.count(1)
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The shared real-world fixtures, checked out beside the repository as ../shared."""
    path = REPO_ROOT.parent / "shared" / "fixtures"
    if not path.is_dir():
        pytest.fail(f"shared fixtures not found at {path}: clone the repo next to shared/", pytrace=False)
    return path


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL cluster for the whole session (started only if a test asks)."""
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="session")
def s3_server() -> Iterator[MotoS3Server]:
    """One moto S3 server for the session, with fake AWS credentials in the environment."""
    with pytest.MonkeyPatch.context() as env, MotoS3Server() as server:
        for name, value in FAKE_AWS_ENV.items():
            env.setenv(name, value)
        for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
            env.delenv(name, raising=False)
        yield server


POSTGRES_TEMPLATE = "catalog_template"


async def _migrate(url: str) -> None:
    database = Database(url)
    try:
        await migrate.upgrade(database)
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per session; tests get copies, so alembic runs once."""
    path = tmp_path_factory.mktemp("sqlite-template") / "catalog.db"
    run_coroutine(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres: PostgresServer) -> str:
    """A PostgreSQL database migrated to head once per session; tests get clones of it."""
    run_coroutine(_migrate(postgres.create_database(POSTGRES_TEMPLATE)))
    return POSTGRES_TEMPLATE


@contextmanager
def fresh_database(request: pytest.FixtureRequest, folder: Path, *, migrated: bool) -> Iterator[str]:
    """A database of its own on the backend ``request.param`` names: empty, or a copy of the
    session's migrated template."""
    if request.param == "sqlite":
        path = folder / "catalog.db"
        if migrated:
            copy_sqlite(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    template = request.getfixturevalue("postgres_template") if migrated else None
    name = f"t_{next(_database_numbers)}"
    url = server.create_database(name, template=template)
    yield url
    server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test, on each backend: for tests of migrations themselves."""
    with fresh_database(request, tmp_path, migrated=False) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def migrated_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own for one test, at the head revision, on each backend."""
    with fresh_database(request, tmp_path, migrated=True) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def module_migrated_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database at the head revision per test module and backend, for modules that only
    read what they load once."""
    with fresh_database(request, tmp_path_factory.mktemp("db"), migrated=True) as url:
        yield url


@pytest.fixture
async def db(migrated_database_url: str) -> AsyncIterator[Database]:
    """A migrated, empty catalog database on each backend."""
    database = Database(migrated_database_url)
    yield database
    await database.dispose()


@pytest.fixture
def local_store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "store", secret_key="test-secret", public_url="http://127.0.0.1:1")


@pytest.fixture(scope="session")
def vocabulary() -> Vocabulary:
    return Vocabulary()


MIN_PART = 5 * 1024 * 1024
"""S3's smallest part: used for every size knob so a 12 MiB file takes the multipart path."""


@pytest.fixture(scope="session")
async def s3_bucket(s3_server: MotoS3Server) -> tuple[str, str]:
    """(endpoint_url, bucket): a bucket created through aioboto3 on the session's moto server,
    with fake AWS credentials in the environment (set by ``s3_server``)."""
    bucket = f"storage-{uuid.uuid4().hex[:12]}"
    async with aioboto3.Session().client("s3", endpoint_url=s3_server.endpoint_url) as s3:
        await s3.create_bucket(Bucket=bucket)
    return s3_server.endpoint_url, bucket


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
    )
    yield store
    await store.close()


S3RVER_DIR = REPO_ROOT / "tests" / "s3rver"
S3RVER_CREDENTIALS = ("S3RVER", "S3RVER")
"""s3rver's built-in key pair: requests signed with anything else are refused."""


@pytest.fixture(scope="session")
def s3rver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(endpoint_url, bucket) of npm's @20minutes/s3rver, which verifies SigV4 signatures and the
    expiry of presigned URLs (moto checks neither). Installed by ``npm ci`` on first use; without
    node and npm this fails rather than skips, so the checks cannot quietly stop running."""
    import select
    import shutil
    import subprocess

    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail("the s3rver fixture needs node and npm on PATH", pytrace=False)
    if not (S3RVER_DIR / "node_modules").is_dir():
        install = [npm, "ci", "--no-audit", "--no-fund"]
        done = subprocess.run(install, cwd=S3RVER_DIR, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(f"npm ci in {S3RVER_DIR} failed:\n{done.stdout}{done.stderr}", pytrace=False)
    bucket, data = "presigned", tmp_path_factory.mktemp("s3rver")
    # Port 0: s3rver binds a free port itself and announces it, so no other process can take it meanwhile.
    with (data / "server.log").open("w") as log:
        server = subprocess.Popen(
            [node, "serve.js", "0", bucket, str(data / "objects")],
            cwd=S3RVER_DIR,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        ready, _, _ = select.select([server.stdout], [], [], 30)
        announced = server.stdout.readline() if ready and server.stdout else ""
        if not announced.startswith("listening "):
            log_tail = (data / "server.log").read_text()[-2000:]
            pytest.fail(f"s3rver did not start: {announced!r}\n{log_tail}", pytrace=False)
        yield f"http://127.0.0.1:{announced.split()[1]}", bucket
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
