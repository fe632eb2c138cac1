"""API benchmark: how fast the GraphQL API answers over a catalog of realistic size.

Everything runs against services this script starts itself:

1. A throwaway PostgreSQL cluster (``tests/servers.PostgresServer``), a fresh database migrated
   to head, loaded with ``--assets`` generated assets (100,000) and ``--files`` files
   (1,000,000) by ``benchmarks/generate.py``: its planned catalog (~16,000 subjects of 5 species,
   30 projects, 13 platforms and their modality mixes, five years of acquisitions, QC states,
   chains and diamonds of derived assets, a SmartSPIM asset of 2,000 files, a connected lineage
   DAG of 1,000 assets 37 layers deep), documents shaped like the fixtures and files (zarr chunk
   trees for imaging), registered through the catalog's own bulk path (binary ``COPY``), then
   ``VACUUM ANALYZE``. Keys are ``<asset>/<path>`` in a local ``file://`` store (URLs are
   signed, never fetched).
2. ``catalog serve`` in a subprocess (so client and server do not share a GIL), measured over
   HTTP with httpx: sequential requests after a warm-up, p50 and p95 of (a) a filtered first
   page, (b) the next page by its cursor, (c) the first page with ``totalCount``, (d) four
   facets, (e) one asset's first 100 files with signed URLs, (f) a 1,000-node provenance graph,
   (g) a manifest of ~10,000 signed URLs through GraphQL and streamed from ``GET /manifest``
   (each skipped with a note while the server lacks it), the streamed one also to its first
   byte of body.
3. A baseline: a minimal Starlette app (``--serve-baseline``, also a subprocess under uvicorn)
   running the SQL of (a), compiled from the catalog's own repo functions, and the modalities
   lookup through asyncpg, answering plain JSON. Reported with the ratio catalog / baseline.

Usage::

    .venv/bin/python benchmarks/api.py [--assets 100000] [--files 1000000] [--requests 200]
        [--budget 30] [--only a0,g] [--compare ../other-checkout] [--profile] [--no-results]

Prints a Markdown table and rewrites the "API" section of ``benchmarks/RESULTS.md`` (other
sections are kept). ``--profile`` then replays every query with PostgreSQL statement logging,
to tell SQL time from Python time per request, and with ``auto_explain`` to print the plans the
server actually ran (generic plans included).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from generate import (  # noqa: E402  (the one generator and loader: benchmarks/generate.py)
    Catalog,
    Loaded,
    load,
    plan_catalog,
)
from results import RESULTS, preamble, verdict, write_section  # noqa: E402
from servers import PostgresServer, free_port  # noqa: E402

from catalog.conventions.modalities import Vocabulary  # noqa: E402
from catalog.conventions.names import parse_name  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

SECTION = "## API (benchmarks/api.py)"
WORKERS = os.cpu_count() or 2
"""Processes generating and writing the catalog (``generate.load``)."""

ACQUIRED_AFTER = "2023-01-01T00:00:00Z"
FIRST_PAGE_FILTER = {"modality": ["ecephys"], "species": "Mus musculus", "acquiredAfter": ACQUIRED_AFTER}
FIRST_PAGE_TARGET_MS = 10.0
RATIO_TARGET = 2.5
FACETS_TARGET_MS = 150.0
PROVENANCE_TARGET_MS = 50.0
MANIFEST_TARGET_MS = 500.0
STREAMED_TARGET_MS = 200.0
FIRST_BYTE_TARGET_MS = 50.0

# --- servers -------------------------------------------------------------------------------------


class Served:
    """A server in a subprocess of ours, up once ``/healthz`` (or ``probe``) answers 200."""

    def __init__(
        self,
        name: str,
        command: list[str],
        env: dict[str, str],
        port: int,
        logs: Path,
        probe: str,
        cwd: Path = REPO,
    ) -> None:
        self.name, self.base_url = name, f"http://127.0.0.1:{port}"
        self.log = logs / f"{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(self.base_url + probe, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{name} did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serve_catalog(setup: Setup, code: Path | None = None) -> Served:
    """``catalog serve`` on the loaded catalog, with the catalog's code of ``code`` (another
    checkout) instead of this process's when given."""
    port = free_port()
    env = dict(
        os.environ,
        **({"PYTHONPATH": str(code)} if code is not None else {}),
        CATALOG_DATABASE_URL=setup.url,
        CATALOG_STORAGE_URL=setup.store.as_uri(),
        CATALOG_PUBLIC_URL=f"http://127.0.0.1:{port}",
        CATALOG_SECRET_KEY="benchmark-secret",
    )
    command = [
        str(Path(sys.executable).parent / "catalog"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return Served("catalog", command, env, port, setup.logs, "/healthz")


def serve_baseline(setup: Setup) -> Served:
    port = free_port()
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-baseline", str(port), setup.dsn]
    return Served("baseline", command, dict(os.environ), port, setup.logs, "/healthz")


# --- baseline: the first page's SQL, plain JSON ------------------------------------------------


def first_page_sql(size: int = 50) -> tuple[str, list[Any]]:
    """The statement ``assets.page`` runs for query (a), compiled by SQLAlchemy for asyncpg."""
    from sqlalchemy.dialects.postgresql.asyncpg import dialect

    from catalog.db.dialects import dialect_for
    from catalog.repo import assets, filters
    from catalog.repo.pages import order_by
    from catalog.schemas.enums import AssetOrderField, SortDirection
    from catalog.schemas.filters import AssetFilter
    from catalog.schemas.orders import AssetOrder

    spec = AssetFilter(
        modality=["ecephys"],
        species="Mus musculus",
        acquired_after=datetime.fromisoformat(ACQUIRED_AFTER),
    )
    query = assets.visible().where(filters.condition(dialect_for("postgresql"), spec))
    newest = AssetOrder(field=AssetOrderField.ACQUIRED_AT, direction=SortDirection.DESC)
    query = query.order_by(*order_by((newest,))).limit(size + 1)
    compiled = query.compile(dialect=dialect(), compile_kwargs={"render_postcompile": True})
    assert compiled.positiontup is not None
    return compiled.string, [compiled.params[name] for name in compiled.positiontup]


MODALITIES_SQL = (
    "SELECT asset_id, abbreviation FROM asset_modalities WHERE asset_id = ANY($1::bigint[]) "
    "ORDER BY asset_id, abbreviation"
)


def baseline_app(dsn: str) -> Any:
    """The least a JSON endpoint for query (a) must do: two statements, rows to JSON."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    sql, params = first_page_sql()
    vocabulary = Vocabulary()
    pools: list[asyncpg.Pool] = []

    def iso(value: datetime | date | None) -> str | None:
        return value.isoformat() if value is not None else None

    async def first_page(_request: Any) -> JSONResponse:
        async with pools[0].acquire() as connection:
            rows = await connection.fetch(sql, *params)
            page = rows[:50]
            modalities: dict[int, list[str]] = {}
            for asset_id, abbreviation in await connection.fetch(MODALITIES_SQL, [row["id"] for row in page]):
                modalities.setdefault(asset_id, []).append(abbreviation)
        edges = [
            {
                "cursor": json.dumps([0, iso(row["acquired_at"]), row["id"]]),
                "node": {
                    "name": row["name"], "kind": row["kind"], "project": row["project"],
                    "institution": row["institution"], "dataLevel": row["data_level"],
                    "acquiredAt": iso(row["acquired_at"]), "qcStatus": row["qc_status"],
                    "processLabel": row["process_label"], "registeredAt": iso(row["registered_at"]),
                    "location": row["location"],
                    "subject": {
                        "subjectId": row["subject_id"], "species": row["species"], "sex": row["sex"],
                        "genotype": row["genotype"], "dateOfBirth": iso(row["date_of_birth"]),
                    },
                    "modalities": [
                        {"abbreviation": a, "name": vocabulary.name_of(a)} for a in modalities.get(row["id"], [])
                    ],
                },
            }
            for row in page
        ]  # fmt: skip
        page_info = {"hasNextPage": len(rows) > 50, "endCursor": edges[-1]["cursor"] if edges else None}
        return JSONResponse({"data": {"assets": {"edges": edges, "pageInfo": page_info}}})

    async def healthz(_request: Any) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        pools.append(await asyncpg.create_pool(dsn, min_size=1, max_size=10))
        yield
        await pools[0].close()

    return Starlette(routes=[Route("/first-page", first_page), Route("/healthz", healthz)], lifespan=lifespan)


def run_baseline(port: int, dsn: str) -> None:
    import uvicorn

    uvicorn.run(baseline_app(dsn), host="127.0.0.1", port=port, log_level="warning")


# --- queries -------------------------------------------------------------------------------------

ASSET_FIELDS = """name kind project institution dataLevel acquiredAt qcStatus processLabel registeredAt location
  subject { subjectId species sex genotype dateOfBirth } modalities { abbreviation name }"""
PAGE_QUERY = f"""query Page($filter: AssetFilter!, $after: String) {{
  assets(filter: $filter, orderBy: [{{field: ACQUIRED_AT, direction: DESC}}], first: 50, after: $after) {{
    edges {{ cursor node {{ {ASSET_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
COUNT_QUERY = f"""query PageCount($filter: AssetFilter!) {{
  assets(filter: $filter, orderBy: [{{field: ACQUIRED_AT, direction: DESC}}], first: 50) {{
    totalCount edges {{ cursor node {{ {ASSET_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
FACETS_QUERY = """query Facets($filter: AssetFilter!) {
  facets(filter: $filter, fields: [MODALITY, SPECIES, PROJECT, YEAR]) { field values { value count } } }"""
FILES_QUERY = """query Files($name: String!) { asset(name: $name) { name
  files(first: 100) { edges { node { path size sha256 url { url } } } pageInfo { hasNextPage endCursor } } } }"""
LINEAGE_QUERY = """query Lineage($name: String!) { asset(name: $name) {
  provenance(direction: DOWNSTREAM, depth: 50) { nodes { hops asset { name } } edges { source target } truncated } } }"""
TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }"
TYPE_QUERY = f"""query Type($name: String!) {{ __type(name: $name) {{
  fields {{ name args {{ name defaultValue type {{ kind }} }} type {{ {TYPE_REF} }} }} }} }}"""


@dataclass(slots=True)
class Request:
    label: str
    what: str
    send: Callable[[httpx.Client], httpx.Response]
    check: Callable[[Any], str]  # the parsed answer → a short note; raises when it is wrong
    target_ms: float | None = None
    json: bool = True
    first_byte: bool = False  # timed to the first byte of the body, not to its end

    @property
    def short(self) -> str:
        return self.what.split(":")[0].split(" (")[0]


@dataclass(slots=True)
class Timing:
    request: Request
    seconds: list[float]
    note: str
    refused: str = ""
    """Why the catalog refused the query (a GraphQL error such as TIMEOUT, an HTTP error): then no
    timing, and the run goes on with the next query."""

    def quantile(self, q: int) -> float:
        if not self.seconds:
            return math.nan
        if len(self.seconds) == 1:
            return self.seconds[0] * 1000
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[q - 1] * 1000

    @property
    def p50(self) -> float:
        return self.quantile(50)

    @property
    def p95(self) -> float:
        return self.quantile(95)


def graphql(
    base_url: str, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None
) -> Callable[[httpx.Client], httpx.Response]:
    """A POST of ``query``, with ``headers`` added (an ``Authorization``, say)."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"content-type": "application/json", **(headers or {})}
    return lambda client: client.post(f"{base_url}/graphql", content=body, headers=headers)


class Refused(RuntimeError):
    """The catalog answered a query with an error instead of data."""


def data_of(answer: Any) -> Any:
    if answer.get("errors"):
        raise Refused(f"GraphQL errors: {json.dumps(answer['errors'])[:2000]}")
    return answer["data"]


def ask(client: httpx.Client, send: Callable[[httpx.Client], httpx.Response]) -> Any:
    response = send(client)
    response.raise_for_status()
    return data_of(response.json())


def _page_note(answer: Any) -> str:
    page = data_of(answer)["assets"]
    if len(page["edges"]) != 50 or not page["pageInfo"]["hasNextPage"]:
        raise RuntimeError(f"expected a full page and more, got {len(page['edges'])}")
    return "50 assets"


def _names(data: Any) -> list[str]:
    return [edge["node"]["name"] for edge in data["assets"]["edges"]]


def _count_note(answer: Any) -> str:
    return f"50 assets, totalCount {data_of(answer)['assets']['totalCount']:,}"


def _facets_note(answer: Any) -> str:
    facets = data_of(answer)["facets"]
    return "4 facets, " + ", ".join(f"{len(f['values'])} {f['field'].lower()}" for f in facets) + " values"


def _files_note(answer: Any) -> str:
    edges = data_of(answer)["asset"]["files"]["edges"]
    if len(edges) != 100:
        raise RuntimeError(f"expected 100 files, got {len(edges)}")
    return "100 files, 100 signed URLs"


def _lineage_note(answer: Any) -> str:
    graph = data_of(answer)["asset"]["provenance"]
    return f"{len(graph['nodes']):,} nodes, {len(graph['edges']):,} edges, truncated {graph['truncated']}"


def _urls(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_urls(v) for v in value.values())
    if isinstance(value, list):
        return sum(_urls(v) for v in value)
    return int(isinstance(value, str) and value.startswith("http"))


def _unwrap(ref: dict[str, Any]) -> tuple[str, str]:
    while ref.get("ofType") is not None and ref["kind"] in ("NON_NULL", "LIST"):
        ref = ref["ofType"]
    return ref["kind"], ref["name"]


def selection(client: httpx.Client, base_url: str, type_name: str, depth: int = 2) -> str:
    """Every field of a type that needs no argument, objects down to ``depth``: a query for a type
    this script does not know the shape of yet."""
    found = ask(client, graphql(base_url, TYPE_QUERY, {"name": type_name}))["__type"]
    parts = []
    for item in found["fields"] if found else []:
        if any(arg["type"]["kind"] == "NON_NULL" and arg["defaultValue"] is None for arg in item["args"]):
            continue
        kind, name = _unwrap(item["type"])
        if kind in ("SCALAR", "ENUM"):
            parts.append(item["name"])
        elif kind == "OBJECT" and depth > 0 and (inner := selection(client, base_url, name, depth - 1)):
            parts.append(f"{item['name']} {{ {inner} }}")
    return " ".join(parts)


def manifest_requests(
    client: httpx.Client, base_url: str, catalog: Catalog
) -> tuple[list[Request], list[str]]:
    """(g) through GraphQL and streamed, for whichever of the two the server has."""
    requests, missing = [], []
    query_type = ask(client, graphql(base_url, TYPE_QUERY, {"name": "Query"}))["__type"]
    field_ = next((f for f in query_type["fields"] if f["name"] == "downloadManifest"), None)
    wanted = catalog.manifest_files
    if field_ is None:
        missing.append("(g) `downloadManifest` is not in the schema yet: GraphQL manifest not measured")
    else:
        _, type_name = _unwrap(field_["type"])
        query = (
            "query Manifest($filter: AssetFilter!) { downloadManifest(filter: $filter, expiresIn: 600) { "
            f"{selection(client, base_url, type_name)} }} }}"
        )

        def manifest_note(answer: Any) -> str:
            urls = _urls(data_of(answer))
            if urls != wanted:
                raise RuntimeError(f"expected {wanted:,} URLs, got {urls:,}")
            return f"{urls:,} signed URLs"

        send = graphql(base_url, query, {"filter": catalog.manifest_filter})
        requests.append(
            Request(
                "(g)",
                "manifest via GraphQL: downloadManifest(filter, expiresIn: 600)",
                send,
                manifest_note,
                MANIFEST_TARGET_MS,
            )
        )
    params = {"filter": json.dumps(catalog.manifest_filter), "format": "tsv", "expiresIn": "600"}
    probe = client.get(f"{base_url}/manifest", params=params)
    if probe.status_code == 404:
        missing.append("(g) `GET /manifest` answers 404: streamed manifest not measured")
    else:

        def streamed_note(response: Any) -> str:
            lines = [line for line in response.splitlines() if line and not line.startswith("#")]
            if len(lines) != wanted:
                raise RuntimeError(f"expected {wanted:,} lines, got {len(lines):,}: {response[:300]}")
            return f"{len(lines):,} TSV lines"

        def stream(client: httpx.Client) -> httpx.Response:
            return client.get(f"{base_url}/manifest", params=params)

        def opened(client: httpx.Client) -> httpx.Response:
            return client.send(
                client.build_request("GET", f"{base_url}/manifest", params=params), stream=True
            )

        requests.append(
            Request(
                "(g)",
                "manifest streamed: GET /manifest?filter=…&format=tsv&expiresIn=600",
                stream,
                streamed_note,
                STREAMED_TARGET_MS,
                json=False,
            )
        )
        requests.append(
            Request(
                "(g)",
                "manifest streamed, time to first byte: its first chunk of body",
                opened,
                streamed_note,
                FIRST_BYTE_TARGET_MS,
                json=False,
                first_byte=True,
            )
        )
    return requests, missing


def catalog_requests(
    client: httpx.Client, base_url: str, catalog: Catalog
) -> tuple[list[Request], list[str]]:
    first = graphql(base_url, PAGE_QUERY, {"filter": FIRST_PAGE_FILTER})
    cursor = ask(client, first)["assets"]["pageInfo"]["endCursor"]
    requests = [
        Request("(a)", "first page: 3 filters, ACQUIRED_AT desc, 50 assets", first, _page_note, FIRST_PAGE_TARGET_MS),
        Request("(b)", "next page: after the endCursor of (a)", graphql(base_url, PAGE_QUERY, {"filter": FIRST_PAGE_FILTER, "after": cursor}), _page_note),
        Request("(c)", "first page + totalCount: (a) and the count", graphql(base_url, COUNT_QUERY, {"filter": FIRST_PAGE_FILTER}), _count_note),
        Request("(d)", "facets: MODALITY, SPECIES, PROJECT, YEAR under the filter of (a)", graphql(base_url, FACETS_QUERY, {"filter": FIRST_PAGE_FILTER}), _facets_note, FACETS_TARGET_MS),
        Request("(e)", "files: asset(name) files(first: 100) with signed URLs", graphql(base_url, FILES_QUERY, {"name": catalog.files_asset}), _files_note),
        Request("(f)", f"provenance: DOWNSTREAM, depth 50, the {catalog.dag_size:,}-node DAG", graphql(base_url, LINEAGE_QUERY, {"name": catalog.dag_root}), _lineage_note, PROVENANCE_TARGET_MS),
    ]  # fmt: skip
    more, missing = manifest_requests(client, base_url, catalog)
    return requests + more, missing


def baseline_request(base_url: str) -> Request:
    def send(client: httpx.Client) -> httpx.Response:
        return client.get(f"{base_url}/first-page")

    return Request(
        "(a0)", "plain JSON baseline: the SQL of (a) + modalities via asyncpg, Starlette", send, _page_note
    )


def measure(client: httpx.Client, request: Request, count: int, budget: float, warmup: int = 10) -> Timing:
    """Sequential requests: a warm-up (prepared statements, generic plans, caches), then up to
    ``count`` timed ones or ``budget`` seconds, whichever comes first (at least 10)."""
    note = ""
    for index in range(warmup):
        response = request.send(client)
        response.read()
        if response.status_code != 200:
            raise Refused(f"HTTP {response.status_code}: {response.text[:300]}")
        if index == 0:
            note = request.check(response.json() if request.json else response.text)
    seconds: list[float] = []
    deadline = time.perf_counter() + budget
    while len(seconds) < count and (len(seconds) < 10 or time.perf_counter() < deadline):
        started = time.perf_counter()
        response = request.send(client)
        if request.first_byte:
            chunks = response.iter_raw()
            next(chunks, b"")
            seconds.append(time.perf_counter() - started)
            for _ in chunks:
                pass
            response.close()
        else:
            response.read()
            seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise Refused(f"{request.label}: HTTP {response.status_code}")
    return Timing(request, seconds, note)


# --- profile -------------------------------------------------------------------------------------

_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+ \[\d+\] ", re.MULTILINE)
_DURATION = re.compile(r"duration: ([0-9.]+) ms  (parse|bind|execute|statement|plan)")


def _log_entries(log: Path, start: int) -> tuple[list[str], int]:
    with log.open("rb") as handle:
        handle.seek(start)
        text = handle.read().decode(errors="replace")
    spans = [m.start() for m in _ENTRY.finditer(text)]
    return [text[a:b] for a, b in zip(spans, [*spans[1:], len(text)], strict=True)], start + len(
        text.encode()
    )


def _between_marks(entries: list[str], label: str) -> list[str]:
    inside, found = False, []
    for entry in entries:
        if f"bench-mark {label} begin'" in entry:
            inside = True
        elif f"bench-mark {label} end'" in entry:
            break
        elif inside:
            found.append(entry)
    return found


def profile(setup: Setup) -> str:
    """Per query: the SQL time of one request against its HTTP time, then the plans PostgreSQL
    ran (auto_explain, ANALYZE) for the slowest statements."""
    server = setup.server
    log = server.data_dir.parent / "server.log"
    out: list[str] = ["", "## Profile", ""]

    def mark(text: str) -> None:
        server.execute(f"SELECT 'bench-mark {text}'", database=setup.database)

    def configure(*settings: str) -> None:
        server.execute(*(f"ALTER SYSTEM SET {s}" for s in settings), "SELECT pg_reload_conf()")

    def replay(each: Callable[[int, Request, float], None]) -> None:
        """Every query 8 times (past the fifth run, generic plans are in use if chosen), then once
        more between two marks in the server log."""
        served = serve_catalog(setup)
        try:
            with httpx.Client(timeout=120) as client:
                requests, _ = catalog_requests(client, served.base_url, setup.catalog)
                for index, request in enumerate(requests):
                    for _ in range(8):
                        request.send(client).read()
                    mark(f"q{index} begin")
                    started = time.perf_counter()
                    request.send(client).read()
                    elapsed = (time.perf_counter() - started) * 1000
                    mark(f"q{index} end")
                    each(index, request, elapsed)
        finally:
            served.stop()

    def sql_time(index: int, request: Request, elapsed: float) -> None:
        entries, _ = _log_entries(log, offset)
        inside = _between_marks(entries, f"q{index}")
        durations = [(m.group(2), float(m.group(1))) for e in inside if (m := _DURATION.search(e))]
        executes = sum(1 for kind, _ in durations if kind == "execute")
        simple = [e.split("statement: ", 1)[1].strip()[:40] for e in inside if "statement: " in e]
        out.append(
            f"- {request.label} {request.short}: HTTP {elapsed:.1f} ms, of which SQL (parse+bind+execute) "
            f"{sum(ms for _, ms in durations):.1f} ms in {executes} statements "
            f"(+ {len(simple)} simple: {', '.join(simple)})"
        )

    def plans(index: int, request: Request, _elapsed: float) -> None:
        entries, _ = _log_entries(log, offset)
        found = [e for e in _between_marks(entries, f"q{index}") if "plan:" in e]
        found.sort(key=lambda e: -float(m.group(1)) if (m := _DURATION.search(e)) else 0)
        out.extend(["", f"### {request.label} {request.short}: {len(found)} statements, slowest first", ""])
        out.extend(["```", *(p.rstrip() for p in found[:2]), "```"])

    try:
        configure("log_min_duration_statement = 0")
        offset = log.stat().st_size
        replay(sql_time)
        configure("log_min_duration_statement = -1", "session_preload_libraries = 'auto_explain'")
        configure(  # in a new session, where auto_explain is loaded and its settings are known
            "auto_explain.log_min_duration = 0", "auto_explain.log_analyze = on",
            "auto_explain.log_buffers = on", "auto_explain.log_format = 'text'",
        )  # fmt: skip
        offset = log.stat().st_size
        replay(plans)
    finally:
        server.execute("ALTER SYSTEM RESET ALL", "SELECT pg_reload_conf()")
    return "\n".join(out)


# --- report --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    command: str
    catalog: Catalog | None = None
    loaded: Loaded | None = None
    timings: list[Timing] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    postgres: str = "15"
    code: str = field(default_factory=lambda: code_version())  # when the run starts: the tree may move

    def timing(self, label: str, streamed: bool = False) -> Timing | None:
        return next(
            (t for t in self.timings if t.request.label == label and (not streamed or not t.request.json)),
            None,
        )

    def ratio(self) -> float | None:
        page, plain = self.timing("(a)"), self.timing("(a0)")
        return page.p50 / plain.p50 if page and plain else None

    def table(self) -> str:
        rows = [
            "| query | what | result | n | p50 ms | p95 ms | target (p50) | met |",
            "| --- | --- | --- | ---: | ---: | ---: | --- | --- |",
        ]
        for timing in self.timings:
            request = timing.request
            target = f"≤ {request.target_ms:,.0f} ms" if request.target_ms else "—"
            met = verdict(timing.p50 <= request.target_ms) if request.target_ms else "—"
            if timing.refused:
                rows.append(
                    f"| {request.label} | {request.what} | refused: {timing.refused} | 0 | — | — | {target} | no |"
                )
                continue
            rows.append(
                f"| {request.label} | {request.what} | {timing.note} | {len(timing.seconds)} | "
                f"{timing.p50:,.1f} | {timing.p95:,.1f} | {target} | {met} |"
            )
        if (ratio := self.ratio()) is not None:
            rows.append(
                f"| (a)/(a0) | ratio catalog / plain JSON, p50 | — | — | {ratio:.2f}× | — | ≤ {RATIO_TARGET}× | "
                f"{verdict(ratio <= RATIO_TARGET)} |"
            )
        return "\n".join(rows)

    def section(self) -> str:
        lines = [
            *preamble(
                SECTION,
                self.command,
                f"PostgreSQL {self.postgres} (fsync off, default shared_buffers); "
                "`catalog serve` (uvicorn, asyncio + h11) and the baseline each in their own process, the httpx "
                "client in a third, on loopback",
            ),
            f"- code: {self.code}",
        ]
        if self.loaded is not None and self.catalog is not None:
            loaded = self.loaded
            lines += [
                f"- data: {loaded.assets:,} assets ({sum(p.derived for p in self.catalog.plans):,} derived), "
                f"{loaded.files:,} files, {loaded.documents:,} metadata documents, {loaded.modalities:,} "
                f"modality rows, {loaded.edges:,} provenance edges"
                + (f", {loaded.terms:,} asset_terms rows" if loaded.terms else "")
                + f"; {loaded.database_mb:,.0f} MB on disk",
                f"- load: {loaded.seconds:,.1f} s (benchmarks/generate.py: described by the catalog, registered by "
                f"its bulk path, binary COPY, {loaded.workers} worker processes; then VACUUM ANALYZE; migration "
                "not included)",
                f"- (a)-(d) filter: `{json.dumps(FIRST_PAGE_FILTER)}`; (g) filter: "
                f"`{json.dumps(self.catalog.manifest_filter)}` ({self.catalog.manifest_files:,} files), expiresIn 600",
            ]
        lines += [
            "- timing: sequential requests over one keep-alive connection after 10 warm-up requests; "
            "n timed requests per query (fewer when a query exceeds its time budget); a request is timed "
            "until its whole body is read",
            *(f"- note: {note}" for note in self.notes),
            "",
            self.table(),
            "",
            *self.verdicts(),
            "",
        ]
        return "\n".join(lines)

    def verdicts(self) -> list[str]:
        lines = []
        for timing in self.timings:
            target = timing.request.target_ms
            if target:
                ok = timing.p50 <= target
                lines.append(
                    f"- target {timing.request.label} {timing.request.short}, p50 ≤ {target:,.0f} ms: "
                    f"{'met' if ok else '**not met**'} "
                    + (f"(refused: {timing.refused})" if timing.refused else f"({timing.p50:,.1f} ms)")
                )
        if (ratio := self.ratio()) is not None:
            lines.append(
                f"- target (a) first page ≤ {RATIO_TARGET}× the plain JSON endpoint: "
                f"{'met' if ratio <= RATIO_TARGET else '**not met**'} ({ratio:.2f}×)"
            )
        plain = self.timing("(a0)")
        if plain is not None and plain.p50 > FIRST_PAGE_TARGET_MS:
            lines.append(
                f"- the plain JSON endpoint runs the same SQL and takes {plain.p50:,.1f} ms itself: the SQL of (a), "
                "not the API layer, is what misses the first-page target (see `--profile`)"
            )
        return lines


def code_version(tree: Path = REPO) -> str:
    """The commit measured, and whether the catalog's code had uncommitted changes."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=tree, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", "catalog", "migrations")
    return f"commit {commit}" + (" plus uncommitted changes to catalog/ or migrations/" if changed else "")


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=100_000, help="assets to load")
    parser.add_argument("--files", type=int, default=1_000_000, help="files to load, over all assets")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per query at most")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="seconds of timed requests per query at most"
    )
    parser.add_argument(
        "--only",
        type=lambda text: {f"({label.strip()})" for label in text.split(",")},
        help=f"measure only these queries, by label: a comma-separated list such as a0,g (never rewrites {RESULTS.name})",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="TREE",
        help="then measure the same queries served by the catalog's code of TREE (another checkout "
        "with the same migrations) on the same loaded catalog, and print its table too: a "
        "before/after from one load",
    )
    parser.add_argument("--profile", action="store_true", help="then print SQL times and plans per query")
    parser.add_argument("--no-results", action="store_true", help=f"do not rewrite {RESULTS.name}")
    parser.add_argument("--serve-baseline", nargs=2, metavar=("PORT", "DSN"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def check_names(catalog: Catalog, sample: int = 2_000) -> None:
    """Every generated name is one the catalog would accept (a sample, and the special ones)."""
    rng = random.Random(1)
    for plan in [
        *rng.sample(catalog.plans, min(sample, len(catalog.plans))),
        *catalog.plans[-catalog.dag_size :],
    ]:
        parse_name(plan.name)
    names = [plan.name for plan in catalog.plans]
    if len(set(names)) != len(names):
        raise RuntimeError("generated names are not unique")


@dataclass(slots=True)
class Setup:
    """A loaded catalog database and where its servers keep their files."""

    server: PostgresServer
    catalog: Catalog
    database: str
    store: Path
    logs: Path

    @property
    def url(self) -> str:
        return self.server.url(self.database)

    @property
    def dsn(self) -> str:
        return self.server.dsn(self.database)


def prepare(args: argparse.Namespace, report: Report, server: PostgresServer, workdir: Path) -> Setup:
    started = time.perf_counter()
    catalog = plan_catalog(args.assets, args.files)
    check_names(catalog)
    report.catalog = catalog
    print(f"planned {len(catalog.plans):,} assets in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    setup = Setup(server, catalog, "bench_api", (workdir / "store").resolve(), workdir / "logs")
    server.create_database(setup.database)
    setup.store.mkdir()
    setup.logs.mkdir()
    report.loaded = asyncio.run(load(setup.url, catalog, setup.store.as_uri(), workers=WORKERS))
    print(f"loaded in {report.loaded.seconds:.1f} s", file=sys.stderr)
    return setup


def run(args: argparse.Namespace, report: Report, setup: Setup, code: Path | None = None) -> None:
    """The baseline first, then the catalog (each only when ``--only`` names them); each query's
    first answer is checked."""
    wanted = args.only or {"(a0)", "(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)"}
    plain_page = None
    if "(a0)" in wanted:
        baseline = serve_baseline(setup)
        try:
            with httpx.Client(timeout=120) as client:
                plain = baseline_request(baseline.base_url)
                plain_page = _names(ask(client, plain.send))
                report.timings.append(measure(client, plain, args.requests, args.budget))
        finally:
            baseline.stop()
    served = serve_catalog(setup, code)
    try:
        with httpx.Client(timeout=120) as client:
            requests, report.notes = catalog_requests(client, served.base_url, setup.catalog)
            if plain_page is not None and _names(ask(client, requests[0].send)) != plain_page:
                raise RuntimeError("the baseline's first page differs from the catalog's")
            for request in (r for r in requests if r.label in wanted):
                try:
                    timing = measure(client, request, args.requests, args.budget)
                except Refused as error:
                    timing = Timing(request, [], "", refused=str(error))
                print(
                    f"{request.label} {request.short}: p50 {timing.p50:.1f} ms {timing.refused}",
                    file=sys.stderr,
                )
                report.timings.append(timing)
    finally:
        served.stop()
    report.timings.sort(key=lambda t: (t.request.label, not t.request.json))  # (a) (a0) (b) ... (g) (g)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve_baseline:
        run_baseline(int(args.serve_baseline[0]), args.serve_baseline[1])
        return 0
    command = shlex.join([".venv/bin/python", "benchmarks/api.py", *(sys.argv[1:] if argv is None else argv)])
    report = Report(command)
    with PostgresServer() as server, tempfile.TemporaryDirectory(prefix="bench-api-") as workdir:
        report.postgres = server.bin_dir.parent.name
        setup = prepare(args, report, server, Path(workdir))
        run(args, report, setup)
        section = report.section()
        print(section)
        if args.compare is not None:
            other = Report(command, code=f"{args.compare.name}: {code_version(args.compare.resolve())}")
            run(args, other, setup, args.compare.resolve())
            print(f"\nThe same catalog served by {other.code}:\n\n{other.table()}\n")
        if not (args.no_results or args.only):  # a partial run never replaces the section
            write_section(SECTION, section)
        if args.profile:
            print(profile(setup))
    return 0


if __name__ == "__main__":
    sys.exit(main())
