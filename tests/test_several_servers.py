"""Several ``catalog serve`` processes in front of one database, as a deployment runs them: a
link signed by one server is served by another (the secret comes from the settings, not the
process), a write made through one is read through another at once, and ``--workers 2`` runs two
processes that each answer, and stop together on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from factories import load_record, payload, write_asset
from servers import PostgresServer, free_port, run_coroutine

from catalog.cli import check_pool
from catalog.config import Settings
from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.services import tokens
from catalog.services.ingest import FolderIngest
from catalog.storage import open_store

if TYPE_CHECKING:
    from collections.abc import Iterator

NAME = "ecephys_660104_2023-07-24_18-18-13"
SECRET = "one-secret-for-every-server"
CORRECT = """mutation($n: String!, $c: JSON!) { correctMetadata(name: $n, document: "subject",
  content: $c, reason: "genotype typo") { name } }"""
VERSIONS = (
    """query($n: String!) { asset(name: $n) { metadataVersions(document: "subject") { version reason } } }"""
)


def server_env(database_url: str, root: Path) -> dict[str, str]:
    """What every server of the deployment shares: database, store and secret (no public URL:
    each derives its own from where it listens)."""
    own = {name: value for name, value in os.environ.items() if not name.startswith("CATALOG_")}
    return own | {
        "CATALOG_DATABASE_URL": database_url,
        "CATALOG_STORAGE_URL": (root / "store").as_uri(),
        "CATALOG_SECRET_KEY": SECRET,
    }


def prepare(env: dict[str, str], root: Path, fixtures: Path) -> str:
    """One real record ingested, and a writer's token (its secret returned)."""

    async def main() -> str:
        settings = Settings(database_url=env["CATALOG_DATABASE_URL"], storage_url=env["CATALOG_STORAGE_URL"])
        db, store = Database(settings.database_url), open_store(settings)
        try:
            await FolderIngest(db, store, Vocabulary())(
                write_asset(root / "src", NAME, load_record(fixtures, NAME))
            )
            return await tokens.create(db, "walt", "writer")
        finally:
            await store.close()
            await db.dispose()

    secret: list[str] = []

    async def keep() -> None:
        secret.append(await main())

    run_coroutine(keep())
    return secret[0]


class Serve:
    """``catalog serve`` as a real process on a loopback port."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "catalog.cli", "serve", "--port", str(self.port), *args]
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.log = log

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"catalog serve did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@contextmanager
def serving(env: dict[str, str], log: Path, count: int, *args: str) -> Iterator[list[Serve]]:
    """``count`` servers started together (their imports overlap), each answering /readyz."""
    with ExitStack() as stack:
        servers = [Serve(env, log, *args) for _ in range(count)]
        for server in servers:
            stack.callback(server.stop)
        for server in servers:
            server.wait_ready()
        yield servers


@pytest.fixture(scope="module")
def two_servers(
    postgres: PostgresServer,
    postgres_template: str,
    tmp_path_factory: pytest.TempPathFactory,
    fixtures_dir: Path,
) -> Iterator[tuple[Serve, Serve, dict[str, str]]]:
    root = tmp_path_factory.mktemp("two-servers")
    url = postgres.create_database("two_servers", template=postgres_template)
    env = server_env(url, root)
    writer = prepare(env, root, fixtures_dir)
    try:
        with serving(env, root / "serve.log", 2) as (first, second):
            yield first, second, {"Authorization": f"Bearer {writer}"}
    finally:
        postgres.drop_database("two_servers")


def test_a_download_link_signed_by_one_server_is_served_by_another(
    two_servers: tuple[Serve, Serve, dict[str, str]],
) -> None:
    first, second, _ = two_servers
    redirect = httpx.get(f"{first.url}/download/{NAME}/data/raw.bin")
    assert redirect.status_code == 302
    signed = redirect.headers["location"]
    assert signed.startswith(f"{first.url}/files/")

    served = httpx.get(signed.replace(first.url, second.url, 1))

    assert served.status_code == 200
    assert served.content == payload(NAME)
    tampered = httpx.get(signed.replace(first.url, second.url, 1).replace("signature=", "signature=0"))
    assert tampered.status_code == 403


def test_a_write_through_one_server_is_read_through_another_at_once(
    two_servers: tuple[Serve, Serve, dict[str, str]],
) -> None:
    first, second, writer = two_servers
    subject = {"subject_id": "660104", "genotype": "wt/wt"}

    corrected = httpx.post(
        f"{first.url}/graphql",
        json={"query": CORRECT, "variables": {"n": NAME, "c": subject}},
        headers=writer,
    ).json()
    seen = httpx.post(f"{second.url}/graphql", json={"query": VERSIONS, "variables": {"n": NAME}}).json()

    assert "errors" not in corrected, corrected
    versions = seen["data"]["asset"]["metadataVersions"]
    assert versions[-1] == {"version": 2, "reason": "genotype typo"}


def workers_of(pid: int) -> list[int]:
    """The processes ``pid`` started that run the server (multiprocessing's spawned children, not
    its resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return sorted(found)


def answers_alone(server: Serve, worker: int, others: list[int], requests: int = 10) -> bool:
    """Whether ``worker`` answers requests by itself: the others are stopped meanwhile (briefly:
    uvicorn's supervisor replaces a worker that stays silent for long)."""
    for other in others:
        os.kill(other, signal.SIGSTOP)
    try:
        return all(
            httpx.get(f"{server.url}/healthz", timeout=2, headers={"connection": "close"}).status_code == 200
            for _ in range(requests)
        )
    except httpx.HTTPError:
        return False
    finally:
        for other in others:
            os.kill(other, signal.SIGCONT)


def wait_until_answering(server: Serve, workers: list[int], timeout: float = 60) -> None:
    """The first worker up answered /readyz; the others may still be starting."""
    deadline = time.monotonic() + timeout
    for worker in workers:
        others = [w for w in workers if w != worker]
        while not answers_alone(server, worker, others, requests=1):
            assert time.monotonic() < deadline, f"worker {worker} never answered"
            time.sleep(0.5)


def test_workers_are_processes_that_each_answer_and_stop_together(
    migrated_database_url: str, tmp_path: Path, fixtures_dir: Path
) -> None:
    """On PostgreSQL and on SQLite (WAL: readers run in parallel, writers take turns)."""
    env = server_env(migrated_database_url, tmp_path)
    writer = prepare(env, tmp_path, fixtures_dir)
    with serving(env, tmp_path / "serve.log", 1, "--workers", "2") as (server,):
        workers = workers_of(server.process.pid)
        assert len(workers) == 2, server.log.read_text()
        wait_until_answering(server, workers)
        for worker in workers:
            assert answers_alone(server, worker, [w for w in workers if w != worker])
        written = httpx.post(
            f"{server.url}/graphql",
            json={"query": CORRECT, "variables": {"n": NAME, "c": {"subject_id": "660104"}}},
            headers={"Authorization": f"Bearer {writer}"},
        ).json()
        assert "errors" not in written, written
        link = httpx.get(f"{server.url}/download/{NAME}/data/raw.bin", follow_redirects=True)
        assert link.content == payload(NAME)  # public URL derived from --port, in every worker

        assert server.stop() == 0
    assert all(not Path(f"/proc/{worker}").exists() for worker in workers)


def pool_warning(url: str, workers: int, capsys: pytest.CaptureFixture[str], **pool: Any) -> str:
    async def main() -> None:
        db = Database(url)
        try:
            await check_pool(Settings(database_url=url, **pool), db, workers=workers)
        finally:
            await db.dispose()

    run_coroutine(main())
    return capsys.readouterr().err


def test_serve_warns_when_the_pools_could_exceed_what_postgresql_takes(
    postgres: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """The test cluster takes 200 connections, 3 of them reserved for superusers: 197."""
    url = postgres.url()
    assert pool_warning(url, 6, capsys) == ""  # 6 x (10 + 20) = 180
    warned = pool_warning(url, 7, capsys)
    assert warned.startswith("warning: 7 workers x (10 pooled + 20 overflow) = 210 connections")
    assert "the database takes 197" in warned
    assert pool_warning(url, 7, capsys, db_pool_size=5, db_max_overflow=5) == ""
