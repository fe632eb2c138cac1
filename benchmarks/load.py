"""Sustained mixed read load: how many requests a second two server workers answer, and how
long the slowest take, when many clients read at once.

Everything runs against services this script starts itself:

1. A throwaway PostgreSQL cluster and a catalog of ``--assets`` generated assets
   (``benchmarks/generate.py``, the one generator and loader).
2. ``catalog serve --workers N`` in a subprocess (2 workers by default).
3. Clients in this process: ``--connections`` keep-alive HTTP/1.1 connections over plain asyncio
   streams (a minimal client, so that the load generator takes as little of the shared cores as
   it can; httpx costs about a millisecond of CPU per request). Each request is one of a mix of
   what catalog users read (``MIX``): resolving an asset by name with its metadata and locations,
   a filtered search page, one subject's assets, an asset's files with signed URLs, an asset's
   upstream provenance, a project's facets, a page with its ``totalCount``. Names, subjects and
   projects are drawn at random from the generated catalog, so caches see a realistic spread.

Two runs: (1) closed loop, every connection sending its next request when the last answer arrives
(the throughput the servers sustain); (2) open loop at ``--rate`` requests a second (the target,
400), each request's latency counted from when it was due, so a stalled server cannot hide its
queue (no coordinated omission). Every answer is checked: HTTP 200 and no GraphQL ``errors``.

Usage::

    .venv/bin/python benchmarks/load.py [--assets 100000] [--files 1000000] [--workers 2]
        [--connections 32] [--seconds 30] [--rate 400] [--no-results]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shlex
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from api import Served  # noqa: E402  (how the benchmarks start a server and wait for it)
from generate import GENOTYPES, PROJECTS, Catalog, Loaded, load, plan_catalog  # noqa: E402
from results import preamble, verdict, write_section  # noqa: E402
from servers import PostgresServer, free_port  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

SECTION = "## Sustained mixed load (benchmarks/load.py)"
RATE_TARGET = 400.0
P99_TARGET_MS = 200.0

ASSET = "name kind project subject { subjectId } acquiredAt dataLevel modalities { abbreviation } location"
QUERIES = {
    "resolve": f"""query R($name: String!) {{ asset(name: $name) {{ {ASSET} metadata
        locations {{ url primary }} }} }}""",
    "search": f"""query S($filter: AssetFilter!) {{ assets(filter: $filter, first: 50,
        orderBy: [{{field: ACQUIRED_AT, direction: DESC}}]) {{ edges {{ node {{ {ASSET} }} }}
        pageInfo {{ hasNextPage endCursor }} }} }}""",
    "subject": f"""query B($filter: AssetFilter!) {{ assets(filter: $filter, first: 50) {{
        edges {{ node {{ {ASSET} }} }} }} }}""",
    "files": """query F($name: String!) { asset(name: $name) { name files(first: 20) {
        edges { node { path size sha256 url { url } } } } } }""",
    "upstream": """query U($name: String!) { asset(name: $name) { provenance(direction: UPSTREAM,
        depth: 10) { nodes { hops asset { name } } edges { source target } truncated } } }""",
    "facets": """query C($filter: AssetFilter!) { facets(filter: $filter,
        fields: [MODALITY, DATA_LEVEL, YEAR]) { field values { value count } } }""",
    "count": """query N($filter: AssetFilter!) { assets(filter: $filter, first: 20) {
        totalCount edges { node { name } } } }""",
}
MIX: dict[str, int] = {
    "resolve": 30,
    "search": 20,
    "subject": 10,
    "files": 15,
    "upstream": 10,
    "facets": 5,
    "count": 10,
}
"""Weights of the request kinds: mostly lookups and pages, some analytics."""


class Requests:
    """Request bodies drawn at random from the generated catalog (seeded: runs compare)."""

    def __init__(self, catalog: Catalog, host: str, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.host = host
        self.names = [plan.name for plan in catalog.plans]
        self.derived = [plan.name for plan in catalog.plans if plan.derived]
        self.subjects = sorted({plan.subject.subject_id for plan in catalog.plans})
        self.modalities = sorted({m for plan in catalog.plans for m in plan.modalities})
        self.kinds = list(MIX)
        self.weights = list(MIX.values())

    def variables(self, kind: str) -> dict[str, Any]:
        rng = self.rng
        if kind in ("resolve", "files"):
            return {"name": rng.choice(self.names)}
        if kind == "upstream":
            return {"name": rng.choice(self.derived)}
        if kind == "subject":
            return {"filter": {"subjectId": rng.choice(self.subjects)}}
        if kind == "search":
            return {"filter": {"project": rng.choice(PROJECTS), "modality": [rng.choice(self.modalities)]}}
        if kind == "count":
            return {"filter": {"project": rng.choice(PROJECTS), "genotype": rng.choice(GENOTYPES)}}
        return {"filter": {"project": rng.choice(PROJECTS)}}

    def next(self) -> tuple[str, bytes]:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        body = json.dumps({"query": QUERIES[kind], "variables": self.variables(kind)}).encode()
        head = (
            f"POST /graphql HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        return kind, head + body


class Connection:
    """One keep-alive HTTP/1.1 connection: a request out, its answer (Content-Length) in."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


@dataclass(slots=True)
class Run:
    """The latencies (ms) of one run, by request kind, and what went wrong."""

    label: str
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    unanswered: int = 0  # due but not sent when an open loop gave up on its backlog

    def add(self, kind: str, started: float, status: int, body: bytes) -> None:
        self.latencies[kind].append((time.perf_counter() - started) * 1000)
        if status != 200 or b'"errors"' in body:
            self.failures.append(f"{kind}: HTTP {status} {body[:300]!r}")

    @property
    def all(self) -> list[float]:
        return [ms for values in self.latencies.values() for ms in values]

    @property
    def rate(self) -> float:
        return len(self.all) / self.seconds

    def quantiles(self, values: Sequence[float]) -> tuple[float, float, float]:
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        return cuts[49], cuts[94], cuts[98]


async def closed_loop(port: int, requests: Requests, connections: int, seconds: float) -> Run:
    """Every connection sends its next request as soon as its last answer arrives."""
    run = Run(f"closed loop, {connections} connections")
    opened = [await Connection.open(port) for _ in range(connections)]
    stop = time.perf_counter() + seconds

    async def client(connection: Connection) -> None:
        while time.perf_counter() < stop:
            kind, request = requests.next()
            started = time.perf_counter()
            status, body = await connection.send(request)
            run.add(kind, started, status, body)

    began = time.perf_counter()
    await asyncio.gather(*(client(c) for c in opened))
    run.seconds = time.perf_counter() - began
    for connection in opened:
        connection.close()
    return run


async def open_loop(port: int, requests: Requests, rate: float, seconds: float, connections: int) -> Run:
    """Requests fall due at ``rate`` a second whatever the answers do; each is timed from when it
    was due, so a queue that builds up shows in the latencies."""
    run = Run(f"open loop at {rate:,.0f} requests/s")
    due: asyncio.Queue[float | None] = asyncio.Queue()
    opened = [await Connection.open(port) for _ in range(connections)]

    async def client(connection: Connection) -> None:
        while (when := await due.get()) is not None:
            kind, request = requests.next()
            status, body = await connection.send(request)
            run.add(kind, when, status, body)

    workers = [asyncio.create_task(client(c)) for c in opened]
    began = time.perf_counter()
    total = int(rate * seconds)
    for index in range(total):
        when = began + index / rate
        await asyncio.sleep(max(0.0, when - time.perf_counter()))
        due.put_nowait(when)
    for _ in workers:
        due.put_nowait(None)
    try:  # a backlog the servers cannot clear within another run's length is not sustained
        await asyncio.wait_for(asyncio.gather(*workers), timeout=seconds)
    except TimeoutError:
        run.unanswered = total - len(run.all)
    run.seconds = time.perf_counter() - began
    for connection in opened:
        connection.close()
    return run


@dataclass(slots=True)
class Report:
    command: str
    args: argparse.Namespace
    loaded: Loaded | None = None
    runs: list[Run] = field(default_factory=list)
    load_before: float = 0.0
    load_after: float = 0.0

    def rows(self, run: Run) -> list[str]:
        lines = []
        for kind in [*MIX, "all"]:
            values = run.all if kind == "all" else run.latencies.get(kind, [])
            if len(values) < 2:
                continue
            p50, p95, p99 = run.quantiles(values)
            share = f"{len(values) / len(run.all):.0%}"
            lines.append(
                f"| {run.label} | {kind} | {len(values):,} ({share}) | {p50:,.1f} | {p95:,.1f} | {p99:,.1f} |"
            )
        return lines

    def section(self) -> str:
        args, loaded = self.args, self.loaded
        assert loaded is not None
        lines = preamble(
            SECTION,
            self.command,
            f"PostgreSQL (fsync off); `catalog serve --workers {args.workers}` (uvicorn), the clients in "
            "this process (asyncio streams), on loopback; server, database and clients share the cores",
        )
        lines += [
            f"- load average (1 min) at the start of the timed runs and at their end: {self.load_before:.1f} "
            f"and {self.load_after:.1f}",
            f"- data: {loaded.assets:,} assets, {loaded.files:,} files, {loaded.documents:,} metadata documents "
            f"(generated, loaded in {loaded.seconds:,.0f} s)",
            "- mix: "
            + ", ".join(f"{kind} {weight}%" for kind, weight in MIX.items())
            + "; names, subjects and projects drawn at random; every answer checked (HTTP 200, no errors)",
            f"- each run {args.seconds:.0f} s after a {args.warmup:.0f} s warm-up",
            "",
            "| run | requests | n | p50 ms | p95 ms | p99 ms |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for run in self.runs:
            lines += self.rows(run)
        lines.append("")
        closed, opened = self.runs
        p99 = opened.quantiles(opened.all)[2]
        sustained = closed.rate >= RATE_TARGET and p99 <= P99_TARGET_MS and not opened.unanswered
        lines += [
            f"- throughput, closed loop: {closed.rate:,.0f} requests/s ({len(closed.failures)} failed)",
            f"- open loop: {opened.rate:,.0f} requests/s answered, p99 {p99:,.1f} ms "
            f"({len(opened.failures)} failed, {opened.unanswered:,} still queued when it gave up on the backlog)",
            f"- target ≥ {RATE_TARGET:,.0f} requests/s with p99 ≤ {P99_TARGET_MS:,.0f} ms on "
            f"{args.workers} workers: {verdict(sustained)}",
        ]
        return "\n".join(lines) + "\n"


async def measure(port: int, catalog: Catalog, args: argparse.Namespace, report: Report) -> None:
    requests = Requests(catalog, f"127.0.0.1:{port}")
    await closed_loop(port, requests, args.connections, args.warmup)
    report.load_before = os.getloadavg()[0]
    report.runs.append(await closed_loop(port, requests, args.connections, args.seconds))
    report.runs.append(await open_loop(port, requests, args.rate, args.seconds, args.connections * 2))
    report.load_after = os.getloadavg()[0]


def serve(url: str, store: Path, logs: Path, workers: int) -> Served:
    port = free_port()
    env = dict(
        os.environ,
        CATALOG_DATABASE_URL=url,
        CATALOG_STORAGE_URL=store.as_uri(),
        CATALOG_PUBLIC_URL=f"http://127.0.0.1:{port}",
        CATALOG_SECRET_KEY="benchmark-secret",
    )
    catalog = str(Path(sys.executable).parent / "catalog")
    command = [catalog, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    return Served("catalog", command, env, port, logs, "/healthz")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=100_000, help="assets to generate")
    parser.add_argument("--files", type=int, default=1_000_000, help="files over all assets")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--connections", type=int, default=32, help="client connections (closed loop)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each timed run")
    parser.add_argument("--warmup", type=float, default=5.0, help="closed-loop seconds before timing")
    parser.add_argument("--rate", type=float, default=RATE_TARGET, help="open-loop requests a second")
    parser.add_argument("--no-results", action="store_true", help="do not rewrite RESULTS.md")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, run: Callable[..., Any] = asyncio.run) -> int:
    args = parse_args(argv)
    command = ".venv/bin/python benchmarks/load.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    report = Report(command.strip(), args)
    catalog = plan_catalog(args.assets, args.files)
    with tempfile.TemporaryDirectory(prefix="catalog-load-") as folder, PostgresServer() as server:
        workdir = Path(folder)
        server.create_database("bench_load")
        url = server.url("bench_load")
        store, logs = workdir / "store", workdir / "logs"
        store.mkdir()
        logs.mkdir()
        report.loaded = run(load(url, catalog, store.as_uri(), workers=os.cpu_count() or 2))
        print(f"loaded in {report.loaded.seconds:.1f} s", file=sys.stderr)
        served = serve(url, store, logs, args.workers)
        try:
            port = int(served.base_url.rsplit(":", 1)[1])
            run(measure(port, catalog, args, report))
        finally:
            served.stop()
    section = report.section()
    print(section)
    for each in report.runs:
        for failure in each.failures[:5]:
            print(f"failed ({each.label}): {failure}", file=sys.stderr)
    if not args.no_results:
        write_section(SECTION, section)
    return 1 if any(each.failures for each in report.runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
