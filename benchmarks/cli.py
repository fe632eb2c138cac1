"""CLI benchmark: how long the ``catalog`` command takes to start and to do a small job.

Three commands, each a fresh process of the same interpreter as this script, timed from start
to exit, round-robin over ``--repeat`` rounds after one untimed warm-up round:

- baseline: ``python -c pass``, what any Python command costs on this machine;
- ``catalog --help``: the cost of starting the CLI (target ≤ 0.3 s);
- ``catalog import RECORD`` of one real AIND record (``../shared/fixtures/records``) into a
  fresh SQLite catalog per run: the migrations, one transaction, exit (target ≤ 1 s).

Reported as medians, and as ratios to the baseline's median. Whether the interpreter reads
compiled bytecode decides most of the figures (``.ci/setup`` compiles it), so the report says
which modules had it. The heavy libraries each catalog command imports are listed (from
``-X importtime``): ``--help`` should import none, the import none that registering records
does not need (the GraphQL layer, the servers, the S3 client).

Usage::

    .venv/bin/python benchmarks/cli.py [--repeat 9] [--record NAME] [--no-results]

Prints a Markdown table and rewrites the "CLI" section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import resource
import shlex
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from results import RESULTS, verdict, write_section

if TYPE_CHECKING:
    from collections.abc import Sequence

REPO = Path(__file__).resolve().parents[1]
RECORDS_DIR = REPO.parent / "shared" / "fixtures" / "records"
RECORD = "ecephys_786867_2025-09-25_12-43-56.json"
SECTION = "## CLI (benchmarks/cli.py)"
HELP_TARGET = 0.3
IMPORT_TARGET = 1.0
HEAVY = ("alembic", "sqlalchemy", "pydantic_settings", "strawberry", "aioboto3", "uvicorn", "starlette")
"""Libraries that no ``--help`` should import; the import needs only the first three."""
NEEDED_BY_IMPORT = HEAVY[:3]
BYTECODE_PROBES = ("catalog.cli", "catalog.services.imports", "typer", "sqlalchemy", "alembic")


@dataclass(slots=True)
class Timing:
    """Wall times of one command, seconds; the median is what the table reports."""

    label: str
    shown: str  # the command as a reader would type it
    argv: list[str]
    target: float | None = None
    runs: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the same runs

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def catalog_command() -> list[str]:
    """The ``catalog`` script installed beside this interpreter, else the module itself."""
    script = Path(sys.executable).parent / "catalog"
    return [str(script)] if script.exists() else [sys.executable, "-m", "catalog.cli"]


def clean_env() -> dict[str, str]:
    """This environment without the catalog's own settings, so defaults or ours apply."""
    return {name: value for name, value in os.environ.items() if not name.startswith("CATALOG_")}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_once(timing: Timing, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run; CPU time tells a busy machine from a slow command."""
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(timing.argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    cpu = children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"{timing.shown} exited {done.returncode}:\n{done.stderr}")
    if timing.label == "import" and "1 registered" not in done.stdout:
        raise RuntimeError(f"{timing.shown} did not register the record:\n{done.stdout}{done.stderr}")
    return elapsed, cpu


def import_env(workdir: Path, run: int) -> dict[str, str]:
    """A fresh SQLite catalog and local store for one run."""
    folder = workdir / f"run-{run}"
    return clean_env() | {
        "CATALOG_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'catalog.db'}",
        "CATALOG_STORAGE_URL": (folder / "store").as_uri(),
    }


def measure(timings: Sequence[Timing], repeat: int, workdir: Path) -> None:
    """Round-robin, so drifts of a noisy machine touch every command alike; round 0 warms up."""
    for round_ in range(repeat + 1):
        measured = [
            time_once(t, import_env(workdir, round_) if t.label == "import" else clean_env()) for t in timings
        ]
        if round_:
            for timing, (wall, cpu) in zip(timings, measured, strict=True):
                timing.runs.append(wall)
                timing.cpu.append(cpu)
        print(
            f"round {round_}: "
            + ", ".join(f"{t.label} {wall:.3f} s" for t, (wall, _) in zip(timings, measured, strict=True)),
            file=sys.stderr,
        )


def heavy_imports(timing: Timing, env: dict[str, str]) -> list[str]:
    """The HEAVY libraries that one more run of the command imports, read from ``-X importtime``."""
    argv = [sys.executable, "-X", "importtime", "-m", "catalog.cli", *timing.argv[len(catalog_command()) :]]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines()}
    return [name for name in HEAVY if name in imported]


def compiled(source: Path) -> bool:
    """Whether the interpreter finds current bytecode for ``source`` (a .pyc whose header
    records the source's mtime and size), rather than compiling it again."""
    cached = Path(importlib.util.cache_from_source(str(source)))
    if not cached.exists():
        return False
    header = cached.read_bytes()[8:16]
    stat = source.stat()
    return header == struct.pack("<II", int(stat.st_mtime) & 0xFFFFFFFF, stat.st_size & 0xFFFFFFFF)


def bytecode() -> str:
    """Which of a few probe modules have current compiled bytecode."""
    missing = []
    for name in BYTECODE_PROBES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None or not compiled(Path(spec.origin)):
            missing.append(name)
    if not missing:
        return f"compiled (checked: {', '.join(BYTECODE_PROBES)})"
    return f"**not compiled** for {', '.join(missing)}: every run compiles them again"


def listed(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "none"


def section(command: str, timings: Sequence[Timing], heavy: dict[str, list[str]], record: str) -> str:
    baseline = timings[0].median
    notes = [
        f"- command: `{command}`",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores, shared and noisy (figures vary run to run); "
        f"Python {platform.python_version()}; PYTHONDONTWRITEBYTECODE="
        f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '(unset)')}",
        f"- bytecode: {bytecode()}",
        f"- record: `{record}` (one real AIND record); a fresh SQLite catalog per run, migrated by the command",
        f"- timing: wall time of a fresh process, start to exit; {len(timings[0].runs)} runs each after one "
        "untimed warm-up round, commands round-robin; CPU = user + system time of the same runs "
        "(far below the wall time when other work shares the cores)",
        f"- heavy libraries imported by `catalog --help`: {listed(heavy['help'])}",
        f"- by `catalog import`: {listed(heavy['import'])}; of which registering records does not need: "
        f"{listed([name for name in heavy['import'] if name not in NEEDED_BY_IMPORT])}",
    ]
    rows = [
        "| command | median | runs | × baseline | CPU median | target | met |",
        "| --- | ---: | --- | ---: | ---: | --- | --- |",
    ]
    for timing in timings:
        runs = ", ".join(f"{value:.3f}" for value in timing.runs)
        target = f"≤ {timing.target} s" if timing.target is not None else "—"
        met = verdict(timing.median <= timing.target) if timing.target is not None else "—"
        rows.append(
            f"| `{timing.shown}` | {timing.median:.3f} s | {runs} | {timing.median / baseline:.1f}× | "
            f"{statistics.median(timing.cpu):.3f} s | {target} | {met} |"
        )
    verdicts = [
        f"- target `{t.shown}` ≤ {t.target} s: "
        f"{'met' if t.median <= t.target else '**not met**'} ({t.median:.3f} s)"
        for t in timings
        if t.target is not None
    ]
    return "\n".join([SECTION, "", *notes, "", *rows, "", *verdicts, ""])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per command")
    parser.add_argument("--record", default=RECORD, help=f"file name in {RECORDS_DIR.name}/ to import")
    parser.add_argument("--no-results", action="store_true", help=f"do not rewrite {RESULTS.name}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    command = shlex.join([".venv/bin/python", "benchmarks/cli.py", *(sys.argv[1:] if argv is None else argv)])
    catalog = catalog_command()
    record = RECORDS_DIR / args.record
    timings = [
        Timing("python", "python -c pass", [sys.executable, "-c", "pass"]),
        Timing("help", "catalog --help", [*catalog, "--help"], HELP_TARGET),
        Timing("import", f"catalog import {args.record}", [*catalog, "import", str(record)], IMPORT_TARGET),
    ]
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as workdir:
        measure(timings, args.repeat, Path(workdir))
        heavy = {
            "help": heavy_imports(timings[1], clean_env()),
            "import": heavy_imports(timings[2], import_env(Path(workdir), args.repeat + 1)),
        }
    text = section(command, timings, heavy, args.record)
    print(text)
    if not args.no_results:
        write_section(SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
