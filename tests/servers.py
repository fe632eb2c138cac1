"""Real services for tests and benchmarks: a throwaway PostgreSQL cluster and a moto S3 server.

Plain helpers with no pytest dependency, so benchmarks and scripts can start the same services
the test suite uses. Both are context managers that clean up after themselves.
"""

from __future__ import annotations

import asyncio
import glob
import logging
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import asyncpg
import boto3
from moto.server import ThreadedMotoServer

if TYPE_CHECKING:
    from collections.abc import Coroutine, Sequence
    from types import TracebackType

FAKE_AWS_ACCESS_KEY_ID = "testing"
FAKE_AWS_SECRET_ACCESS_KEY = "testing"
FAKE_AWS_REGION = "us-east-1"
# What a process needs in its environment to talk to the fake S3 without real credentials.
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": FAKE_AWS_ACCESS_KEY_ID,
    "AWS_SECRET_ACCESS_KEY": FAKE_AWS_SECRET_ACCESS_KEY,
    "AWS_DEFAULT_REGION": FAKE_AWS_REGION,
    "AWS_REGION": FAKE_AWS_REGION,
}

PG_BIN_GLOBS = ("/usr/lib/postgresql/*/bin",)
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (the OS picks it, so parallel runs don't clash)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_pg_bin_dir(search_globs: Sequence[str] = PG_BIN_GLOBS) -> Path:
    """The directory holding `initdb` and `pg_ctl`: from PATH, else the newest Debian install."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        # Resolve symlinks (e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb).
        return Path(on_path).resolve().parent
    candidates = [Path(d) for pattern in search_globs for d in glob.glob(pattern)]
    candidates = [d for d in candidates if (d / "initdb").is_file() and (d / "pg_ctl").is_file()]
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries not found: no `initdb` on PATH nor in "
            f"{', '.join(search_globs)}. Install them with `apt-get install -y postgresql` "
            "(`.ci/run` does this on a fresh machine)."
        )
    return max(candidates, key=lambda d: [int(p) for p in re.findall(r"\d+", d.parent.name)] or [0])


def run_coroutine(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to completion in a worker thread.

    A thread of its own keeps this usable from sync fixtures while pytest-asyncio owns the main
    thread's event loop (asyncio.run there would replace and then unset that loop).
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


class _Service:
    """A server that is a context manager: started on entry, stopped on exit."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class PostgresServer(_Service):
    """A throwaway PostgreSQL cluster on 127.0.0.1 with trust auth, tuned for speed over durability.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user and
    every server command goes through `runuser`.
    """

    def __init__(self, *, start_timeout: float = 60.0) -> None:
        self.bin_dir = find_pg_bin_dir()
        self.start_timeout = start_timeout
        self.port: int | None = None
        self.startup_seconds: float | None = None
        self._base: Path | None = None
        self._as_root = os.geteuid() == 0

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        assert self._base is not None, "server not started"
        return self._base / "data"

    def start(self) -> None:
        started = time.perf_counter()
        self._base = Path(tempfile.mkdtemp(prefix="catalog-pg-"))
        try:
            if self._as_root:
                user = _ensure_postgres_user()
                os.chown(self._base, user.pw_uid, user.pw_gid)
            self._pg(
                "initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--no-locale", "--no-sync",
            )  # fmt: skip
            self._start_on_free_port()
        except BaseException:
            self._cleanup()
            raise
        self.startup_seconds = time.perf_counter() - started

    def _start_on_free_port(self, attempts: int = 3) -> None:
        """Start the server; retry on a new port if another process grabbed ours meanwhile."""
        for attempt in range(1, attempts + 1):
            port = free_port()
            try:
                self._start_on(port)
            except RuntimeError as error:
                if attempt == attempts or "already in use" not in str(error):
                    raise
                continue
            self.port = port
            return

    def _start_on(self, port: int) -> None:
        assert self._base is not None
        log = self._base / "server.log"
        options = (
            f"-p {port} -k {self._base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        try:
            self._pg(
                "pg_ctl", "-D", str(self.data_dir), "-l", str(log), "-w",
                "-t", str(int(self.start_timeout)), "-o", options, "start",
            )  # fmt: skip
        except RuntimeError:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start; server log:\n{tail}") from None

    def halt(self) -> None:
        """Stop the server, dropping every connection, keeping its data and port for ``resume``.
        (A fast shutdown: an immediate one would lose commits this cluster never syncs.)"""
        self._pg("pg_ctl", "-D", str(self.data_dir), "stop", "-m", "fast", "-w")

    def resume(self) -> None:
        """Start the halted server again on the same port (crash recovery runs first)."""
        assert self.port is not None, "server not started"
        self._start_on(self.port)

    def stop(self) -> None:
        if self._base is None:
            return
        try:
            if self.port is not None:
                self._pg("pg_ctl", "-D", str(self.data_dir), "stop", "-m", "fast", "-w")
        finally:
            self._cleanup()

    def _cleanup(self) -> None:
        if self._base is not None:
            shutil.rmtree(self._base, ignore_errors=True)
        self._base = None
        self.port = None

    def _pg(self, program: str, *args: str) -> None:
        """Run a PostgreSQL binary, as the `postgres` user when we are root."""
        command = [str(self.bin_dir / program), *args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        # cwd: the postgres user may not be able to enter the caller's directory.
        done = subprocess.run(command, cwd=self._base, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(
                f"{program} failed with exit code {done.returncode}:\n{done.stdout}{done.stderr}"
            )

    # -- databases -------------------------------------------------------------------------
    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL (asyncpg driver) of a database in this cluster."""
        assert self.port is not None, "server not started"
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """libpq-style DSN, for asyncpg or psql directly."""
        assert self.port is not None, "server not started"
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, *statements: str, database: str = "postgres") -> None:
        """Run SQL statements one by one (outside a transaction, so CREATE DATABASE works)."""

        async def run() -> None:
            conn = await asyncpg.connect(self.dsn(database))
            try:
                for statement in statements:
                    await conn.execute(statement)
            finally:
                await conn.close()

        run_coroutine(run())

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Create a database, empty or a copy of ``template``, and return its SQLAlchemy URL.

        Copying a migrated template costs a file copy where migrating costs a whole alembic run;
        PostgreSQL refuses the copy while anyone is connected to the template."""
        copy = "" if template is None else f' TEMPLATE "{_identifier(template)}"'
        self.execute(f'CREATE DATABASE "{_identifier(name)}"{copy}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database even if a test left connections open (FORCE terminates them)."""
        self.execute(f'DROP DATABASE IF EXISTS "{_identifier(name)}" WITH (FORCE)')


def _identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain lower-case SQL identifier: {name!r}")
    return name


def _ensure_postgres_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "-r", "postgres"], check=True)
        return pwd.getpwnam("postgres")


class MotoS3Server(_Service):
    """moto's S3 in server mode on 127.0.0.1, reached over HTTP like a real endpoint.

    Runs in a thread of this process. It accepts any credentials and does not verify presigned
    URL signatures or expiry, so tests of those need a stricter server.
    """

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet
        self._server: ThreadedMotoServer | None = None
        self.port: int | None = None
        self.startup_seconds: float | None = None

    def start(self) -> None:
        started = time.perf_counter()
        if self.quiet:  # one log line per request slows benchmarks; under pytest they help debugging
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
        # Port 0: the server binds a free port itself, so there is no window for another process.
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        self.port = self._server.get_host_and_port()[1]
        self.startup_seconds = time.perf_counter() - started

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        self._server = None
        self.port = None

    @property
    def endpoint_url(self) -> str:
        assert self.port is not None, "server not started"
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> Any:
        """A synchronous boto3 S3 client for setup and assertions."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=FAKE_AWS_ACCESS_KEY_ID,
            aws_secret_access_key=FAKE_AWS_SECRET_ACCESS_KEY,
            region_name=FAKE_AWS_REGION,
        )

    def create_bucket(self, name: str) -> str:
        """Create a bucket (in the fake region) and return its name."""
        self.client().create_bucket(Bucket=name)
        return name

    def reset(self) -> None:
        """Forget every bucket and object, through moto's own reset endpoint."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()


class UvicornServer:
    """An ASGI app served over real HTTP on a loopback port, in a thread of this process."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        import uvicorn

        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> UvicornServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
