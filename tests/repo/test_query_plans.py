"""The plans PostgreSQL makes for the hot requests, on a catalog the benchmarks' generator makes
(``benchmarks/generate.py``): a selective filter never reads a whole table of assets, files,
documents, modalities, terms or edges, neither with the plan made for its values (custom) nor with
the generic plan the server switches to after the fifth execution of a prepared statement (asyncpg
prepares every statement).

Each request runs through the served GraphQL API; the statements it sends are recorded as asyncpg
sent them (``$n`` parameters) and PREPAREd again with the parameter types the server inferred for
asyncpg, then EXPLAINed under ``plan_cache_mode`` ``force_custom_plan`` and
``force_generic_plan``."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx
import pytest
from servers import PostgresServer, UvicornServer, free_port, run_coroutine
from sqlalchemy import event

from catalog.app import create_app
from catalog.config import Settings
from catalog.db.engine import Database
from catalog.schemas.filters import AssetFilter
from catalog.services import manifests
from catalog.storage.registry import StoreRegistry

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import generate

if TYPE_CHECKING:
    from collections.abc import Iterator

ASSETS = 8_000
FILES = 56_000  # the generator's least: 7 an asset
SCANNED = {
    "assets",
    "files",
    "metadata_documents",
    "asset_modalities",
    "asset_terms",
    "provenance_edges",
}
"""The tables a selective request reads by index only: each grows with the catalog
(``asset_locations`` too, but the generator leaves it empty, where a scan is the right plan)."""
MODES = ("force_custom_plan", "force_generic_plan")

ASSET_FIELDS = "name kind project acquiredAt subject { subjectId genotype } modalities { abbreviation }"
PAGE = f"""query Page($filter: AssetFilter!) {{ assets(filter: $filter,
  orderBy: [{{field: ACQUIRED_AT, direction: DESC}}], first: 50) {{ totalCount
  edges {{ cursor node {{ {ASSET_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
FILES_QUERY = """query Files($name: String!, $glob: String) { asset(name: $name) { name
  files(first: 100, pathGlob: $glob) { edges { node { path size sha256 } } pageInfo { hasNextPage } } } }"""
BY_SHA256 = """query BySha($sha256: String!) { fileBySha256(sha256: $sha256) { path asset { name } } }"""
LINEAGE = """query Lineage($name: String!, $direction: ProvenanceDirection!) { asset(name: $name) {
  provenance(direction: $direction, depth: 50) { nodes { hops asset { name } } edges { source target } truncated } } }"""
MANIFEST = """query Manifest($filter: AssetFilter!) { downloadManifest(filter: $filter, expiresIn: 600) {
  files { asset path size sha256 } } }"""
FACETS = """query Facets($filter: AssetFilter!) {
  facets(filter: $filter, fields: [MODALITY, SPECIES, PROJECT, YEAR]) { field values { value count } } }"""


@dataclass
class Planned:
    """The served generated catalog, what its generator planned, and a raw connection's DSN."""

    url: str
    client: httpx.Client
    engine: Any
    catalog: generate.Catalog
    dsn: str
    digest: str  # one file's sha256

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        answer = self.client.post(f"{self.url}/graphql", json={"query": query, "variables": variables}).json()
        assert "errors" not in answer, answer["errors"]
        data: dict[str, Any] = answer["data"]
        return data


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: tuple[Any, ...]


@pytest.fixture(scope="module")
def planned(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planned]:
    name = "query_plans"
    url = postgres.create_database(name)
    made: list[generate.Catalog] = []

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    digests: list[str] = []

    async def load() -> None:
        catalog, loaded = await generate.generate_async(url, ASSETS, FILES, seed=11)
        assert (loaded.assets, loaded.files) == (ASSETS, FILES)
        made.append(catalog)
        connection = await asyncpg.connect(dsn)
        try:
            digests.append(
                await connection.fetchval("SELECT sha256 FROM files WHERE sha256 IS NOT NULL LIMIT 1")
            )
        finally:
            await connection.close()

    run_coroutine(load())
    port = free_port()
    settings = Settings(
        database_url=url,
        storage_url=tmp_path_factory.mktemp("plans").as_uri(),
        public_url=f"http://127.0.0.1:{port}",
        secret_key="plans-test-secret",
    )
    app = create_app(settings)
    try:
        with UvicornServer(app, port=port) as server, httpx.Client(timeout=60) as client:
            yield Planned(server.base_url, client, app.state.db.engine.sync_engine, made[0], dsn, digests[0])
    finally:
        postgres.drop_database(name)


@contextmanager
def recording(engine: Any) -> Iterator[list[Statement]]:
    """The statements the served catalog sends while the block runs, as the driver gets them."""
    statements: list[Statement] = []

    def record(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_args: Any) -> None:
        statements.append(Statement(sql, tuple(parameters or ())))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_of(planned: Planned, query: str, **variables: Any) -> list[Statement]:
    """The SELECT statements one GraphQL request runs (it must answer without errors)."""
    with recording(planned.engine) as statements:
        planned.data(query, **variables)
    selects = [s for s in statements if s.sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert selects, f"the request ran no SELECT: {statements}"
    return selects


def _literal(value: Any, type_name: str) -> str:
    """A parameter's value as an SQL literal of the type the server inferred for it."""
    if value is None:
        return f"NULL::{type_name}"
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (datetime, date)):
        text = value.isoformat()
    elif isinstance(value, (int, float, str)):
        text = str(value)
    elif isinstance(value, (list, dict)):
        text = json.dumps(value)
    else:
        raise TypeError(f"no literal for the parameter {value!r}")
    return "'" + text.replace("'", "''") + f"'::{type_name}"


@dataclass(frozen=True)
class Plan:
    mode: str
    statement: Statement
    tree: dict[str, Any]
    text: str

    def scans(self) -> list[str]:
        """The tables of ``SCANNED`` the plan reads whole."""
        found: list[str] = []

        def walk(node: dict[str, Any]) -> None:
            if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in SCANNED:
                found.append(node["Relation Name"])
            for child in node.get("Plans", ()):
                walk(child)

        walk(self.tree)
        return found

    def shown(self) -> str:
        return (
            f"-- {self.mode}\n{self.statement.sql}\n-- parameters: {self.statement.parameters!r}\n{self.text}"
        )


async def _explain(dsn: str, statements: list[Statement]) -> list[Plan]:
    connection = await asyncpg.connect(dsn)
    plans = []
    try:
        for number, statement in enumerate(statements):
            types = [t.name for t in (await connection.prepare(statement.sql)).get_parameters()]
            name = f"hot_{number}"
            signature = f"({', '.join(types)})" if types else ""
            await connection.execute(f"PREPARE {name}{signature} AS {statement.sql}")
            arguments = ", ".join(map(_literal, statement.parameters, types))
            execute = f"EXECUTE {name}({arguments})" if types else f"EXECUTE {name}"
            for mode in MODES:
                await connection.execute(f"SET plan_cache_mode = {mode}")
                tree = json.loads(await connection.fetchval(f"EXPLAIN (FORMAT JSON) {execute}"))[0]["Plan"]
                text = "\n".join(r[0] for r in await connection.fetch(f"EXPLAIN {execute}"))
                plans.append(Plan(mode, statement, tree, text))
            await connection.execute(f"DEALLOCATE {name}")
    finally:
        await connection.close()
    return plans


def explain(planned: Planned, statements: list[Statement]) -> list[Plan]:
    """Each statement's custom and generic plan."""
    plans: list[Plan] = []

    async def run() -> None:
        plans.extend(await _explain(planned.dsn, statements))

    run_coroutine(run())
    return plans


def assert_no_scan(plans: list[Plan]) -> None:
    offending = [p for p in plans if p.scans()]
    shown = "\n\n".join(f"reads {', '.join(p.scans())} whole:\n{p.shown()}" for p in offending)
    assert not offending, f"{len(offending)} of {len(plans)} plans scan a whole table:\n\n{shown}"


# --- the requests ---------------------------------------------------------------------------------


INJECTION_MATCH = {
    "document": "procedures",
    "path": "subject_procedures.procedures",
    "elementMatch": [
        {"path": "procedure_type", "op": "EQ", "value": generate.INJECTION},
        {"path": "injection_volume", "op": "GT", "value": generate.VOLUME_ABOVE},
    ],
}
"""The analytics benchmark's element match (``benchmarks/analytics.py``): half the catalog holds
one, so alone it is a broad filter."""


def _subject_id(plan: generate.Plan) -> dict[str, Any]:
    return {"document": "subject", "path": "subject_id", "op": "EQ", "value": plan.subject.subject_id}


def _genotype_contains(plan: generate.Plan) -> dict[str, Any]:
    return {"document": "subject", "path": "genotype", "op": "CONTAINS", "value": plan.subject.genotype[:6]}


def _primary(planned: Planned, modality: str) -> generate.Plan:
    return next(p for p in planned.catalog.plans if not p.derived and modality in p.modalities)


def selective_requests(planned: Planned) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each hot request with a selective filter: (query, variables)."""
    ephys = _primary(planned, "ecephys")
    day = ephys.acquired.date().isoformat()
    names = [p.name for p in planned.catalog.plans[100:105]]
    derived = next(p for p in planned.catalog.plans if p.derived)
    return {
        "subject": (PAGE, {"filter": {"subjectId": ephys.subject.subject_id}}),
        "name list": (PAGE, {"filter": {"names": names}}),
        "project + modality + dates": (
            PAGE,
            {
                "filter": {
                    "project": ephys.subject.project,
                    "modality": ["ecephys"],
                    "acquiredAfter": f"{day}T00:00:00Z",
                    "acquiredBefore": f"{day}T23:59:59Z",
                }
            },
        ),
        "subject id in metadata": (PAGE, {"filter": {"metadata": [_subject_id(ephys)]}}),
        "genotype contains, one subject": (
            PAGE,
            {"filter": {"subjectId": ephys.subject.subject_id, "metadata": [_genotype_contains(ephys)]}},
        ),
        "injection element match, one subject": (
            PAGE,
            {"filter": {"subjectId": ephys.subject.subject_id, "metadata": [INJECTION_MATCH]}},
        ),
        "name contains": (PAGE, {"filter": {"nameContains": ephys.name[:-3]}}),
        "files by glob": (FILES_QUERY, {"name": ephys.name, "glob": "**/*.json"}),
        "lineage upstream": (LINEAGE, {"name": derived.name, "direction": "UPSTREAM"}),
        "manifest of names": (MANIFEST, {"filter": {"names": names[:3]}}),
        "file by sha256": (BY_SHA256, {"sha256": planned.digest}),
    }


SELECTIVE = [
    "subject",
    "name list",
    "project + modality + dates",
    "subject id in metadata",
    "genotype contains, one subject",
    "injection element match, one subject",
    "name contains",
    "files by glob",
    "file by sha256",
    "lineage upstream",
    "manifest of names",
]


@pytest.mark.parametrize("request_name", SELECTIVE)
def test_a_selective_request_reads_no_table_whole(planned: Planned, request_name: str) -> None:
    query, variables = selective_requests(planned)[request_name]
    assert_no_scan(explain(planned, statements_of(planned, query, **variables)))


def test_a_downstream_lineage_reads_no_table_whole(planned: Planned) -> None:
    derived = next(p for p in planned.catalog.plans if p.derived)
    variables = {"name": derived.name, "direction": "DOWNSTREAM"}
    assert_no_scan(explain(planned, statements_of(planned, LINEAGE, **variables)))


def test_a_manifest_continues_a_large_asset_along_its_index(planned: Planned, tmp_path: Path) -> None:
    """Each batch that goes on inside one asset reads its (asset, path) index from where the last
    batch ended: no sort and no scan, so a store of 100,000 chunks costs each batch alike."""
    url = planned.dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    spec = AssetFilter(names=[planned.catalog.files_asset])
    continued: list[Statement] = []

    async def read() -> None:
        db = Database(url)
        stores = StoreRegistry(Settings(database_url=url, storage_url=tmp_path.as_uri()))
        try:
            with recording(db.engine.sync_engine) as seen:
                stream = await manifests.open_manifest(
                    db, stores, spec, path_glob=None, expires_in=60, batch=20
                )
                listed = [entry async for batch in stream.batches() for entry in batch]
        finally:
            await stores.close()
            await db.dispose()
        assert len(listed) > 60, "the asset's files take several batches"
        continued.extend(s for s in seen if "files.path >" in s.sql)

    run_coroutine(read())
    plans = explain(planned, continued[:2])
    assert len(plans) == 4
    assert_no_scan(plans)
    sorted_ = [p.shown() for p in plans if "Sort" in p.text]
    assert not sorted_, "\n\n".join(sorted_)


BROAD = {
    "every asset": (PAGE, {"filter": {}}),
    "the benchmark's first page": (
        PAGE,
        {
            "filter": {
                "modality": ["ecephys"],
                "species": "Mus musculus",
                "acquiredAfter": "2023-01-01T00:00:00Z",
            }
        },
    ),
    "injection element match": (PAGE, {"filter": {"metadata": [INJECTION_MATCH]}}),
    "facets of everything": (FACETS, {"filter": {}}),
}
"""Requests matching much of the catalog: reading a table whole may be the best plan for them."""


@pytest.mark.parametrize("request_name", list(BROAD))
def test_a_broad_request_has_a_custom_and_a_generic_plan(planned: Planned, request_name: str) -> None:
    query, variables = BROAD[request_name]
    plans = explain(planned, statements_of(planned, query, **variables))
    print("\n\n".join(p.shown() for p in plans))  # pytest shows it when the test fails
    assert {p.mode for p in plans} == set(MODES)
    if request_name == "every asset":  # the newest 51 by the order index, never a sort of all
        page = [p for p in plans if " LIMIT " in p.statement.sql]
        assert page, "no page statement"
        unordered = [p for p in page if "ix_assets_acquired_order" not in p.text]
        assert not unordered, "\n\n".join(p.shown() for p in unordered)


def test_a_broad_element_match_leaves_a_subject_to_choose_the_assets(planned: Planned) -> None:
    """Half the catalog holds an injection: the planner, which estimates any path predicate of a
    large document to hold for 0.1% of them, must not read every injection's document by the GIN
    index of documents rather than the subject's few assets."""
    query, variables = selective_requests(planned)["injection element match, one subject"]
    plans = explain(planned, statements_of(planned, query, **variables))
    page = [p for p in plans if " LIMIT " in p.statement.sql]
    assert {p.mode for p in page} == set(MODES)
    astray = [p for p in page if "ix_assets_subject_id" not in p.text]
    assert not astray, "\n\n".join(p.shown() for p in astray)


def test_a_path_predicate_reads_the_gin_index_in_both_plans(planned: Planned) -> None:
    """The documents a path equality selects come from the GIN index of documents, whether the
    server plans for the values or generically (the path inline, both plans see it)."""
    query, variables = selective_requests(planned)["subject id in metadata"]
    plans = [
        p for p in explain(planned, statements_of(planned, query, **variables)) if "@?" in p.statement.sql
    ]
    assert {p.mode for p in plans} == set(MODES)
    astray = [p for p in plans if "ix_metadata_contents_content" not in p.text]
    assert not astray, "\n\n".join(p.shown() for p in astray)


JSON_READINGS = ("@?", "jsonb_path")
"""How a plan's conditions read a document (``catalog.db.dialects.postgresql``)."""
CONTENTS = {"metadata_contents", "ix_metadata_contents_content"}


def _json_readers(node: dict[str, Any]) -> list[str]:
    """The relations (or, for a bitmap's index scan, the indexes) whose rows a plan's JSON
    conditions are evaluated on, node by node."""
    conditions = " ".join(str(node.get(k, "")) for k in ("Filter", "Index Cond", "Recheck Cond"))
    reader = node.get("Relation Name") or node.get("Index Name")
    found = [reader] if any(r in conditions for r in JSON_READINGS) else []
    for child in node.get("Plans", ()):
        found += _json_readers(child)
    return found


@pytest.mark.parametrize(
    "request_name",
    ["subject id in metadata", "injection element match, one subject", "injection element match"],
)
def test_a_json_predicate_is_evaluated_over_the_distinct_contents(
    planned: Planned, request_name: str
) -> None:
    """A path predicate or element match reads ``metadata_contents`` (each distinct content once),
    never the versions of ``metadata_documents`` that repeat them, in both plans."""
    query, variables = {**selective_requests(planned), **BROAD}[request_name]
    plans = [p for p in explain(planned, statements_of(planned, query, **variables)) if _json_readers(p.tree)]
    assert {p.mode for p in plans} == set(MODES)
    astray = [p for p in plans if not set(_json_readers(p.tree)) <= CONTENTS]
    assert not astray, "\n\n".join(p.shown() for p in astray)


@pytest.mark.parametrize("modality", ["ecephys", "behavior", "SPIM"])
def test_the_planner_knows_how_common_a_modality_is(planned: Planned, modality: str) -> None:
    """A modality filter matches the term in any case; the planner's estimate of its assets is
    within a factor of two of the truth (without statistics of lower(abbreviation) it took every
    modality for a rare one, and built the set of a common one's assets before a first page)."""
    query = f"SELECT asset_id FROM asset_modalities WHERE lower(abbreviation) IN ('{modality.lower()}')"

    counted: list[int] = []

    async def estimated_and_true() -> None:
        connection = await asyncpg.connect(planned.dsn)
        try:
            plan = json.loads(await connection.fetchval(f"EXPLAIN (FORMAT JSON) {query}"))
            counted.append(int(plan[0]["Plan"]["Plan Rows"]))
            counted.append(await connection.fetchval(f"SELECT count(*) FROM ({query}) AS matched"))
        finally:
            await connection.close()

    run_coroutine(estimated_and_true())
    estimate, found = counted
    assert found > 0, modality
    assert found / 2 <= estimate <= found * 2, (estimate, found)
