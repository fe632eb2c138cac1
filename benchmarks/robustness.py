"""Robustness benchmark: what the request limits and checks cost, and whether other clients are
still served while one attacker sends the worst requests.

Everything runs against a generated SQLite catalog (benchmarks/generate.py: ``--assets`` assets
of realistic variety, ``--files`` files, every 50th asset's quality-control document holding a
6 KB one-line string, what a backtracking regex is run over), registered by each tree's own code:

(a) Overhead. The same requests against the same data, served by this work tree (limits on) and
    by ``--baseline``, the last commit before the limits, exported with ``git archive`` into a
    temporary folder (each tree migrates and loads its own copy of the data, and is served by its
    own ``catalog serve`` subprocess). Requests: the first page of api.py's query (a) and a
    manifest of ~10,000 signed URLs through GraphQL and streamed from ``/manifest``. Rounds
    alternate the two servers; medians per server, ratio limits-on / baseline (target ≤ 1.1×).
(b) Load. Two workers send the first-page query back to back for ``--duration`` seconds to this
    tree's server, alone, then again while one attacker sends the worst requests in a loop
    (a regex MATCHES ``.*.*.*.*.*.*~`` over the 6 KB strings, a fragment bomb of 39 fragments, an
    IN of 10,000 numbers, 3,000 predicates, facets of 150 metadata paths). The phases stop by
    themselves; a request that gets no answer within 10 s counts as 10 s. Target: p99 with the
    attacker ≤ 3× p99 without.

Usage::

    .venv/bin/python benchmarks/robustness.py [--assets 3000] [--files 100000] [--baseline REV]
        [--rounds 3] [--duration 5] [--no-results]

Prints a Markdown table and rewrites the "Robustness" section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import generate  # noqa: E402  (benchmarks/generate.py: the generated catalog)
from api import FIRST_PAGE_FILTER, PAGE_QUERY, Served, code_version  # noqa: E402
from results import verdict, write_section  # noqa: E402
from servers import free_port  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Sequence

SECTION = "## Robustness (benchmarks/robustness.py)"
BASELINE = "51ca4f5"
"""The last commit before the request limits and checks of issue 9."""
OVERHEAD_TARGET = 1.1
LOAD_TARGET = 3.0
ANSWER_BOUND = 10.0
LONG_STRING_EVERY = 50
LONG_STRING = " ".join(f"curation-{i:05d}" for i in range(430))  # ~6 KB, one line
MANIFEST_QUERY = """query($filter: AssetFilter!) {
  downloadManifest(filter: $filter, expiresIn: 600) { count files { asset path size sha256 url } } }"""

# --- data ----------------------------------------------------------------------------------------


def load_sqlite(path: Path, assets: int, files: int, store: Path) -> None:
    """Migrate a SQLite catalog at ``path`` with the catalog package on ``sys.path`` (this tree's
    or the baseline's) and register benchmarks/generate.py's catalog (its documents and files)
    through that package's own registration statements (``insert_ready``, ``write_related``,
    ``files.add``, which both trees have), so each tree writes the rows it would write itself.
    Every ``LONG_STRING_EVERY``th asset's quality_control document holds the long string."""
    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.db.migrate import upgrade
    from catalog.repo import assets as asset_rows
    from catalog.repo import files as file_rows
    from catalog.services.describe import describe
    from catalog.services.register import now, published_fields, write_related

    catalog = generate.plan_catalog(assets, files)
    store_url, vocabulary = store.as_uri(), Vocabulary()
    procedures: dict[str, dict[str, Any]] = {}

    def described(plan: generate.Plan) -> tuple[Any, list[dict[str, Any]]]:
        subject = plan.subject.subject_id
        if subject not in procedures:
            procedures[subject] = generate.procedures_document(plan.subject)
        documents = generate.documents(plan, store_url, procedures[subject])
        if (plan.id - 1) % LONG_STRING_EVERY == 0:
            documents["quality_control"] = {"evaluations": [{"name": "curation", "notes": LONG_STRING}]}
        listed = generate.file_rows(plan, list(documents), random.Random(plan.id))
        return describe(plan.name, documents, vocabulary), listed

    async def load() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        try:
            await upgrade(db)
            for plans in generate.chunks(catalog, generate.CHUNK):
                made = [described(plan) for plan in plans]
                async with db.transaction() as session:
                    rows = [
                        {"name": d.name.name, **published_fields(d, location=f"{store_url}/{d.name.name}", store_url=store_url, files=listed)}
                        for d, listed in made
                    ]  # fmt: skip
                    ids = await asset_rows.insert_ready(session, rows)
                    await write_related(session, [(ids[d.name.name], d) for d, _ in made], now())
                    await file_rows.add(
                        session, [dict(f, asset_id=ids[d.name.name]) for d, listed in made for f in listed]
                    )
        finally:
            await db.dispose()

    asyncio.run(load())
    print(json.dumps({"filter": catalog.manifest_filter, "files": catalog.manifest_files}))


@dataclass
class Tree:
    """A copy of the catalog's code, its data and its server."""

    label: str
    root: Path
    folder: Path
    manifest_filter: dict[str, Any] = field(default_factory=dict)
    server: Served | None = None
    url: str = ""

    def env(self, **extra: str) -> dict[str, str]:
        return dict(os.environ, PYTHONPATH=str(self.root), **extra)

    def load(self, assets: int, files: int) -> None:
        command = [
            sys.executable,
            __file__,
            "--load",
            str(self.folder / "catalog.db"),
            str(assets),
            str(files),
        ]
        done = subprocess.run(
            command, env=self.env(), capture_output=True, text=True, check=False, cwd=self.root
        )
        if done.returncode != 0:
            raise SystemExit(f"loading {self.label} failed:\n{done.stderr[-3000:]}")
        self.manifest_filter = json.loads(done.stdout.strip().splitlines()[-1])["filter"]

    def serve(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = self.env(
            CATALOG_DATABASE_URL=f"sqlite+aiosqlite:///{self.folder / 'catalog.db'}",
            CATALOG_STORAGE_URL=(self.folder / "store").as_uri(),
            CATALOG_PUBLIC_URL=self.url,
            CATALOG_SECRET_KEY="benchmark-secret",
        )
        command = [sys.executable, "-m", "catalog.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        self.server = Served(
            self.label.replace(" ", "-"), command, env, port, self.folder, "/healthz", self.root
        )

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def export(revision: str, target: Path) -> Path:
    """The catalog package and migrations of ``revision``, without touching the work tree."""
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", revision, "catalog", "migrations"], cwd=REPO, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


# --- (a) overhead ---------------------------------------------------------------------------------

Send = Callable[[httpx.Client, Tree], httpx.Response]


def graphql(query: str, variables: Callable[[Tree], dict[str, Any]]) -> Send:
    def send(client: httpx.Client, tree: Tree) -> httpx.Response:
        response = client.post(f"{tree.url}/graphql", json={"query": query, "variables": variables(tree)})
        body = response.json()
        if body.get("errors"):
            raise SystemExit(f"{tree.label} refused a benchmark query: {body['errors']}")
        return response

    return send


def streamed(client: httpx.Client, tree: Tree) -> httpx.Response:
    params = {"filter": json.dumps(tree.manifest_filter), "format": "tsv", "expiresIn": "600"}
    response = client.get(f"{tree.url}/manifest", params=params)
    response.raise_for_status()
    return response


OVERHEAD: dict[str, tuple[Send, int]] = {
    "first page (api.py query (a))": (graphql(PAGE_QUERY, lambda _tree: {"filter": FIRST_PAGE_FILTER}), 40),
    "manifest via GraphQL": (graphql(MANIFEST_QUERY, lambda tree: {"filter": tree.manifest_filter}), 8),
    "manifest streamed, GET /manifest": (streamed, 8),
}
"""What is timed, with how many requests per round and server."""


def overhead(trees: Sequence[Tree], rounds: int) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per request, per query and tree; the trees take turns, first one then the other."""
    times: dict[str, dict[str, list[float]]] = {name: {t.label: [] for t in trees} for name in OVERHEAD}
    with httpx.Client(timeout=60) as client:
        for tree in trees:
            for send, _count in OVERHEAD.values():
                for _ in range(3):
                    send(client, tree)
        for number in range(rounds):
            for tree in trees if number % 2 == 0 else trees[::-1]:
                for name, (send, count) in OVERHEAD.items():
                    for _ in range(count):
                        started = time.perf_counter()
                        send(client, tree)
                        times[name][tree.label].append((time.perf_counter() - started) * 1000)
    return times


# --- (b) load -------------------------------------------------------------------------------------


def worst_requests() -> list[dict[str, Any]]:
    lines = ["fragment F0 on Query { assets(first: 1) { edges { node { name } } } }"]
    lines += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 39)]
    page = "query($f: AssetFilter) { assets(filter: $f, first: 50) { edges { node { name } } } }"

    def filtered(*predicates: dict[str, Any]) -> dict[str, Any]:
        return {"query": page, "variables": {"f": {"metadata": list(predicates)}}}

    regex = {
        "document": "quality_control",
        "path": "evaluations.notes",
        "op": "MATCHES",
        "value": ".*.*.*.*.*.*~",
    }
    paths = [{"document": "subject", "path": f"p{i}"} for i in range(150)]
    return [
        filtered(regex),
        {"query": "query { ...F38 }\n" + "\n".join(lines)},
        filtered({"document": "subject", "path": "subject_id", "op": "IN", "value": list(range(10_000))}),
        filtered(*({"document": "subject", "path": f"f{i}", "op": "EXISTS"} for i in range(3_000))),
        {
            "query": "query($p: [MetadataPath!]) { facets(metadataFields: $p) { field } }",
            "variables": {"p": paths},
        },
    ]


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)  # ms of the normal queries
    failures: int = 0  # normal queries answered with an error or not at all
    attacks: int = 0
    attack_statuses: dict[str, int] = field(default_factory=dict)

    def p(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load(tree: Tree, duration: float, attacker: bool) -> Load:
    """Two workers of normal queries for ``duration`` s, and one attacker when asked."""
    result, stop = Load(), time.monotonic() + duration
    normal = {"query": PAGE_QUERY, "variables": {"filter": FIRST_PAGE_FILTER}}
    lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(timeout=ANSWER_BOUND) as client:
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    ok = "errors" not in client.post(f"{tree.url}/graphql", json=normal).json()
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    result.latencies.append(elapsed)
                    result.failures += not ok

    def attack() -> None:
        worst = worst_requests()
        with httpx.Client(timeout=ANSWER_BOUND) as client:
            while time.monotonic() < stop:
                for body in worst:
                    if time.monotonic() >= stop:
                        break
                    try:
                        status = str(client.post(f"{tree.url}/graphql", json=body).status_code)
                    except httpx.HTTPError as error:
                        status = type(error).__name__
                    result.attacks += 1
                    result.attack_statuses[status] = result.attack_statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(2)]
    threads += [threading.Thread(target=attack)] if attacker else []
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


# --- report ---------------------------------------------------------------------------------------


def report(
    args: argparse.Namespace, times: dict[str, dict[str, list[float]]], quiet: Load, attacked: Load
) -> str:
    rows, verdicts = [], []
    for name, by_tree in times.items():
        on, off = statistics.median(by_tree["limits on"]), statistics.median(by_tree["baseline"])
        ratio = on / off
        rows.append(
            f"| (a) {name} | {off:.1f} | {on:.1f} | {len(by_tree['limits on'])} | {ratio:.2f}× | ≤ {OVERHEAD_TARGET}× | {verdict(ratio <= OVERHEAD_TARGET)} |"
        )
        verdicts.append(
            f"- target (a) {name}, limits on / baseline ≤ {OVERHEAD_TARGET}×: {verdict(ratio <= OVERHEAD_TARGET)} ({ratio:.2f}×)"
        )
    ratio = attacked.p(0.99) / quiet.p(0.99)
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(attacked.attack_statuses.items()))
    command = ".venv/bin/python benchmarks/robustness.py" + (
        f" {shlex.join(sys.argv[1:])}" if sys.argv[1:] else ""
    )
    return "\n".join(
        [
            SECTION,
            "",
            f"- command: `{command}`",
            f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            f"- machine: {os.cpu_count()} cores, shared and noisy (figures vary run to run); Python {platform.python_version()}; "
            "each `catalog serve` (uvicorn) in its own process, the httpx clients in this one, on loopback",
            f"- code: limits on = {code_version()}; baseline = commit {args.baseline} (`git archive`, served from a temporary folder)",
            f"- data: SQLite, {args.assets:,} generated assets (benchmarks/generate.py), {args.files:,} files, a 6 KB one-line "
            f"string in a quality_control document of every {LONG_STRING_EVERY}th asset; each tree loads its own copy",
            f"- (a): {args.rounds} rounds alternating the servers, sequential requests over one keep-alive connection after 3 warm-up requests each; ms, medians",
            f"- (b): 2 workers sending query (a) back to back for {args.duration:g} s, then again with one attacker sending "
            "in a loop: regex MATCHES `.*.*.*.*.*.*~` over the 6 KB strings, a fragment bomb of 39 fragments, an IN of 10,000 numbers, "
            f"3,000 predicates, facets of 150 metadata paths; a request unanswered within {ANSWER_BOUND:g} s counts as {ANSWER_BOUND:g} s",
            "",
            "| measurement | baseline ms | limits on ms | n | ratio | target | met |",
            "| --- | ---: | ---: | ---: | ---: | --- | --- |",
            *rows,
            "",
            "| (b) load | requests | failed | p50 ms | p99 ms | attacker requests (status: count) |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
            f"| normal queries alone | {len(quiet.latencies)} | {quiet.failures} | {quiet.p(0.5):.1f} | {quiet.p(0.99):.1f} | — |",
            f"| with one attacker | {len(attacked.latencies)} | {attacked.failures} | {attacked.p(0.5):.1f} | {attacked.p(0.99):.1f} | {attacked.attacks} ({statuses}) |",
            "",
            *verdicts,
            f"- target (b), p99 with the attacker ≤ {LOAD_TARGET}× without: {verdict(ratio <= LOAD_TARGET)} ({ratio:.2f}×)",
            "",
        ]
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=3_000)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--baseline", default=BASELINE, help="the revision without the limits")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of each load phase")
    parser.add_argument("--no-results", action="store_true", help="do not rewrite RESULTS.md")
    parser.add_argument("--load", nargs=3, metavar=("PATH", "ASSETS", "FILES"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.load:
        path, assets, files = args.load
        load_sqlite(Path(path), int(assets), int(files), Path(path).parent / "store")
        return
    with tempfile.TemporaryDirectory(prefix="catalog-robustness-") as temp:
        work = Path(temp)
        trees = [
            Tree("baseline", export(args.baseline, work / "baseline-code"), work / "baseline"),
            Tree("limits on", REPO, work / "current"),
        ]
        try:
            for tree in trees:
                tree.folder.mkdir()
                tree.load(args.assets, args.files)
                tree.serve()
            times = overhead(trees, args.rounds)
            trees[0].stop()
            quiet = load(trees[1], args.duration, attacker=False)
            attacked = load(trees[1], args.duration, attacker=True)
        finally:
            for tree in trees:
                tree.stop()
    section = report(args, times, quiet, attacked)
    print(section)
    if not args.no_results:
        write_section(SECTION, section)


if __name__ == "__main__":
    main()
