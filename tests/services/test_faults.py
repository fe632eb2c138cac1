"""Faults: a real ``catalog ingest`` killed with SIGKILL at several points, then run again at
once, ends byte-identical and complete with nothing partial left; two ingests of one name at once
have one winner.

Each kill point is reached by stepping the process: it is stopped (SIGSTOP, and ``waitpid``
confirms it), the test looks at the database and the store while it cannot move, and either
kills it there or lets it run a moment more. What the test saw is exactly what the kill leaves."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest
from factories import payload, sha256, write_asset
from sqlalchemy import func, select

from catalog.db.models import Asset, AssetState, File

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from servers import MotoS3Server

    from catalog.db.engine import Database

PRIMARY = "ecephys_655568_2022-04-26_11-48-09"
TINY = 1200
"""Small files sent first, one at a time: recorded 500 at a time, so some are recorded early."""
BIG = 48 * 1024 * 1024
"""The last file: big enough to be caught while it is being written."""
COMMAND = Path(sys.executable).parent / "catalog"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="steps processes with SIGSTOP and waitpid")


def content() -> dict[str, bytes]:
    files = {f"a/{i:04d}.bin": payload(str(i), 64) for i in range(TINY)}
    return files | {"b/big.bin": payload("big", BIG)}


def environment(database_url: str, storage_url: str, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CATALOG_")}
    return base | {
        "CATALOG_DATABASE_URL": database_url,
        "CATALOG_STORAGE_URL": storage_url,
        "CATALOG_INGEST_CONCURRENCY": "1",
        **extra,
    }


def start(folder: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(COMMAND), "ingest", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def ingest_again(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The rerun, right away, to its end."""
    command = [str(COMMAND), "ingest", str(folder)]
    return await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True, timeout=120
    )


class Stepped:
    """A child process run in small steps, looked at only while it is stopped."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    async def kill_when(self, reached: Callable[[], Awaitable[bool]], *, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self._stop():
                out, err = self.process.communicate()
                pytest.fail(f"the ingest ended before the kill point:\n{out}{err}")
            if await reached():
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
                return
            os.kill(self.process.pid, signal.SIGCONT)
            await asyncio.sleep(0.002)  # let it run a step; the next look happens while it is stopped
        self.process.kill()
        self.process.wait()
        pytest.fail("the kill point was not reached")

    def _stop(self) -> bool:
        """Stop the process and wait until it is; False if it exited instead."""
        os.kill(self.process.pid, signal.SIGSTOP)
        _, status = os.waitpid(self.process.pid, os.WUNTRACED)
        if os.WIFSTOPPED(status):
            return True
        self.process.returncode = os.waitstatus_to_exitcode(status)
        return False


async def asset_state(db: Database) -> tuple[str | None, int]:
    """(state of the asset or None, files recorded for it)."""
    async with db.reader() as session:
        state = await session.scalar(select(Asset.state).where(Asset.name == PRIMARY))
        recorded = await session.scalar(
            select(func.count()).select_from(File).join(Asset).where(Asset.name == PRIMARY)
        )
    return state, recorded or 0


def partial_files(store: Path) -> list[Path]:
    return list(store.rglob("*.catalog-partial"))


async def assert_complete(db: Database, expected: dict[str, bytes], stored: Callable[[str], bytes]) -> None:
    """Visible, every file recorded with its size and hash, and the store holding its bytes."""
    async with db.reader() as session:
        asset = await session.scalar(select(Asset).where(Asset.name == PRIMARY))
        query = select(File.path, File.size, File.sha256).join(Asset).where(Asset.name == PRIMARY)
        rows = (await session.execute(query)).all()
    assert asset is not None
    assert (asset.state, asset.file_count, asset.total_size) == (
        AssetState.READY,
        len(expected),
        sum(len(data) for data in expected.values()),
    )
    assert {path: (size, digest) for path, size, digest in rows} == {
        path: (len(data), sha256(data)) for path, data in expected.items()
    }
    assert all(stored(f"{PRIMARY}/{path}") == data for path, data in expected.items())


async def at_claim(db: Database, _store: Path) -> bool:
    return await asset_state(db) == (AssetState.PENDING, 0)


async def with_files_recorded(db: Database, _store: Path) -> bool:
    state, recorded = await asset_state(db)
    return state == AssetState.PENDING and recorded >= 500


async def mid_upload(_db: Database, store: Path) -> bool:
    """The big file half written."""
    return any(path.stat().st_size > 0 for path in partial_files(store / PRIMARY / "b"))


async def before_publish(db: Database, _store: Path) -> bool:
    return await asset_state(db) == (AssetState.PENDING, TINY + 1)


@pytest.mark.parametrize("point", [at_claim, with_files_recorded, mid_upload, before_publish])
async def test_an_ingest_killed_at_any_point_is_completed_by_an_immediate_rerun(
    point: Callable[[Database, Path], Awaitable[bool]],
    db: Database,
    migrated_database_url: str,
    tmp_path: Path,
) -> None:
    files = content()
    folder = write_asset(tmp_path / "src", PRIMARY, files=files)
    store = tmp_path / "store"
    env = environment(migrated_database_url, store.as_uri())

    await Stepped(start(folder, env)).kill_when(lambda: point(db, store))
    state, recorded = await asset_state(db)
    assert state == AssetState.PENDING
    if point is mid_upload:
        assert partial_files(store)
    rerun = await ingest_again(folder, env)

    assert rerun.returncode == 0, rerun.stderr
    stored, reused = map(int, re.findall(r"\((\d+) stored, (\d+) already there\)", rerun.stdout)[0])
    assert reused >= recorded, "files stored and recorded before the kill are not sent again"
    assert stored + reused == len(files)
    await assert_complete(db, files, lambda key: (store / key).read_bytes())
    assert partial_files(store) == []


async def test_an_upload_to_a_bucket_killed_mid_file_is_aborted_and_completed_by_a_rerun(
    db: Database, migrated_database_url: str, s3_server: MotoS3Server, tmp_path: Path
) -> None:
    """An S3 multipart upload cut off stays in the bucket (invisible, billed) until aborted."""
    s3 = boto3.client("s3", endpoint_url=s3_server.endpoint_url)
    bucket = f"faults-{os.getpid()}-{time.monotonic_ns()}"
    s3.create_bucket(Bucket=bucket)
    files = {"a/small.bin": payload("small"), "b/big.bin": payload("big", 24 * 1024 * 1024)}
    folder = write_asset(tmp_path / "src", PRIMARY, files=files)
    env = environment(
        migrated_database_url,
        f"s3://{bucket}/catalog",
        CATALOG_S3_ENDPOINT_URL=s3_server.endpoint_url,
        CATALOG_MULTIPART_THRESHOLD=str(5 * 1024 * 1024),
        CATALOG_MULTIPART_CHUNK_SIZE=str(5 * 1024 * 1024),
    )

    def uploads() -> list[str]:
        return [
            u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket, Prefix="catalog/").get("Uploads", [])
        ]

    async def uploading() -> bool:
        return bool(uploads())

    await Stepped(start(folder, env)).kill_when(uploading)
    assert uploads() == [f"catalog/{PRIMARY}/b/big.bin"]
    rerun = await ingest_again(folder, env)

    assert rerun.returncode == 0, rerun.stderr
    assert uploads() == []
    await assert_complete(
        db, files, lambda key: s3.get_object(Bucket=bucket, Key=f"catalog/{key}")["Body"].read()
    )


async def test_two_ingests_of_one_name_at_once_have_one_winner_and_a_clear_answer_for_the_other(
    db: Database, migrated_database_url: str, tmp_path: Path
) -> None:
    files = {"a/small.bin": payload("small"), "b/big.bin": payload("big", 16 * 1024 * 1024)}
    folder = write_asset(tmp_path / "src", PRIMARY, files=files)
    store = tmp_path / "store"
    env = environment(migrated_database_url, store.as_uri())

    both = [start(folder, env), start(folder, env)]
    answers = [(*p.communicate(timeout=120), p.returncode) for p in both]

    winners = [out for out, _, code in answers if code == 0 and out.startswith("registered ")]
    others = [answer for answer in answers if not answer[0].startswith("registered ")]
    assert len(winners) == 1
    ((out, err, code),) = others
    assert (code == 1 and "being registered by another ingest right now" in err) or (
        code == 0 and out.startswith("unchanged ")
    ), (code, out, err)
    await assert_complete(db, files, lambda key: (store / key).read_bytes())
    assert partial_files(store) == []
