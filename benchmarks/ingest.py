"""Ingest benchmark: how fast the catalog registers metadata and stores files.

Two measurements, each against services this script starts itself (a throwaway PostgreSQL
cluster and a moto S3 server on loopback, with fake AWS credentials):

(a) Metadata-only registration, ``RecordImport``: the path a lab takes to move an existing
    catalog over (thousands of DocDB records, no data copied). Realistic records are made
    from a handful of real AIND records (``../shared/fixtures/records``, 20-60 KB each,
    primary and derived), with name, subject id and dates varied per asset so every name is
    valid and unique. Reported as assets/s into a fresh SQLite file and a fresh PostgreSQL
    database (migrated to head), median over ``--repeat`` runs. Target: >= 1,000 assets/s on
    PostgreSQL.

(b) File ingest, ``FolderIngest``: an asset folder of many small files plus a few big ones
    (multipart) is hashed, uploaded with ``--concurrency`` (16) parallel uploads and
    registered in a fresh PostgreSQL catalog. The same
    files are uploaded by a plain aioboto3 client (``put_object`` for small files,
    ``upload_file`` for big ones, same concurrency, same multipart threshold and part size,
    one request in flight per file like the catalog) to another prefix, to tell the
    catalog's own overhead (hashing, metadata, bookkeeping) from what the S3 server and the
    client library cost anyway. Reported as MB/s (10^6 bytes) for both and their ratio,
    medians over ``--repeat`` runs, alternating which side goes first. Target: ratio >= 0.8.
    moto runs in a thread of this process and is pure Python, so absolute MB/s say more about
    moto than about S3; the ratio is the figure that matters.

Usage::

    .venv/bin/python benchmarks/ingest.py [--assets 10000] [--files 200 --file-size 262144]
        [--big-files 3 --big-size 20MiB] [--repeat 3] [--only import|files] [--profile]

Prints a Markdown table and rewrites the "Ingest" section of ``benchmarks/RESULTS.md``
(other sections are kept). ``--profile`` adds a cProfile of one more PostgreSQL import.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import platform
import pstats
import random
import re
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aioboto3
from aiobotocore.config import AioConfig
from boto3.s3.transfer import TransferConfig

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from results import RESULTS, verdict, write_section  # noqa: E402
from servers import FAKE_AWS_ENV, MotoS3Server, PostgresServer  # noqa: E402

from catalog.config import Settings  # noqa: E402
from catalog.conventions.metadata import CORE_DOCUMENTS  # noqa: E402
from catalog.conventions.modalities import Vocabulary  # noqa: E402
from catalog.conventions.names import AssetName, parse_name  # noqa: E402
from catalog.db.engine import Database  # noqa: E402
from catalog.db.migrate import upgrade  # noqa: E402
from catalog.services.imports import Record, RecordImport  # noqa: E402
from catalog.services.ingest import FolderIngest  # noqa: E402
from catalog.storage import open_store  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

RECORDS_DIR = REPO.parent / "shared" / "fixtures" / "records"
SECTION = "## Ingest (benchmarks/ingest.py)"

TEMPLATES = (
    # primary
    "SLAP2_801381_2025-10-02_15-23-18.json",
    "SmartSPIM_713468_2025-04-09_12-23-31.json",
    "behavior_754571_2024-11-07_10-55-48.json",
    "ecephys_786867_2025-09-25_12-43-56.json",
    "exaSPIM_675375_2024-02-27_18-50-24.json",
    # derived
    "438833_2019-03-15_15-31-03_nwb_2025-08-08_16-28-11.json",
    "behavior_775510_2025-04-13_15-30-30_processed_2025-04-14_04-09-06.json",
    "ecephys_697577_2024-02-13_16-24-10_nwb_2025-07-16_15-14-08.json",
    "multiplane-ophys_741865_2024-09-04_09-28-30_processed_2024-11-19_12-01-50.json",
)
FOLDER_TEMPLATE = "ecephys_786867_2025-09-25_12-43-56.json"
"""The metadata documents written at the top of the ingested asset folder."""

TIME_FIELDS = (
    "session_start_time",
    "session_end_time",
    "acquisition_start_time",
    "acquisition_end_time",
)
BASE_TIME = datetime(2018, 1, 1, 8, 0, 0)
BUCKET = "bench-ingest"
PG_TARGET = 1_000.0
RATIO_TARGET = 0.8
MB = 1_000_000
MIB = 1024 * 1024


@dataclass(slots=True)
class Runs:
    """Per-run figures of one measurement; the median is what the table reports."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def cells(self, digits: int) -> str:
        return ", ".join(f"{value:,.{digits}f}" for value in self.values)


# --- realistic records ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Template:
    record: dict[str, Any]
    name: AssetName


def load_templates(names: Sequence[str] = TEMPLATES) -> list[Template]:
    templates = []
    for file_name in names:
        record = json.loads((RECORDS_DIR / file_name).read_text(encoding="utf-8"))
        templates.append(Template(record, parse_name(record["name"])))
    return templates


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d_%H-%M-%S")


def _shift(value: object, delta: timedelta) -> object:
    """An ISO timestamp moved by ``delta`` (its zone kept); anything else unchanged."""
    if not isinstance(value, str):
        return value
    try:
        return (datetime.fromisoformat(value) + delta).isoformat()
    except ValueError:
        return value


def vary(template: Template, index: int) -> dict[str, Any]:
    """Asset ``index`` as a copy of ``template`` with its own name, subject and times.

    Only the documents that change are copied; the large unchanged ones are shared, which
    keeps 10,000 records in memory cheap without changing what registration has to do."""
    parsed = template.name
    subject = str(600_000 + index // 4)  # a few sessions per subject
    acquired = BASE_TIME + timedelta(hours=7 * index, seconds=index % 60)
    primary = "_".join(part for part in (parsed.label, subject, _stamp(acquired)) if part)
    name = primary
    if parsed.process_label:
        processed = acquired + timedelta(days=1 + index % 20, minutes=index % 45)
        name = f"{primary}_{parsed.process_label}_{_stamp(processed)}"
    delta = acquired - parsed.acquired

    record = dict(template.record)
    record.update(name=name, location=f"s3://{BUCKET}/{name}", _id=f"00000000-0000-4000-8000-{index:012d}")
    description = dict(record.get("data_description") or {})
    description.update(
        name=name, subject_id=subject, creation_time=_shift(description.get("creation_time"), delta)
    )
    if description.get("input_data_name"):
        description["input_data_name"] = primary
    record["data_description"] = description
    if isinstance(record.get("subject"), dict):
        record["subject"] = {**record["subject"], "subject_id": subject}
    for document in ("session", "acquisition"):
        if isinstance(record.get(document), dict):
            record[document] = {
                key: _shift(value, delta) if key in TIME_FIELDS else value
                for key, value in record[document].items()
            }
    return record


def make_records(count: int, templates: Sequence[Template]) -> list[Record]:
    """``count`` records cycling through the templates; every name valid and unique."""
    records = [Record(f"generated[{i}]", vary(templates[i % len(templates)], i)) for i in range(count)]
    names = {parse_name(record.content["name"]).name for record in records}
    if len(names) != count:
        raise RuntimeError(f"generated names are not unique: {count - len(names)} repeated")
    return records


# --- (a) metadata-only registration --------------------------------------------------------------


async def import_once(url: str, records: list[Record], profile: cProfile.Profile | None = None) -> float:
    """Seconds to import ``records`` into the empty database at ``url`` (migrated first, untimed)."""
    db = Database(url)
    try:
        await upgrade(db)
        if profile is not None:
            profile.enable()
        started = time.perf_counter()
        result = await RecordImport(db, Vocabulary())(records)
        elapsed = time.perf_counter() - started
        if profile is not None:
            profile.disable()
    finally:
        await db.dispose()
    check_import(result, len(records))
    return elapsed


def check_import(result: Any, expected: int) -> None:
    """Every record registered, none refused (the report's type is the service's business)."""
    if result.errors or result.registered != expected:
        raise RuntimeError(
            f"import registered {result.registered} of {expected}: {result.errors[:3]}"
            f"{' ...' if len(result.errors) > 3 else ''}"
        )


async def bench_sqlite(records: list[Record], repeat: int, workdir: Path) -> Runs:
    runs = Runs()
    for run in range(repeat):
        url = f"sqlite+aiosqlite:///{workdir / f'import-{run}.db'}"
        runs.values.append(len(records) / await import_once(url, records))
    return runs


async def bench_postgres(records: list[Record], repeat: int, server: PostgresServer) -> Runs:
    runs = Runs()
    for run in range(repeat):
        runs.values.append(len(records) / await on_fresh_postgres(server, f"bench_import_{run}", records))
    return runs


async def on_fresh_postgres(
    server: PostgresServer, database: str, records: list[Record], profile: cProfile.Profile | None = None
) -> float:
    url = await asyncio.to_thread(server.create_database, database)
    try:
        return await import_once(url, records, profile)
    finally:
        await asyncio.to_thread(server.drop_database, database)


async def profile_postgres(records: list[Record], server: PostgresServer, top: int = 30) -> str:
    """cProfile of one more PostgreSQL import: the functions where its time goes."""
    profile = cProfile.Profile()
    await on_fresh_postgres(server, "bench_import_profile", records, profile)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# --- (b) file ingest -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Payload:
    files: int
    file_size: int
    big_files: int
    big_size: int

    def describe(self) -> str:
        return (
            f"{self.files} × {self.file_size / 1024:g} KiB + {self.big_files} × {self.big_size / MIB:g} MiB"
        )


def write_payload(root: Path, payload: Payload, seed: int = 7) -> list[Path]:
    """Incompressible files: the small ones spread over a few folders, the big ones beside them."""
    rng = random.Random(seed)
    written = []
    sizes = [(f"data/block-{i // 50:02d}/file-{i:04d}.bin", payload.file_size) for i in range(payload.files)]
    sizes += [(f"data/big-{i}.bin", payload.big_size) for i in range(payload.big_files)]
    for relative, size in sizes:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(size))
        written.append(path)
    return written


def asset_folder(
    parent: Path, payload_root: Path, payload_files: list[Path], template: Template, index: int
) -> Path:
    """A fresh asset folder: real metadata documents with a new name, data files hard-linked."""
    record = vary(template, index)
    folder = parent / record["name"]
    folder.mkdir(parents=True)
    for document in CORE_DOCUMENTS:
        if isinstance(record.get(document), dict):
            (folder / f"{document}.json").write_text(json.dumps(record[document]), encoding="utf-8")
    for source in payload_files:
        target = folder / source.relative_to(payload_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target)
    return folder


def folder_files(folder: Path) -> list[tuple[str, Path, int]]:
    """(relative path, path, size) of every file below ``folder``."""
    found = []
    for directory, _, names in os.walk(folder):
        for name in names:
            path = Path(directory, name)
            found.append((path.relative_to(folder).as_posix(), path, path.stat().st_size))
    return sorted(found)


class PlainUploader:
    """What a lab script would do without the catalog: aioboto3 with bounded concurrency."""

    def __init__(self, client: Any, bucket: str, *, concurrency: int, threshold: int, part_size: int) -> None:
        self.client = client
        self.bucket = bucket
        self.concurrency = concurrency
        self.threshold = threshold
        # One part in flight per file, like the catalog: the semaphore alone bounds requests.
        self.transfer = TransferConfig(
            multipart_threshold=threshold, multipart_chunksize=part_size, max_concurrency=1
        )

    async def __call__(self, folder: Path, prefix: str) -> int:
        local = await asyncio.to_thread(folder_files, folder)
        semaphore = asyncio.Semaphore(self.concurrency)

        async def upload(relative: str, path: Path, size: int) -> None:
            key = f"{prefix}/{folder.name}/{relative}"
            async with semaphore:
                if size <= self.threshold:
                    body = await asyncio.to_thread(path.read_bytes)
                    await self.client.put_object(Bucket=self.bucket, Key=key, Body=body)
                else:
                    await self.client.upload_file(str(path), self.bucket, key, Config=self.transfer)

        await asyncio.gather(*(upload(*item) for item in local))
        return sum(size for _, _, size in local)


@dataclass(slots=True)
class FileRuns:
    catalog: Runs = field(default_factory=Runs)
    plain: Runs = field(default_factory=Runs)
    ratio: Runs = field(default_factory=Runs)
    total_bytes: int = 0


async def timed(action: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await action()
    return time.perf_counter() - started


async def check_ingest(ingest: FolderIngest, folder: Path) -> None:
    """Ingest ``folder``; a run that uploaded less than every file measured something else."""
    result = await ingest(folder)
    if result.outcome != "registered" or result.uploaded != result.files:
        raise RuntimeError(f"{folder.name}: expected a fresh upload, got {result}")


async def file_round(
    ingest: FolderIngest, plain: PlainUploader, folder: Path, runs: FileRuns, catalog_first: bool
) -> None:
    """Both sides upload ``folder`` once, in the given order; MB/s and their ratio are recorded."""
    total = sum(size for _, _, size in await asyncio.to_thread(folder_files, folder))
    sides: list[tuple[Runs, Callable[[], Awaitable[object]]]] = [
        (runs.catalog, lambda: check_ingest(ingest, folder)),
        (runs.plain, lambda: plain(folder, "plain")),
    ]
    for side, action in sides if catalog_first else reversed(sides):
        side.values.append(total / MB / await timed(action))
    runs.ratio.values.append(runs.catalog.values[-1] / runs.plain.values[-1])
    runs.total_bytes = total


async def bench_files(
    payload: Payload, repeat: int, concurrency: int, server: PostgresServer, s3: MotoS3Server, workdir: Path
) -> FileRuns:
    """FolderIngest (into a fresh PostgreSQL catalog) and a plain client, a fresh asset per run."""
    payload_root = workdir / "payload"
    payload_files = await asyncio.to_thread(write_payload, payload_root, payload)
    template = load_templates([FOLDER_TEMPLATE])[0]
    settings = Settings(
        storage_url=f"s3://{BUCKET}/catalog",
        s3_endpoint_url=s3.endpoint_url,
        s3_region=FAKE_AWS_ENV["AWS_REGION"],
    )
    config = AioConfig(s3={"addressing_style": "path"}, max_pool_connections=max(concurrency, 10))
    url = await asyncio.to_thread(server.create_database, "bench_files")
    db, store, runs = Database(url), open_store(settings), FileRuns()
    try:
        await upgrade(db)
        ingest = FolderIngest(db, store, Vocabulary(), concurrency=concurrency)
        async with aioboto3.Session().client("s3", endpoint_url=s3.endpoint_url, config=config) as client:
            await client.create_bucket(Bucket=BUCKET)
            plain = PlainUploader(
                client,
                BUCKET,
                concurrency=concurrency,
                threshold=settings.multipart_threshold,
                part_size=settings.multipart_chunk_size,
            )
            await store.stat("warm-up/connection")  # open both clients before anything is timed
            await client.head_bucket(Bucket=BUCKET)
            for run in range(repeat):
                parent = workdir / f"assets-{run}"
                folder = await asyncio.to_thread(
                    asset_folder, parent, payload_root, payload_files, template, run
                )
                await file_round(ingest, plain, folder, runs, catalog_first=run % 2 == 0)
    finally:
        await store.close()
        await db.dispose()
        await asyncio.to_thread(server.drop_database, "bench_files")
    return runs


# --- report ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    command: str
    assets: int = 0
    concurrency: int = 16
    payload: Payload | None = None
    sqlite: Runs | None = None
    postgres: Runs | None = None
    files: FileRuns | None = None
    profile: str = ""

    def table(self) -> str:
        rows = ["| measurement | median | runs | target | met |", "| --- | ---: | --- | --- | --- |"]
        if self.sqlite is not None:
            rows.append(
                f"| (a) metadata import, {self.assets:,} records, SQLite | "
                f"{self.sqlite.median:,.0f} assets/s | {self.sqlite.cells(0)} | — | — |"
            )
        if self.postgres is not None:
            met = verdict(self.postgres.median >= PG_TARGET)
            rows.append(
                f"| (a) metadata import, {self.assets:,} records, PostgreSQL | "
                f"{self.postgres.median:,.0f} assets/s | {self.postgres.cells(0)} | ≥ {PG_TARGET:,.0f} assets/s | {met} |"
            )
        if self.files is not None and self.payload is not None:
            size = f"{self.files.total_bytes / MB:,.0f} MB"
            rows.append(
                f"| (b) FolderIngest → S3, {size} | {self.files.catalog.median:,.1f} MB/s | "
                f"{self.files.catalog.cells(1)} | — | — |"
            )
            rows.append(
                f"| (b) plain aioboto3 → S3, {size} | {self.files.plain.median:,.1f} MB/s | "
                f"{self.files.plain.cells(1)} | — | — |"
            )
            met = verdict(self.files.ratio.median >= RATIO_TARGET)
            rows.append(
                f"| (b) ratio catalog / plain | {self.files.ratio.median:.2f} | {self.files.ratio.cells(2)} | "
                f"≥ {RATIO_TARGET} | {met} |"
            )
        return "\n".join(rows)

    def section(self, server: PostgresServer | None) -> str:
        postgres = server.bin_dir.parent.name if server is not None else "n/a"
        notes = [
            f"- command: `{self.command}`",
            f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- machine: {os.cpu_count()} cores, shared and noisy (figures vary run to run); "
            f"Python {platform.python_version()}, PostgreSQL {postgres} (fsync off), "
            "moto S3 server in a thread of the benchmark process, on loopback",
        ]
        if self.sqlite is not None or self.postgres is not None:
            notes.append(
                f"- (a): {self.assets:,} whole-asset records varied from {len(TEMPLATES)} real AIND records "
                "(20-60 KB, primary and derived), `RecordImport(db, Vocabulary())(records)` into a fresh, "
                "migrated database per run; assets/s = records / wall time"
            )
        if self.payload is not None:
            notes.append(
                f"- (b): one asset folder of {self.payload.describe()} plus its metadata documents, "
                f"concurrency {self.concurrency} on both sides, a fresh asset name per run, order alternated; "
                "MB = 10^6 bytes; ratio = median of the per-run ratios"
            )
        return "\n".join([SECTION, "", *notes, "", self.table(), "", *self.verdicts(), ""])

    def verdicts(self) -> list[str]:
        """One line per target: met or not, with the median it was judged on."""
        lines = []
        if self.postgres is not None:
            lines.append(
                f"- target (a), PostgreSQL import ≥ {PG_TARGET:,.0f} assets/s: "
                f"{'met' if self.postgres.median >= PG_TARGET else '**not met**'} ({self.postgres.median:,.0f})"
            )
        if self.files is not None:
            lines.append(
                f"- target (b), catalog / plain ≥ {RATIO_TARGET}: "
                f"{'met' if self.files.ratio.median >= RATIO_TARGET else '**not met**'} "
                f"({self.files.ratio.median:.2f})"
            )
        return lines


# --- main ------------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    """Bytes, optionally with a KiB/MiB/GiB suffix (``262144``, ``256KiB``, ``20MiB``)."""
    units = {"": 1, "kib": 1024, "mib": MIB, "gib": 1024 * MIB}
    match = re.fullmatch(r"\s*([0-9]+)\s*([kmg]ib)?\s*", text, re.IGNORECASE)
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return int(match.group(1)) * units[(match.group(2) or "").lower()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=10_000, help="records to import per run")
    parser.add_argument("--files", type=int, default=200, help="small files in the ingested folder")
    parser.add_argument("--file-size", type=parse_size, default=256 * 1024, help="bytes per small file")
    parser.add_argument("--big-files", type=int, default=3, help="big (multipart) files in the folder")
    parser.add_argument("--big-size", type=parse_size, default=20 * MIB, help="bytes per big file")
    parser.add_argument("--concurrency", type=int, default=16, help="parallel uploads, both sides")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; medians are reported")
    parser.add_argument("--only", choices=("import", "files"), help="run one measurement only")
    parser.add_argument("--profile", action="store_true", help="also cProfile one PostgreSQL import")
    parser.add_argument("--no-results", action="store_true", help=f"do not rewrite {RESULTS.name}")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace, report: Report, server: PostgresServer, workdir: Path) -> None:
    if args.only in (None, "import"):
        records = make_records(args.assets, load_templates())
        report.assets = len(records)
        report.sqlite = await bench_sqlite(records, args.repeat, workdir)
        report.postgres = await bench_postgres(records, args.repeat, server)
        if args.profile:
            report.profile = await profile_postgres(records, server)
        elif report.postgres.median < PG_TARGET:
            print(
                "PostgreSQL import below target: rerun with --profile to see where the time goes",
                file=sys.stderr,
            )
    if args.only in (None, "files"):
        report.payload = Payload(args.files, args.file_size, args.big_files, args.big_size)
        with MotoS3Server(quiet=True) as s3:
            report.files = await bench_files(
                report.payload, args.repeat, args.concurrency, server, s3, workdir
            )


def use_fake_aws() -> None:
    """Fake credentials only: nothing here may reach a real AWS account."""
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        os.environ.pop(name, None)
    os.environ.update(FAKE_AWS_ENV)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    use_fake_aws()
    command = shlex.join(
        [".venv/bin/python", "benchmarks/ingest.py", *(sys.argv[1:] if argv is None else argv)]
    )
    report = Report(command, concurrency=args.concurrency)
    with PostgresServer() as server, tempfile.TemporaryDirectory(prefix="bench-ingest-") as workdir:
        asyncio.run(run(args, report, server, Path(workdir)))
        section = report.section(server)
    print(section)
    if report.profile:
        print(report.profile, file=sys.stderr)
    if not args.no_results:
        write_section(SECTION, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
