"""A catalog of real records served by ``catalog serve`` in a process of its own, for tests that
attack it: a request that freezes the server cannot freeze the test, which restarts the server
and goes on with the next case."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from servers import free_port, run_coroutine

from catalog.conventions.modalities import Vocabulary
from catalog.db import migrate
from catalog.db.engine import Database
from catalog.services.demo import build_demo
from catalog.storage import open_store

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from types import ModuleType

    from catalog.config import Settings

QC_RECORD = "multiplane-ophys_804670_2025-09-17_10-26-00_processed_2025-09-18_18-01-45"
"""A real record whose quality-control document holds a 5.8 KB one-line string."""
LONG_STRING_PATH = ("quality_control", "evaluations.metrics.value.curations")
"""Where that string is: what a backtracking regex is run over."""


def _graphql_serving() -> ModuleType:
    """tests/graphql/conftest.py, for its serving helpers: loaded under a name of its own, since
    every conftest module is named ``conftest``."""
    path = Path(__file__).resolve().parent.parent / "graphql" / "conftest.py"
    spec = importlib.util.spec_from_file_location("graphql_serving", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


serving = _graphql_serving()


class CatalogProcess:
    """``catalog serve`` in a subprocess on ``settings``; ``restart`` replaces a frozen one."""

    def __init__(self, settings: Settings, port: int, log: Path) -> None:
        self.settings, self.port, self.log = settings, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.restarts = 0
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = dict(
            os.environ,
            CATALOG_DATABASE_URL=self.settings.database_url,
            CATALOG_STORAGE_URL=self.settings.storage_url,
            CATALOG_PUBLIC_URL=self.settings.public_url,
            CATALOG_SECRET_KEY=self.settings.secret_key,
        )
        command = [
            sys.executable,
            "-m",
            "catalog.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        with self.log.open("ab") as out:
            self._process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"catalog serve did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # frozen inside a C call: SIGTERM waits for it
            process.kill()
            process.wait()

    def restart(self) -> None:
        self.restarts += 1
        self.stop()
        self.start()


async def _build_demo(settings: Settings) -> None:
    db = Database(settings.database_url)
    store = open_store(settings)
    try:
        await migrate.ensure_schema(db)
        await build_demo(db, store, Vocabulary())
    finally:
        await store.close()
        await db.dispose()


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CatalogProcess]:
    """The demo catalog (real records, their session variants and derived chains, with files) on
    the embedded default, served by ``catalog serve`` with its web catalog. A sync fixture: the
    browser tests drive playwright's own event loop, which must not meet pytest-asyncio's."""
    root, port = tmp_path_factory.mktemp("site"), free_port()
    settings = serving.local_settings(f"sqlite+aiosqlite:///{root / 'catalog.db'}", root, port)
    run_coroutine(_build_demo(settings))
    server = CatalogProcess(settings, port, root / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
async def attacked(
    module_migrated_database_url: str, tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path
) -> AsyncIterator[CatalogProcess]:
    """Six real records (one with a 5.8 KB string), served in a subprocess, once per module and
    backend."""
    root, port = tmp_path_factory.mktemp("attacked"), free_port()
    settings = serving.local_settings(module_migrated_database_url, root, port)
    await serving.ingest_records(settings, root / "src", fixtures_dir, [*serving.RECORDS, QC_RECORD])
    server = CatalogProcess(settings, port, root / "server.log")
    server.start()
    yield server
    server.stop()
