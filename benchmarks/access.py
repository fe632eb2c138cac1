"""Access control benchmark: what authorization costs a read, against the same read with it off.

Every read filters assets through ``catalog/repo/visibility.readable()``: for an admin that is
only ``state = ready`` (the filter the catalog had before access control: authorization off),
for anyone else also the rule test (no rule, a public rule or an embargo past, or a rule naming
one of the viewer's groups). This script measures the difference, in one run:

1. The generated catalog (``benchmarks/generate.py``: ``plan_catalog`` and ``load``, the
   catalog's own bulk registration) in a throwaway PostgreSQL cluster, its 1,000-node lineage DAG drawn from six projects (``LINEAGE_PROJECTS``).
2. Access rules on 18 of its 30 projects through the catalog's own service
   (``catalog.services.rules.set_access``, what ``catalog access set`` runs): private to the
   reader's group ``lab-a`` (some until an embargo a year ahead), private to other groups (some
   until an embargo ahead, some with one past, so public now), or public; 12 keep no rule. The
   filtered page and the facets cover assets the reader may and may not read; the DAG's six
   projects each take another way into the reader's view (its group, its group under embargo,
   its group among others, an embargo past, a public rule, no rule), so the reader walks the
   same 999 nodes as the admin and the two answers have the same size, while an anonymous
   viewer's walk stops where the reader's group begins.
3. Tokens through ``catalog.services.tokens.create``: an admin and a reader of ``lab-a``; and no
   token (anonymous). ``catalog serve`` in a subprocess; one keep-alive httpx client sends (a) the
   API benchmark's filtered first page, (d) its four facets, (f) its provenance walk of the DAG and
   (0) ``viewer`` alone (what authenticating a token costs: a token costs admin and reader alike
   one lookup per request) as each viewer in turn, the viewers' order rotating each round, so
   machine noise falls on all of them alike. Every first answer is checked against the
   generated data and the rules. Reported: p50 and p95 per query and viewer, and the ratio of
   each viewer's p50 to the admin's, the reader's held to the issue's target (≤ 1.2×). Where
   the reader misses it (always with ``--explain``), the statements of one request of each
   viewer are logged and EXPLAIN ANALYZEd (``benchmarks/analytics.py``'s ``diagnose``), the plans
   printed, and the section says whether the reader's plans are the admin's but for the rule
   test, and where a viewer's plan runs in parallel and another's does not.

Usage::

    .venv/bin/python benchmarks/access.py [--assets 100000] [--files 1000000] [--requests 100]
        [--budget 300] [--explain | --no-explain] [--no-results]

Prints a Markdown table and rewrites its section of ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shlex
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

BENCHMARKS = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCHMARKS)]

import analytics  # noqa: E402  (benchmarks/analytics.py: logging and EXPLAINing a request's SQL)
import api  # noqa: E402  (benchmarks/api.py: its servers and queries)
import generate  # noqa: E402  (benchmarks/generate.py: the generated catalog and its loader)
from results import RESULTS, preamble, verdict, write_section  # noqa: E402
from servers import PostgresServer  # noqa: E402

from catalog import access  # noqa: E402
from catalog.db.engine import Database  # noqa: E402
from catalog.services import rules, tokens  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

SECTION = "## Access control overhead (benchmarks/access.py)"
RATIO_TARGET = 1.2
"""The issue's target: a reader's request at most 1.2 times the same request with authorization off."""
WARMUP = 5
"""Untimed rounds first: every viewer's statements prepared, caches warm."""
GROUP = "lab-a"
EMBARGO_DAYS = 365


@dataclass(frozen=True, slots=True)
class Rule:
    """A project's access rule as ``catalog access set`` takes it."""

    groups: tuple[str, ...] = ()  # none: public
    embargo_days: int | None = None  # the embargo's end from today; negative: past

    def opens_to(self, groups: frozenset[str]) -> bool:
        """Whether a viewer of ``groups`` reads it: ``readable()`` in Python."""
        past = self.embargo_days is not None and self.embargo_days <= 0
        return not self.groups or past or bool(groups & set(self.groups))

    @property
    def kind(self) -> str:
        if not self.groups:
            return "public"
        embargo = ""
        if self.embargo_days is not None:
            embargo = " until an embargo " + ("ahead" if self.embargo_days > 0 else "past")
        return f"private to {' + '.join(self.groups)}{embargo}"


P = generate.PROJECTS
RULES = {
    P[0]: Rule((GROUP,)), P[5]: Rule((GROUP,)), P[10]: Rule((GROUP,)),
    P[2]: Rule((GROUP,), EMBARGO_DAYS), P[12]: Rule((GROUP,), EMBARGO_DAYS),
    P[7]: Rule((GROUP, "lab-b")),
    P[1]: Rule(("lab-b",)), P[11]: Rule(("lab-b",)), P[21]: Rule(("lab-b",)),
    P[3]: Rule(("lab-c",), EMBARGO_DAYS), P[13]: Rule(("lab-c",), EMBARGO_DAYS),
    P[23]: Rule(("lab-c",), EMBARGO_DAYS), P[8]: Rule(("lab-b", "lab-c")),
    P[4]: Rule(("lab-c",), -EMBARGO_DAYS), P[14]: Rule(("lab-b",), -EMBARGO_DAYS),
    P[24]: Rule(("lab-c",), -EMBARGO_DAYS),
    P[6]: Rule(), P[16]: Rule(),
}  # fmt: skip
"""By the API benchmark's project list (largest first): a mix of sizes for each kind of rule."""
LINEAGE_PROJECTS = (P[9], P[0], P[2], P[7], P[4], P[6])
"""The DAG's projects: each a different way into the reader's view (the first, the root's, has no
rule: an anonymous viewer's walk starts too)."""


@dataclass(frozen=True, slots=True)
class Viewer:
    label: str
    who: str
    groups: frozenset[str] | None  # None: sees every registered asset
    role: str | None  # as the API's viewer field says it
    headers: dict[str, str] = field(default_factory=dict)

    def reads(self, project: str) -> bool:
        rule = RULES.get(project)
        return self.groups is None or rule is None or rule.opens_to(self.groups)


ADMIN = Viewer("admin", "admin token: authorization off (`state = ready` only)", None, "admin")
READER = Viewer("reader", f"reader token of group {GROUP}: the rule test", frozenset({GROUP}), "reader")
ANONYMOUS = Viewer("anonymous", "no token: the rule test, no token lookup", frozenset(), None)


# --- setup -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Prepared:
    setup: api.Setup
    loaded: generate.Loaded
    rules_seconds: float
    viewers: list[Viewer]


async def set_rules_and_tokens(url: str) -> tuple[float, dict[str, str]]:
    """The rules as an operator sets them (``catalog access set``), then the two tokens; the
    seconds the rules took, and each token's secret by its viewer's label."""
    db = Database(url)
    today = datetime.now(UTC).date()
    try:
        with access.acting_as(access.OPERATOR, "benchmark"):
            started = time.perf_counter()
            for project, rule in RULES.items():
                until = today + timedelta(days=rule.embargo_days) if rule.embargo_days is not None else None
                await rules.set_access(
                    db,
                    project=project,
                    public=not rule.groups,
                    groups=rule.groups,
                    embargo_until=until.isoformat() if until else None,
                )
            seconds = time.perf_counter() - started
            secrets = {
                ADMIN.label: await tokens.create(db, "bench-admin", "admin"),
                READER.label: await tokens.create(db, "bench-reader", "reader", [GROUP]),
            }
    finally:
        await db.dispose()
    return seconds, secrets


def prepare(args: argparse.Namespace, server: PostgresServer, workdir: Path) -> Prepared:
    started = time.perf_counter()
    catalog = generate.plan_catalog(args.assets, args.files, lineage_projects=LINEAGE_PROJECTS)
    api.check_names(catalog)
    print(f"planned {len(catalog.plans):,} assets in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    setup = api.Setup(server, catalog, "bench_access", (workdir / "store").resolve(), workdir / "logs")
    server.create_database(setup.database)
    setup.store.mkdir()
    setup.logs.mkdir()
    loaded = asyncio.run(generate.load(setup.url, catalog, setup.store.as_uri(), workers=api.WORKERS))
    print(f"loaded in {loaded.seconds:.1f} s", file=sys.stderr)
    seconds, secrets = asyncio.run(set_rules_and_tokens(setup.url))
    server.execute("VACUUM ANALYZE", database=setup.database)  # the rules rewrote a share of the rows
    print(f"rules set in {seconds:.1f} s", file=sys.stderr)
    viewers = [
        Viewer(v.label, v.who, v.groups, v.role, {"authorization": f"Bearer {secrets[v.label]}"} if v.label in secrets else {})
        for v in (ADMIN, READER, ANONYMOUS)
    ]  # fmt: skip
    return Prepared(setup, loaded, seconds, viewers)


# --- queries and what each viewer must get --------------------------------------------------------

VIEWER_QUERY = "query Viewer { viewer { name role groups } }"


@dataclass(frozen=True, slots=True)
class Query:
    label: str
    what: str
    query: str
    variables: dict[str, Any]
    check: Callable[[Any, Viewer], str]  # a viewer's parsed first answer → a note; raises when wrong
    held: bool = True  # the reader's ratio is held to the target


class Expected:
    """What each viewer must get, from the generated plans and the rules."""

    def __init__(self, catalog: generate.Catalog) -> None:
        self.catalog = catalog
        self.project = {plan.name: plan.subject.project for plan in catalog.plans}
        after = datetime.fromisoformat(api.ACQUIRED_AFTER)
        self.filtered = [
            plan
            for plan in catalog.plans
            if "ecephys" in plan.modalities
            and plan.subject.species == "Mus musculus"
            and plan.acquired >= after
        ]

    def page(self, answer: Any, viewer: Viewer) -> str:
        names = api._names(api.data_of(answer))
        if len(names) != 50:
            raise RuntimeError(f"(a) {viewer.label}: {len(names)} assets, expected 50")
        if unreadable := [n for n in names if not viewer.reads(self.project[n])]:
            raise RuntimeError(f"(a) {viewer.label} got assets it may not read: {unreadable[:3]}")
        hidden = sum(not READER.reads(self.project[n]) for n in names)
        return f"50 assets ({hidden} the reader may not read)" if viewer.label == ADMIN.label else "50 assets"

    def facets(self, answer: Any, viewer: Viewer) -> str:
        got = next(f for f in api.data_of(answer)["facets"] if f["field"] == "PROJECT")
        counts = {v["value"]: v["count"] for v in got["values"]}
        want = Counter(p.subject.project for p in self.filtered if viewer.reads(p.subject.project))
        if counts != dict(want):
            raise RuntimeError(f"(d) {viewer.label}: project counts {counts}, expected {dict(want)}")
        return f"{len(counts)} projects, {sum(counts.values()):,} assets"

    def lineage(self, answer: Any, viewer: Viewer) -> str:
        root = api.data_of(answer)["asset"]
        if root is None:
            if viewer.reads(self.project[self.catalog.dag_root]):
                raise RuntimeError(f"(f) {viewer.label}: no root asset")
            return "no root: not readable"
        graph = root["provenance"]
        named = [n["asset"]["name"] for n in graph["nodes"] if n["asset"] is not None]
        if unreadable := [n for n in named if not viewer.reads(self.project[n])]:
            raise RuntimeError(f"(f) {viewer.label} got assets it may not read: {unreadable[:3]}")
        if viewer.label != "anonymous" and len(named) != self.catalog.dag_size - 1:
            raise RuntimeError(
                f"(f) {viewer.label}: {len(named)} nodes, expected {self.catalog.dag_size - 1}"
            )
        redacted = len(graph["nodes"]) - len(named)
        return f"{len(graph['nodes']):,} nodes, {len(graph['edges']):,} edges" + (
            f" ({redacted} without an asset)" if redacted else ""
        )

    @staticmethod
    def viewer(answer: Any, viewer: Viewer) -> str:
        got = api.data_of(answer)["viewer"]
        if got["role"] != viewer.role or set(got["groups"]) != (viewer.groups or set()):
            raise RuntimeError(f"(0) {viewer.label}: acts as {got}")
        return f"{got['name']}, role {got['role'] or 'none'}, groups {got['groups'] or 'none'}"


def queries(expected: Expected, catalog: generate.Catalog) -> list[Query]:
    page = {"filter": api.FIRST_PAGE_FILTER}
    return [
        Query("(a)", "first page: 3 filters, ACQUIRED_AT desc, 50 assets", api.PAGE_QUERY, page, expected.page),
        Query("(d)", "facets: MODALITY, SPECIES, PROJECT, YEAR under the filter of (a)", api.FACETS_QUERY, page, expected.facets),
        Query("(f)", f"provenance: DOWNSTREAM, depth 50, the {catalog.dag_size:,}-node DAG", api.LINEAGE_QUERY, {"name": catalog.dag_root}, expected.lineage),
        Query("(0)", "viewer: who the request acts as (authentication alone)", VIEWER_QUERY, {}, expected.viewer, held=False),
    ]  # fmt: skip


# --- measure -------------------------------------------------------------------------------------


def request_as(query: Query, viewer: Viewer, base_url: str) -> api.Request:
    def check(answer: Any) -> str:
        return query.check(answer, viewer)

    send = api.graphql(base_url, query.query, query.variables, viewer.headers)
    return api.Request(f"{query.label} {viewer.label}", query.what, send, check)


def measure(
    client: httpx.Client,
    chosen: list[Query],
    viewers: list[Viewer],
    base_url: str,
    rounds: int,
    budget: float,
) -> dict[tuple[str, str], api.Timing]:
    """Round after round, each query as each viewer, the viewers' order rotating each round: a
    warm-up, then up to ``rounds`` timed rounds or ``budget`` seconds (at least 20 rounds)."""
    timings: dict[tuple[str, str], api.Timing] = {}
    for query in chosen:
        for viewer in viewers:
            request = request_as(query, viewer, base_url)
            first = request.send(client)
            first.raise_for_status()
            timings[query.label, viewer.label] = api.Timing(request, [], request.check(first.json()))

    def one_round(index: int, timed: bool) -> None:
        order = viewers[index % len(viewers) :] + viewers[: index % len(viewers)]
        for query in chosen:
            for viewer in order:
                timing = timings[query.label, viewer.label]
                began = time.perf_counter()
                response = timing.request.send(client)
                response.read()
                elapsed = time.perf_counter() - began
                if response.status_code != 200:
                    raise RuntimeError(
                        f"{timing.request.label}: HTTP {response.status_code}: {response.text[:500]}"
                    )
                if timed:
                    timing.seconds.append(elapsed)

    for index in range(WARMUP):
        one_round(index, timed=False)
    deadline = time.perf_counter() + budget
    for index in range(rounds):
        if index >= 20 and time.perf_counter() > deadline:
            break
        one_round(index, timed=True)
    return timings


# --- report --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    command: str
    postgres: str = "15"
    prepared: Prepared | None = None
    chosen: list[Query] = field(default_factory=list)
    timings: dict[tuple[str, str], api.Timing] = field(default_factory=dict)
    diagnoses: list[analytics.Diagnosis] = field(default_factory=list)
    code: str = field(default_factory=api.code_version)

    def ratio(self, query: Query, viewer: Viewer) -> float:
        return self.timings[query.label, viewer.label].p50 / self.timings[query.label, ADMIN.label].p50

    def paired(self, query: Query, viewer: Viewer) -> float:
        """The median of the round-by-round ratios: requests a round apart share the machine's mood."""
        own, admin = self.timings[query.label, viewer.label], self.timings[query.label, ADMIN.label]
        return statistics.median(a / b for a, b in zip(own.seconds, admin.seconds, strict=True))

    def table(self) -> str:
        rows = [
            "| query | viewer | what it got | n | p50 ms | p95 ms | p50 ÷ admin's | paired ratio | target | met |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        ]
        for query in self.chosen:
            for viewer in (ADMIN, READER, ANONYMOUS):
                timing = self.timings[query.label, viewer.label]
                ratio = self.ratio(query, viewer)
                held = query.held and viewer is READER
                rows.append(
                    f"| {query.label} {query.what.split(':')[0]} | {viewer.label} | {timing.note} | "
                    f"{len(timing.seconds)} | {timing.p50:,.1f} | {timing.p95:,.1f} | "
                    f"{'—' if viewer is ADMIN else f'{ratio:.2f}×'} | "
                    f"{'—' if viewer is ADMIN else f'{self.paired(query, viewer):.2f}×'} | "
                    f"{f'≤ {RATIO_TARGET}×' if held else '—'} | {verdict(ratio <= RATIO_TARGET) if held else '—'} |"
                )
        return "\n".join(rows)

    def setup_lines(self) -> list[str]:
        if self.prepared is None:
            return []
        loaded, catalog = self.prepared.loaded, self.prepared.setup.catalog
        plans = catalog.plans
        per_project = Counter(plan.subject.project for plan in plans)
        kinds: dict[str, list[str]] = {}
        for project, rule in RULES.items():
            kinds.setdefault(rule.kind, []).append(f"{project} ({per_project[project]:,})")
        dag = Counter(plan.subject.project for plan in plans[-catalog.dag_size :])
        filtered = Expected(catalog).filtered

        def hidden(viewer: Viewer, among: Sequence[generate.Plan]) -> str:
            share = sum(not viewer.reads(p.subject.project) for p in among) / len(among)
            return f"{share:.0%}"

        return [
            f"- data: benchmarks/generate.py's catalog: {loaded.assets:,} assets, {loaded.files:,} files, "
            f"{loaded.documents:,} metadata documents, {loaded.edges:,} provenance edges; "
            f"{loaded.database_mb:,.0f} MB on disk; loaded in {loaded.seconds:,.1f} s (the catalog's bulk "
            "registration, binary COPY); PostgreSQL only",
            f"- rules: {len(RULES)} of {len(generate.PROJECTS)} projects, set in {self.prepared.rules_seconds:,.1f} s "
            "through `catalog.services.rules.set_access` (what `catalog access set` runs; no raw SQL), then "
            f"VACUUM ANALYZE; embargoes {EMBARGO_DAYS} days ahead or past; assets per project in brackets: "
            + "; ".join(f"{kind}: {', '.join(names)}" for kind, names in kinds.items())
            + f"; no rule: the other {len(generate.PROJECTS) - len(RULES)}",
            f"- the reader may not read {hidden(READER, plans)} of all assets and {hidden(READER, filtered)} of "
            f"the {len(filtered):,} that the filter of (a) and (d) matches; anonymous {hidden(ANONYMOUS, plans)} "
            f"and {hidden(ANONYMOUS, filtered)}",
            "- (f) lineage: the DAG drawn from 6 projects (`plan_catalog(lineage_projects=...)`), each a different "
            "way into the reader's view: "
            + ", ".join(
                f"{p} {RULES[p].kind if p in RULES else 'no rule'} ({dag[p]})" for p in LINEAGE_PROJECTS
            )
            + "; the reader reads all of it",
            f"- (a)/(d) filter: `{json.dumps(api.FIRST_PAGE_FILTER)}`",
            "- viewers: " + "; ".join(f"{v.label}: {v.who}" for v in (ADMIN, READER, ANONYMOUS)),
            f"- timing: one keep-alive httpx client; {WARMUP} warm-up rounds, then rounds of every query as "
            "every viewer, one request at a time, the viewers' order rotating each round (so noise falls on all "
            "alike); a request is timed until its whole body is read; each viewer's first answer checked "
            "against the generated data and the rules; paired ratio: the median over rounds of the viewer's "
            "time ÷ the admin's in the same round",
        ]

    def verdicts(self) -> list[str]:
        lines = []
        for query in self.chosen:
            if query.held:
                ratio = self.ratio(query, READER)
                lines.append(
                    f"- target {query.label}, reader ≤ {RATIO_TARGET}× admin (p50): "
                    f"{'met' if ratio <= RATIO_TARGET else '**not met**'} ({ratio:.2f}×)"
                )
        return lines + self.explained()

    def explained(self) -> list[str]:
        """One logged request per viewer and query: its statements (the slowest with its plan's
        shape); then whether the reader's plans are the admin's (but for the rule test's subplans),
        and where viewers' main statements differ in being run in parallel."""
        lines: list[str] = []
        found = {d.label: d for d in self.diagnoses}
        for query in self.chosen:
            shapes, parallel = {}, {}
            for viewer in (ADMIN, READER, ANONYMOUS):
                diagnosis = found.get(f"{query.label} {viewer.label}")
                statements = sorted(diagnosis.statements if diagnosis else [], key=lambda s: -s.milliseconds)
                if diagnosis is None or not statements:
                    continue
                slowest = statements[0]
                workers = re.search(r"Workers Launched: (\d+)", slowest.plan)
                parallel[viewer.label] = workers is not None
                shapes[viewer.label] = sorted(
                    _shape(s.plan) for s in statements if "FROM tokens" not in s.sql
                )
                count = workers.group(1) if workers else ""
                shape = f"parallel plan, {count} worker{'s' * (count != '1')}" if workers else "serial plan"
                lines.append(
                    f"- {diagnosis.label}: SQL of one logged request (HTTP {diagnosis.http_ms:,.0f} ms): "
                    f"{len(statements)} statements, {sum(s.milliseconds for s in statements):,.0f} ms logged; "
                    f"the slowest {slowest.summary} ({shape})"
                )
            if ADMIN.label in shapes and READER.label in shapes:
                reader = found[f"{query.label} {READER.label}"].statements
                tests = re.findall(r"OR \((hashed )?SubPlan \d+\)", "\n".join(s.plan for s in reader))
                how = (
                    "hashed: a scan of `access_rules` and of `access_rule_groups`, a few rows each, made once "
                    "per statement and process, then a hash probe per row"
                    if tests and all(tests)
                    else "not all hashed: some run per row"
                )
                same = shapes[ADMIN.label] == shapes[READER.label]
                lines.append(
                    f"- {query.label}: the reader's plans are "
                    + (
                        f"the admin's, node for node, plus the rule test's subplans ({how})"
                        if same
                        else "not the admin's (the rule test changed the planner's choices: see the plans printed)"
                    )
                )
            if len(set(parallel.values())) == 2:
                running = [label for label, shape in parallel.items() if shape]
                serial = [label for label, shape in parallel.items() if not shape]
                lines.append(
                    f"- {query.label}: PostgreSQL ran the main statement in parallel for {', '.join(running)} and "
                    f"serially for {', '.join(serial)} (its row estimates differ with the predicate): on 2 busy "
                    "cores, starting workers can cost more than the rows they share, so this choice of plan (and "
                    "the token lookup, row (0)), not the rule test itself, separates those viewers' times"
                )
        return lines

    def section(self) -> str:
        return "\n".join(
            [
                *preamble(
                    SECTION,
                    self.command,
                    f"PostgreSQL {self.postgres} (fsync off, default settings); `catalog serve` (uvicorn) in its "
                    "own process, the httpx client in this one, on loopback",
                ),
                f"- code: {self.code}",
                *self.setup_lines(),
                "",
                self.table(),
                "",
                *self.verdicts(),
                "",
            ]
        )


def _shape(plan: str) -> tuple[str, ...]:
    """A plan's nodes and what they scan, without costs, times, aliases' numbers (a subquery more
    renumbers them) or the rule test's own scans."""
    nodes = [
        line.split("  (cost=")[0].strip().removeprefix("->").strip()
        for line in plan.splitlines()
        if "  (cost=" in line
    ]
    return tuple(
        re.sub(r"\b(\w+?)_\d+\b", r"\1", node)
        for node in nodes
        if not re.search(r" on access_rule(s|_groups)\b", node)
    )


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=100_000, help="assets to load")
    parser.add_argument("--files", type=int, default=1_000_000, help="files to load, over all assets")
    parser.add_argument("--requests", type=int, default=100, help="timed rounds at most")
    parser.add_argument("--budget", type=float, default=300.0, help="seconds of timed rounds at most")
    explain = parser.add_mutually_exclusive_group()
    explain.add_argument("--explain", action="store_true", help="EXPLAIN every viewer's SQL of every query")
    explain.add_argument(
        "--no-explain", action="store_true", help="EXPLAIN nothing, not even a missed target"
    )
    parser.add_argument("--no-results", action="store_true", help=f"do not rewrite {RESULTS.name}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    command = shlex.join(
        [".venv/bin/python", "benchmarks/access.py", *(sys.argv[1:] if argv is None else argv)]
    )
    report = Report(command)
    with PostgresServer() as server, tempfile.TemporaryDirectory(prefix="bench-access-") as workdir:
        report.postgres = server.bin_dir.parent.name
        prepared = report.prepared = prepare(args, server, Path(workdir))
        catalog = prepared.setup.catalog
        report.chosen = queries(Expected(catalog), catalog)
        served = api.serve_catalog(prepared.setup)
        try:
            with httpx.Client(timeout=120) as client:
                report.timings = measure(
                    client, report.chosen, prepared.viewers, served.base_url, args.requests, args.budget
                )
            for (label, viewer), timing in report.timings.items():
                print(f"{label} {viewer}: p50 {timing.p50:.1f} ms, p95 {timing.p95:.1f} ms", file=sys.stderr)
            missed = [
                q
                for q in report.chosen
                if q.held and (args.explain or report.ratio(q, READER) > RATIO_TARGET)
            ]
            if missed and not args.no_explain:
                chosen = [report.timings[q.label, v.label].request for q in missed for v in prepared.viewers]
                report.diagnoses = analytics.diagnose(
                    server, prepared.setup.database, served.base_url, chosen
                )
        finally:
            served.stop()
        section = report.section()
        print(section)
        analytics.print_diagnoses(report.diagnoses)
        if not args.no_results:
            write_section(SECTION, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
