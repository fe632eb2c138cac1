"""Session-wide real services for the test suite: PostgreSQL, moto S3, and a fresh database per test."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import aioboto3
import pytest
from servers import FAKE_AWS_ENV, MotoS3Server, PostgresServer

from catalog.conventions.modalities import Vocabulary
from catalog.db import migrate
from catalog.db.engine import Database
from catalog.storage.local import LocalStore
from catalog.storage.s3 import S3Store

REPO_ROOT = Path(__file__).resolve().parent.parent
_database_numbers = itertools.count(1)


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


@contextmanager
def fresh_database(request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """A new, empty database on the backend ``request.param`` names."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'catalog.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = f"t_{next(_database_numbers)}"
    url = server.create_database(name)
    yield url
    server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test, on each backend the catalog supports."""
    with fresh_database(request, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One database per test module and backend, for modules that only read what they load once."""
    with fresh_database(request, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated, empty catalog database on each backend."""
    database = Database(database_url)
    await migrate.upgrade(database)
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
