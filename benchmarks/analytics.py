"""Analytics benchmark: how fast ``aggregate`` and element-matched metadata filters answer over a
catalog of realistic size.

1. A throwaway PostgreSQL cluster (``tests/servers.PostgresServer``), a fresh database migrated to
   head and loaded by ``benchmarks/generate.py`` (its planned catalog, registered through the
   catalog's own bulk path): 100,000 assets of ~16,700 subjects, 30 projects, 13 platforms, five
   years of acquisitions, ``session`` documents with start and end times (``acquisition`` from
   2025 and for light-sheet assets), the typed columns ``project``, ``subject_id``,
   ``acquisition_duration``, ``subject_age_at_acquisition`` and modality rows. Every asset
   carries its subject's ``procedures`` document, as AIND assets do: surgeries
   (``subject_procedures``) holding headframes, craniotomies, fiber implants and Nanoject /
   iontophoresis / retro-orbital injections, with the numbers written as strings
   (``"injection_volume": ["100.0", "150.0"]``). Then ``VACUUM ANALYZE``.
2. ``catalog serve`` in a subprocess, measured over HTTP with httpx (sequential requests over one
   keep-alive connection, after a warm-up): p50 and p95 of
   (1) distinct subjects per project, (2) average acquisition duration and number of assets per
   modality per month, (3) assets with a Nanoject injection of more than 200 nl in one element of
   ``subject_procedures.procedures`` (``elementMatch``), first 50 names and ``totalCount``, and
   (4) the same filter as an ``aggregate``: procedure elements (``unit: ELEMENTS``) per project.
   Every answer is checked against the generated data.
3. For each query over its target (or every query with ``--explain``): statement logging on the
   cluster (``log_min_duration_statement = 0``), one more request, the statements it ran read back
   from the server log with their parameters, and ``EXPLAIN (ANALYZE, BUFFERS)`` of each, printed.

Usage::

    .venv/bin/python benchmarks/analytics.py [--assets 100000] [--files 1000000] [--requests 30]
        [--budget 60] [--explain] [--no-explain] [--no-results]

Prints a Markdown table and rewrites the "Analytics" section of ``benchmarks/RESULTS.md`` (the
file is read right before it is written; other sections are kept as they are then).
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
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx
from sqlalchemy import text

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
sys.path[:0] = [str(BENCHMARKS), str(REPO / "tests")]

import api  # noqa: E402  (benchmarks/api.py: its servers, requests and measurements)
import generate  # noqa: E402  (benchmarks/generate.py: the generated catalog and its loader)
from generate import INJECTION, VOLUME_ABOVE, procedures_document  # noqa: E402
from results import RESULTS, preamble, verdict, write_section  # noqa: E402
from servers import PostgresServer  # noqa: E402

from catalog.db.engine import Database  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

SECTION = "## Analytics (benchmarks/analytics.py)"
TARGET_MS = 300.0
WARMUP = 3
MB = 1_000_000

# --- procedures documents (benchmarks/generate.py makes them) -----------------------------------


def injection_match(document: dict[str, Any]) -> bool:
    """What the element-matched query asks, in Python: one procedure that is a Nanoject injection
    with a volume above ``VOLUME_ABOVE``."""
    return any(
        procedure.get("procedure_type") == INJECTION
        and any(float(v) > VOLUME_ABOVE for v in _listed(procedure.get("injection_volume")))
        for procedure in procedure_elements(document)
    )


def procedure_elements(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for surgery in document["subject_procedures"]:
        yield from surgery["procedures"]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


# --- load -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Data:
    catalog: generate.Catalog
    procedures: dict[str, dict[str, Any]]  # subject id → procedures document
    loaded: generate.Loaded | None = None
    procedures_bytes: float = 0.0  # mean stored (compressed) size of a procedures document
    procedures_text: float = 0.0  # mean size as JSON text

    def matching(self) -> list[generate.Plan]:
        matched = {s for s, document in self.procedures.items() if injection_match(document)}
        return [plan for plan in self.catalog.plans if plan.subject.subject_id in matched]


async def load(url: str, data: Data, store_url: str) -> generate.Loaded:
    """The generated catalog through ``generate.load`` (every asset with its subject's procedures
    document), then the stored and text sizes of those documents."""
    loaded = await generate.load(url, data.catalog, store_url, workers=api.WORKERS)
    db = Database(url)
    try:
        async with db.reader() as session:
            sizes = await session.execute(
                text(
                    "SELECT avg(pg_column_size(c.content)), avg(octet_length(c.content::text)) "
                    "FROM metadata_documents AS d JOIN metadata_contents AS c ON c.id = d.content_id "
                    "WHERE d.document = 'procedures'"
                )
            )
            data.procedures_bytes, data.procedures_text = (float(v) for v in sizes.one())
    finally:
        await db.dispose()
    return loaded


# --- queries and the answers expected -------------------------------------------------------------

ELEMENT_MATCH = {
    "document": "procedures",
    "path": "subject_procedures.procedures",
    "elementMatch": [
        {"path": "procedure_type", "op": "EQ", "value": INJECTION},
        {"path": "injection_volume", "op": "GT", "value": VOLUME_ABOVE},
    ],
}
INJECTION_FILTER = {"metadata": [ELEMENT_MATCH]}
SUBJECTS_QUERY = """query SubjectsPerProject { aggregate(groupBy: [{field: PROJECT}],
  measures: [{op: COUNT_DISTINCT, field: SUBJECT}]) { rows { keys values } truncated } }"""
DURATIONS_QUERY = """query DurationPerModalityMonth { aggregate(groupBy: [{field: MODALITY}, {field: MONTH}],
  measures: [{op: AVG, field: ACQUISITION_DURATION}, {op: COUNT, field: ASSET}], first: 5000) {
  rows { keys values } truncated } }"""
INJECTIONS_QUERY = """query Injections($filter: AssetFilter!) { assets(filter: $filter, first: 50) {
  totalCount totalCountEstimated edges { node { name } } } }"""
INJECTIONS_AGGREGATE = """query InjectionsPerProject($filter: AssetFilter!) { aggregate(filter: $filter,
  groupBy: [{field: PROJECT}], measures: [{op: COUNT, unit: ELEMENTS,
  path: {document: "procedures", path: "subject_procedures.procedures"}}]) { rows { keys values } truncated } }"""
VIRUS_QUERY = """query InjectionsPerVirus { aggregate(
  unwind: {document: "procedures", path: "subject_procedures.procedures",
           where: [{path: "procedure_type", op: EQ, value: "Nanoject injection"}]},
  groupBy: [{element: "injection_materials.name"}],
  measures: [{op: COUNT, unit: ELEMENTS}, {op: AVG, element: "injection_volume"}]) { rows { keys values } truncated } }"""
WEIGHT_QUERY = """query WeightChangePerProject { aggregate(
  unwind: {document: "procedures", path: "subject_procedures"}, groupBy: [{field: PROJECT}],
  measures: [{op: COUNT, unit: ELEMENTS}, {op: AVG, expression: "animal_weight_post - animal_weight_prior"}],
  formulas: ["100 * m0 / total(m0)"]) { rows { keys values } truncated } }"""


def _month(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def _rows(answer: Any) -> list[tuple[tuple[Any, ...], list[float]]]:
    result = api.data_of(answer)["aggregate"]
    if result["truncated"]:
        raise RuntimeError("the aggregate was truncated")
    return [(tuple(row["keys"]), row["values"]) for row in result["rows"]]


def _same(label: str, got: dict[Any, Any], want: dict[Any, Any]) -> None:
    if got != want:
        wrong = sorted(set(got.items()) ^ set(want.items()), key=repr)[:6]
        raise RuntimeError(f"{label}: the answer differs from the generated data, e.g. {wrong}")


def check_subjects(data: Data) -> Any:
    subjects: dict[str, set[str]] = defaultdict(set)
    for plan in data.catalog.plans:
        subjects[plan.subject.project].add(plan.subject.subject_id)
    want = {(project,): len(ids) for project, ids in subjects.items()}

    def check(answer: Any) -> str:
        got = {keys: int(values[0]) for keys, values in _rows(answer)}
        _same("(1)", got, want)
        return f"{len(got)} projects, {sum(got.values()):,} subjects"

    return check


def check_durations(data: Data) -> Any:
    seconds: dict[tuple[str, str], list[float]] = defaultdict(list)
    for plan in data.catalog.plans:
        for modality in plan.modalities:
            seconds[modality, _month(plan.acquired)].append(
                (plan.acquired_end - plan.acquired).total_seconds()
            )
    want = {keys: (statistics.fmean(values), len(values)) for keys, values in seconds.items()}

    def check(answer: Any) -> str:
        got = {keys: (values[0], int(values[1])) for keys, values in _rows(answer)}
        close = got.keys() == want.keys() and all(
            got[k][1] == want[k][1] and abs(got[k][0] - want[k][0]) <= 1e-6 * want[k][0] for k in want
        )
        if not close:
            _same("(2)", got, want)
        modalities = len({modality for modality, _ in got})
        return f"{len(got):,} groups ({modalities} modalities × {len({m for _, m in got})} months)"

    return check


def check_injections(data: Data) -> Any:
    matching = data.matching()

    def check(answer: Any) -> str:
        """The names match; the count is exact, or a flagged estimate within 2× of the truth."""
        found = api.data_of(answer)["assets"]
        names = {plan.name for plan in matching}
        total, estimated = found["totalCount"], found["totalCountEstimated"]
        close = len(matching) / 2 <= total <= len(matching) * 2 if estimated else total == len(matching)
        if not close or not all(e["node"]["name"] in names for e in found["edges"]):
            raise RuntimeError(f"(3): totalCount {total} (estimated: {estimated}), expected {len(matching)}")
        counted = f"about {total:,} (an estimate; {len(matching):,} match)" if estimated else f"{total:,}"
        return f"{len(found['edges'])} names, totalCount {counted}"

    return check


def check_injections_aggregate(data: Data) -> Any:
    elements: Counter[str] = Counter()
    for plan in data.matching():
        elements[plan.subject.project] += sum(
            1 for _ in procedure_elements(data.procedures[plan.subject.subject_id])
        )
    want = {(project,): count for project, count in elements.items()}

    def check(answer: Any) -> str:
        got = {keys: int(values[0]) for keys, values in _rows(answer)}
        _same("(4)", got, want)
        return f"{len(got)} projects, {sum(got.values()):,} procedure elements"

    return check


def check_viruses(data: Data) -> Any:
    """(5) in Python: per virus name, the Nanoject injections of every asset and their mean volume."""
    counts: Counter[str] = Counter()
    volumes: defaultdict[str, list[float]] = defaultdict(list)
    for plan in data.catalog.plans:
        for procedure in procedure_elements(data.procedures[plan.subject.subject_id]):
            if procedure.get("procedure_type") == INJECTION:
                for material in procedure["injection_materials"]:
                    counts[material["name"]] += 1
                    volumes[material["name"]] += [float(v) for v in procedure["injection_volume"]]

    def check(answer: Any) -> str:
        got = dict(_rows(answer))
        want = {(name,): [count, statistics.fmean(volumes[name])] for name, count in counts.items()}
        if got.keys() != want.keys() or any(
            abs(got[k][0] - v[0]) > 0 or abs(got[k][1] - v[1]) > 1e-6 * v[1] for k, v in want.items()
        ):
            raise RuntimeError(f"(5): {len(got)} viruses, expected {len(want)}")
        return f"{len(got)} viruses, {sum(counts.values()):,} injections"

    return check


def check_weights(data: Data) -> Any:
    """(6) in Python: per project, the surgeries of every asset and their mean weight change."""
    changes: defaultdict[str, list[float]] = defaultdict(list)
    for plan in data.catalog.plans:
        for surgery in data.procedures[plan.subject.subject_id]["subject_procedures"]:
            change = float(surgery["animal_weight_post"]) - float(surgery["animal_weight_prior"])
            changes[plan.subject.project].append(change)
    total = sum(len(v) for v in changes.values())

    def check(answer: Any) -> str:
        got = dict(_rows(answer))
        for (project,), (count, change, share) in got.items():
            want = changes.get(project, [])
            if (
                count != len(want)
                or abs(change - statistics.fmean(want)) > 1e-6
                or abs(share - 100 * len(want) / total) > 1e-6
            ):
                raise RuntimeError(f"(6): {project}: {count, change, share}, expected {len(want)} surgeries")
        if {k for (k,) in got} != set(changes):
            raise RuntimeError("(6): the projects differ")
        return f"{len(got)} projects, {total:,} surgeries"

    return check


def requests(base_url: str, data: Data) -> list[api.Request]:
    graphql = api.graphql
    return [
        api.Request("(1)", "distinct subjects per project: groupBy PROJECT, COUNT_DISTINCT SUBJECT",
                    graphql(base_url, SUBJECTS_QUERY, {}), check_subjects(data), TARGET_MS),
        api.Request("(2)", "per modality per month: groupBy MODALITY, MONTH; AVG ACQUISITION_DURATION, COUNT ASSET",
                    graphql(base_url, DURATIONS_QUERY, {}), check_durations(data), TARGET_MS),
        api.Request("(3)", "injections: assets(filter: elementMatch Nanoject injection & volume > 200) first 50 + totalCount",
                    graphql(base_url, INJECTIONS_QUERY, {"filter": INJECTION_FILTER}), check_injections(data), TARGET_MS),
        api.Request("(4)", "injections per project: aggregate, same filter, COUNT procedures unit ELEMENTS",
                    graphql(base_url, INJECTIONS_AGGREGATE, {"filter": INJECTION_FILTER}),
                    check_injections_aggregate(data), TARGET_MS),
        api.Request("(5)", "injections per virus: unwind Nanoject procedures, group by element name, COUNT, AVG element volume",
                    graphql(base_url, VIRUS_QUERY, {}), check_viruses(data), TARGET_MS),
        api.Request("(6)", "weight change per project: unwind surgeries, AVG expression post - prior, share formula",
                    graphql(base_url, WEIGHT_QUERY, {}), check_weights(data), TARGET_MS),
    ]  # fmt: skip


# --- the statements a request runs, and their plans -----------------------------------------------

_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \w+ \[\d+\] ", re.MULTILINE)
_EXECUTE = re.compile(r"LOG:  duration: ([0-9.]+) ms  execute [^:]*: (.*)", re.DOTALL)
_PARAMETER = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")
_PLACEHOLDER = re.compile(r"\$(\d+)\b")


@dataclass(slots=True)
class Statement:
    milliseconds: float
    sql: str  # the parameters written in
    plan: str = ""

    @property
    def summary(self) -> str:
        """Its time as logged, and what EXPLAIN ANALYZE said of execution and JIT compilation."""
        executed = re.search(r"Execution Time: ([0-9.]+) ms", self.plan)
        jit = re.search(r"JIT:.*?Total ([0-9.]+) ms", self.plan, re.DOTALL)
        parts = [f"{self.milliseconds:,.0f} ms logged"]
        if executed:
            parts.append(f"EXPLAIN ANALYZE {float(executed.group(1)):,.0f} ms")
        if jit:
            parts.append(f"of which JIT {float(jit.group(1)):,.0f} ms")
        return ", ".join(parts)


@dataclass(slots=True)
class Diagnosis:
    label: str
    http_ms: float
    statements: list[Statement] = field(default_factory=list)


def _entries(log: Path, start: int) -> list[str]:
    with log.open("rb") as handle:
        handle.seek(start)
        text = handle.read().decode(errors="replace")
    spans = [m.start() for m in _ENTRY.finditer(text)]
    return [text[a:b] for a, b in zip(spans, [*spans[1:], len(text)], strict=True)]


def _statements(entries: list[str]) -> list[Statement]:
    """Executed statements with their parameters written in as literals (the server plans every
    execution anew, ``plan_cache_mode = force_custom_plan``, so the plan is the same)."""
    found: list[Statement] = []
    for index, entry in enumerate(entries):
        body = _ENTRY.sub("", entry, count=1)
        executed = _EXECUTE.match(body)
        if not executed:
            continue
        following = _ENTRY.sub("", entries[index + 1], count=1) if index + 1 < len(entries) else ""
        values = dict(_PARAMETER.findall(following)) if following.startswith("DETAIL:  parameters:") else {}
        sql = _written_in(executed.group(2).strip(), values)
        if not sql.upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SELECT PG_CATALOG.VERSION")):
            found.append(Statement(float(executed.group(1)), sql))
    return found


def _written_in(sql: str, values: dict[str, str]) -> str:
    """``$n`` placeholders replaced by their logged literals, in one pass (a value may hold ``$``)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), sql)


def diagnose(
    server: PostgresServer, database: str, base_url: str, chosen: list[api.Request]
) -> list[Diagnosis]:
    """Log every statement, send each request once more, read back what it ran, EXPLAIN it."""
    log = server.data_dir.parent / "server.log"
    mark = "SELECT 'analytics-mark'"
    diagnoses = []
    server.execute("ALTER SYSTEM SET log_min_duration_statement = 0", "SELECT pg_reload_conf()")
    time.sleep(0.5)  # idle backends read the new setting before their next statement
    try:
        with httpx.Client(timeout=300) as client:
            for request in chosen:
                server.execute(mark, database=database)
                offset = log.stat().st_size
                started = time.perf_counter()
                request.send(client).raise_for_status()
                elapsed = (time.perf_counter() - started) * 1000
                time.sleep(0.2)  # let the server finish writing the log lines
                diagnoses.append(Diagnosis(request.label, elapsed, _statements(_entries(log, offset))))
    finally:
        server.execute("ALTER SYSTEM RESET log_min_duration_statement", "SELECT pg_reload_conf()")

    async def explain() -> None:
        connection = await asyncpg.connect(server.dsn(database))
        try:
            for diagnosis in diagnoses:
                for statement in diagnosis.statements:
                    if statement.sql.lstrip().upper().startswith("EXPLAIN"):  # a count's estimate
                        statement.plan = "(the planner's estimate of a count: EXPLAIN itself)"
                        continue
                    rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {statement.sql}")
                    statement.plan = "\n".join(row[0] for row in rows)
        finally:
            await connection.close()

    asyncio.run(explain())
    return diagnoses


def print_diagnoses(diagnoses: list[Diagnosis]) -> None:
    for diagnosis in diagnoses:
        sql_ms = sum(s.milliseconds for s in diagnosis.statements)
        print(
            f"\n### {diagnosis.label}: HTTP {diagnosis.http_ms:,.1f} ms; {len(diagnosis.statements)} statements, "
            f"{sql_ms:,.1f} ms in the database (they may run concurrently)\n"
        )
        for statement in sorted(diagnosis.statements, key=lambda s: -s.milliseconds):
            print(f"-- {statement.milliseconds:,.1f} ms\n{statement.sql}\n\n{statement.plan}\n")


# --- report ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    command: str
    postgres: str = "15"
    data: Data | None = None
    timings: list[api.Timing] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(default_factory=list)
    code: str = field(default_factory=api.code_version)

    def table(self) -> str:
        rows = [
            "| query | what | result | n | p50 ms | p95 ms | target (p50) | met |",
            "| --- | --- | --- | ---: | ---: | ---: | --- | --- |",
        ]
        for timing in self.timings:
            request = timing.request
            if timing.refused:
                rows.append(
                    f"| {request.label} | {request.what} | refused: {timing.refused} | 0 | — | — | "
                    f"≤ {TARGET_MS:,.0f} ms | no |"
                )
                continue
            rows.append(
                f"| {request.label} | {request.what} | {timing.note} | {len(timing.seconds)} | {timing.p50:,.1f} | "
                f"{timing.p95:,.1f} | ≤ {TARGET_MS:,.0f} ms | {verdict(timing.p50 <= TARGET_MS)} |"
            )
        return "\n".join(rows)

    def section(self) -> str:
        lines = [
            *preamble(
                SECTION,
                self.command,
                f"PostgreSQL {self.postgres} (fsync off, default shared_buffers, "
                "work_mem and parallel settings); `catalog serve` (uvicorn) in its own process, the httpx client in "
                "this one, on loopback",
            ),
            f"- code: {self.code}",
        ]
        if self.data is not None and self.data.loaded is not None:
            loaded, catalog = self.data.loaded, self.data.catalog
            subjects = len({plan.subject.subject_id for plan in catalog.plans})
            lines += [
                f"- data: {loaded.assets:,} assets ({sum(p.derived for p in catalog.plans):,} derived) of "
                f"{subjects:,} subjects, {loaded.modalities:,} modality rows, {loaded.documents:,} metadata "
                f"documents of which {loaded.assets:,} `procedures` (mean {self.data.procedures_text / 1000:,.1f} KB "
                f"as JSON text, {self.data.procedures_bytes / 1000:,.1f} KB stored, lz4), {loaded.files:,} files, "
                f"{loaded.edges:,} provenance edges; {loaded.database_mb:,.0f} MB on disk",
                f"- load: {loaded.seconds:,.1f} s (benchmarks/generate.py: described by the catalog, registered by "
                f"its bulk path, binary COPY, {loaded.workers} worker processes; then VACUUM ANALYZE; migration "
                "not included)",
                f"- (3)/(4) filter: `{json.dumps(INJECTION_FILTER)}`, {len(self.data.matching()):,} assets match; "
                "(4) counts every procedure element of the matching assets (a measure has no element filter)",
            ]
        lines += [
            f"- timing: sequential requests over one keep-alive connection after {WARMUP} warm-up requests; "
            "n timed requests per query (fewer when a query exceeds its time budget); a request is timed until "
            "its whole body is read; every answer checked against the generated data",
            "",
            self.table(),
            "",
        ]
        for timing in self.timings:
            met = timing.p50 <= TARGET_MS
            lines.append(
                f"- target {timing.request.label}, p50 ≤ {TARGET_MS:,.0f} ms: "
                f"{'met' if met else '**not met**'} "
                + (f"(refused: {timing.refused})" if timing.refused else f"({timing.p50:,.1f} ms)")
            )
        for diagnosis in self.diagnoses:
            slowest = sorted(diagnosis.statements, key=lambda s: -s.milliseconds)
            lines.append(
                f"- {diagnosis.label} SQL of one logged request (HTTP {diagnosis.http_ms:,.0f} ms), "
                f"{len(slowest)} statement{'s' if len(slowest) != 1 else ''}: "
                + "; ".join(s.summary for s in slowest)
                + " (plans printed by the run)"
            )
        return "\n".join([*lines, ""])


# --- main -----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=100_000, help="assets to load")
    parser.add_argument("--files", type=int, default=1_000_000, help="files to load, over all assets")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per query at most")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds of timed requests per query at most"
    )
    explain = parser.add_mutually_exclusive_group()
    explain.add_argument("--explain", action="store_true", help="EXPLAIN the statements of every query")
    explain.add_argument(
        "--no-explain", action="store_true", help="EXPLAIN nothing, not even a missed target"
    )
    parser.add_argument("--no-results", action="store_true", help=f"do not rewrite {RESULTS.name}")
    return parser.parse_args(argv)


def prepare(args: argparse.Namespace, server: PostgresServer, workdir: Path) -> tuple[api.Setup, Data]:
    started = time.perf_counter()
    catalog = generate.plan_catalog(args.assets, args.files)
    subjects = {plan.subject.subject_id: plan.subject for plan in catalog.plans}
    data = Data(catalog, {key: procedures_document(subject) for key, subject in subjects.items()})
    print(f"planned {len(catalog.plans):,} assets in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    setup = api.Setup(server, catalog, "bench_analytics", (workdir / "store").resolve(), workdir / "logs")
    server.create_database(setup.database)
    setup.store.mkdir()
    setup.logs.mkdir()
    data.loaded = asyncio.run(load(setup.url, data, setup.store.as_uri()))
    print(f"loaded in {data.loaded.seconds:.1f} s", file=sys.stderr)
    return setup, data


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    command = shlex.join(
        [".venv/bin/python", "benchmarks/analytics.py", *(sys.argv[1:] if argv is None else argv)]
    )
    report = Report(command)
    with PostgresServer() as server, tempfile.TemporaryDirectory(prefix="bench-analytics-") as workdir:
        report.postgres = server.bin_dir.parent.name
        setup, report.data = prepare(args, server, Path(workdir))
        served = api.serve_catalog(setup)
        try:
            chosen = requests(served.base_url, report.data)
            with httpx.Client(timeout=300) as client:
                for request in chosen:
                    try:
                        timing = api.measure(client, request, args.requests, args.budget, warmup=WARMUP)
                    except api.Refused as error:
                        timing = api.Timing(request, [], "", refused=str(error))
                    print(
                        f"{request.label}: p50 {timing.p50:.1f} ms, p95 {timing.p95:.1f} ms {timing.refused}",
                        file=sys.stderr,
                    )
                    report.timings.append(timing)
            # a refused query is not explained: its statements outlast the request budget
            missed = [
                t.request for t in report.timings if not t.refused and (args.explain or t.p50 > TARGET_MS)
            ]
            if missed and not args.no_explain:
                report.diagnoses = diagnose(server, setup.database, served.base_url, missed)
        finally:
            served.stop()
        section = report.section()
        print(section)
        print_diagnoses(report.diagnoses)
        if not args.no_results:
            write_section(SECTION, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
