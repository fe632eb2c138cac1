"""Against django-neurobank: the same workload on the catalog and on a real neurobank registry.

Everything runs against services this script starts itself, in one run:

1. A throwaway PostgreSQL cluster (``tests/servers.PostgresServer``) holding two databases.
2. The peer: django-neurobank (PyPI) installed with gunicorn into its own venv in a cache folder
   outside the repository (``~/.cache/catalog-bench/neurobank-<version>``, reused when present), a
   minimal Django project written to a temporary folder (its REST API under ``/neurobank/``,
   migrations, a superuser with a DRF token for writes, one archive and one data type), served by
   gunicorn (threaded worker, so connections are kept alive) in a subprocess.
3. The catalog: ``catalog serve`` in a subprocess on its own database.

Both hold the same records: ``benchmarks/generate.py`` plans the catalog; the catalog side is
loaded by its loader, the neurobank side gets the same records as resources (name, ``animal`` =
the subject, ``metadata`` = the record's metadata documents, one location: archive ``store``, key
the name), written with COPY. 1,000 further planned records are then registered through each
one's own path: neurobank's REST ``POST resources/`` one by one (it has no bulk create), the
catalog's ``catalog import`` of a JSON-lines file in a subprocess (process start included; the
catalog has no GraphQL mutation for metadata-only registration).

Then, per side, sequential requests over one keep-alive connection, a warm-up then p50 and p95:
resolve one name, list its locations, metadata searches (a subject, a genotype through the
catalog's typed column and through a JSON-path predicate), project + modality + date range,
100 names in one request, and paging through everything at 100 and 500 per page. Each answer is
checked to hold the same names on both sides.

Usage::

    .venv/bin/python benchmarks/peer_neurobank.py [--records 20000] [--requests 100] [--no-results]

Prints a Markdown table and rewrites the "Against django-neurobank" section of
``benchmarks/RESULTS.md`` (other sections are kept).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from api import Served, data_of  # noqa: E402
from generate import Catalog, Loaded, Plan, documents, load, plan_catalog, procedures_document  # noqa: E402
from results import RESULTS, preamble, verdict, write_section  # noqa: E402
from servers import PostgresServer, free_port  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

SECTION = "## Against django-neurobank (benchmarks/peer_neurobank.py)"
NEUROBANK = "django-neurobank==0.12.0"
CACHE = Path.home() / ".cache" / "catalog-bench"
REGISTERED = 1_000
FILES_PER_RECORD = 8
STORE = "file:///srv/store"
ARCHIVE, DTYPE = "store", "asset"
REGISTRATION_TARGET = 20.0
SEARCH_TARGET = 10.0
NAME_TARGET = 5.0

# --- the peer -------------------------------------------------------------------------------------


def peer_venv(requirement: str = NEUROBANK) -> Path:
    """The peer's own venv (made once, then reused): django-neurobank, gunicorn, psycopg."""
    venv = CACHE / requirement.replace("django-", "").replace("==", "-")
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run(["uv", "venv", "-p", "3.11", str(venv)], check=True)
        subprocess.run(
            [
                "uv",
                "pip",
                "install",
                "-p",
                str(python),
                "--compile-bytecode",
                requirement,
                "gunicorn",
                "psycopg[binary]",
            ],
            check=True,
        )
    return venv


SETTINGS = """\
SECRET_KEY = "benchmark"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "nbproject.urls"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "rest_framework", "rest_framework.authtoken", "django_filters", "nbank_registry",
]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware",
              "django.contrib.auth.middleware.AuthenticationMiddleware"]
DATABASES = {{"default": {{"ENGINE": "django.db.backends.postgresql", "NAME": "{database}",
    "USER": "postgres", "HOST": "127.0.0.1", "PORT": {port}, "CONN_MAX_AGE": 600}}}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
REST_FRAMEWORK = {{
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "PAGE_SIZE": 100,
}}
"""
URLS = """\
from django.urls import include, path
from drf_link_header_pagination import LinkHeaderPagination

# the registry pages by PAGE_SIZE only; let a client ask for 100 or 500 per page
LinkHeaderPagination.page_size_query_param = "page_size"
LinkHeaderPagination.max_page_size = 1000
urlpatterns = [path("neurobank/", include("nbank_registry.urls"))]
"""
SETUP = """\
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from nbank_registry.models import Archive, DataType
user = User.objects.create_superuser("bench", "bench@example.org", "bench")
print(Token.objects.create(user=user).key)
Archive.objects.create(name="{archive}", scheme="file", root="/srv/store")
DataType.objects.create(name="{dtype}", content_type="application/json")
"""


@dataclass(slots=True)
class Peer:
    venv: Path
    project: Path
    version: str = ""
    token: str = ""

    def manage(self, *args: str) -> str:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="nbproject.settings", PYTHONPATH=str(self.project))
        done = subprocess.run(
            [str(self.venv / "bin" / "python"), "-m", "django", *args],
            env=env, cwd=self.project, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"manage {args[0]} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def serve(self, logs: Path) -> Served:
        port = free_port()
        command = [
            str(self.venv / "bin" / "gunicorn"), "nbproject.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--worker-class", "gthread", "--workers", "1", "--threads", "4", "--keep-alive", "75",
            "--log-level", "warning",
        ]  # fmt: skip
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="nbproject.settings", PYTHONPATH=str(self.project))
        return Served("neurobank", command, env, port, logs, "/neurobank/info/", cwd=self.project)


def make_peer(server: PostgresServer, workdir: Path) -> Peer:
    """The project, its database migrated, a superuser with a token, the archive and data type."""
    assert server.port is not None
    server.create_database("bench_neurobank")
    project = workdir / "nbproject-root"
    package = project / "nbproject"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(SETTINGS.format(database="bench_neurobank", port=server.port))
    (package / "urls.py").write_text(URLS)
    (package / "wsgi.py").write_text(
        "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"
    )
    peer = Peer(peer_venv(), project)
    peer.manage("migrate", "--noinput")
    peer.token = (
        peer.manage("shell", "-c", SETUP.format(archive=ARCHIVE, dtype=DTYPE)).strip().splitlines()[-1]
    )
    versions = "import django, nbank_registry; print(nbank_registry.__version__, django.get_version())"
    peer.version = peer.manage("shell", "-c", versions).strip().splitlines()[-1]
    return peer


# --- the same records on both sides ---------------------------------------------------------------


class Records:
    """Each planned asset's metadata documents (a subject's procedures are made once)."""

    def __init__(self) -> None:
        self.procedures: dict[str, dict[str, Any]] = {}

    def of(self, plan: Plan) -> dict[str, Any]:
        subject = plan.subject.subject_id
        if subject not in self.procedures:
            self.procedures[subject] = procedures_document(plan.subject)
        return documents(plan, STORE, self.procedures[subject])

    def resource(self, plan: Plan) -> dict[str, Any]:
        """The record as neurobank's REST API registers it."""
        return {
            "name": plan.name,
            "dtype": DTYPE,
            "animal": plan.subject.subject_id,
            "metadata": self.of(plan),
            "locations": [{"archive": ARCHIVE, "key": plan.name}],
        }

    def line(self, plan: Plan) -> str:
        """The record as ``catalog import`` reads it (a DocDB-style whole-asset record)."""
        return json.dumps({"name": plan.name, "location": f"{STORE}/{plan.name}", **self.of(plan)})


def _copy_rows(plans: Sequence[Plan], records: Records, first_id: int) -> Iterator[tuple[Any, ...]]:
    now = datetime.now(UTC)
    for offset, plan in enumerate(plans):
        yield (
            first_id + offset,
            plan.name,
            None,
            1,
            now,
            1,
            json.dumps(records.of(plan)),
            None,
            plan.subject.subject_id,
        )


async def load_peer(dsn: str, plans: Sequence[Plan], animals: set[str], records: Records) -> float:
    """The records as neurobank resources, with their locations, by COPY; then VACUUM ANALYZE."""
    started = time.perf_counter()
    connection = await asyncpg.connect(dsn)
    try:
        await connection.copy_records_to_table(
            "nbank_registry_animal", records=[(a,) for a in sorted(animals)]
        )
        batch = 5_000
        for start in range(0, len(plans), batch):
            chunk = plans[start : start + batch]
            await connection.copy_records_to_table(
                "nbank_registry_resource",
                records=list(_copy_rows(chunk, records, start + 1)),
                columns=["id", "name", "sha1", "dtype_id", "created_on", "created_by_id", "metadata",
                         "experimenter_id", "animal_id"],
            )  # fmt: skip
            await connection.copy_records_to_table(
                "nbank_registry_location",
                records=[(start + 1 + i, 1, plan.name) for i, plan in enumerate(chunk)],
                columns=["resource_id", "archive_id", "key"],
            )
        await connection.execute(
            "SELECT setval(pg_get_serial_sequence('nbank_registry_resource', 'id'), "
            "(SELECT max(id) FROM nbank_registry_resource))"
        )
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()
    return time.perf_counter() - started


# --- timing ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Timing:
    seconds: list[float]
    found: int  # names in the answer

    def quantile(self, q: int) -> float:
        if len(self.seconds) == 1:
            return self.seconds[0] * 1000
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[q - 1] * 1000

    @property
    def p50(self) -> float:
        return self.quantile(50)

    @property
    def p95(self) -> float:
        return self.quantile(95)


def measure(
    client: httpx.Client,
    send: Callable[[httpx.Client], httpx.Response],
    names: Callable[[httpx.Response], list[str]],
    count: int,
    budget: float = 30.0,
    warmup: int = 10,
) -> tuple[Timing, list[str]]:
    """Warm-up (the first answer's names are returned), then ``count`` timed requests or ``budget``
    seconds, whichever comes first (at least 10)."""
    found: list[str] = []
    for index in range(warmup):
        response = send(client)
        if response.status_code >= 300:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:500]}")
        if index == 0:
            found = names(response)
    seconds: list[float] = []
    deadline = time.perf_counter() + budget
    while len(seconds) < count and (len(seconds) < 10 or time.perf_counter() < deadline):
        started = time.perf_counter()
        send(client).read()
        seconds.append(time.perf_counter() - started)
    return Timing(seconds, len(found)), found


def _graphql(
    base_url: str, query: str, variables: dict[str, Any]
) -> Callable[[httpx.Client], httpx.Response]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"content-type": "application/json"}
    return lambda client: client.post(f"{base_url}/graphql", content=body, headers=headers)


def _get(url: str, params: dict[str, Any] | None = None) -> Callable[[httpx.Client], httpx.Response]:
    return lambda client: client.get(url, params=params)


def _assets(response: httpx.Response) -> list[str]:
    return [edge["node"]["name"] for edge in data_of(response.json())["assets"]["edges"]]


def _results(response: httpx.Response) -> list[str]:
    return [item["name"] for item in response.json()]


def _jsonl(response: httpx.Response) -> list[str]:
    return sorted(json.loads(line)["name"] for line in response.text.splitlines() if line.strip())


ASSET = "name kind project subject { subjectId genotype } acquiredAt dataLevel location"
SEARCH = f"""query Search($filter: AssetFilter!, $first: Int!, $after: String) {{
  assets(filter: $filter, orderBy: [{{field: NAME, direction: ASC}}], first: $first, after: $after) {{
    edges {{ node {{ {ASSET} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
RESOLVE = """query Resolve($name: String!) { asset(name: $name) {
  name kind subject { subjectId } location metadata locations { url label primary } } }"""
LOCATIONS = """query Locations($name: String!) { asset(name: $name) {
  name locations { url label priority primary fallback } } }"""
MANY = """query Many($names: [String!]!) { assets(filter: {names: $names}, first: 100) {
  edges { node { name kind subject { subjectId } location metadata } } } }"""


@dataclass(slots=True)
class Row:
    label: str
    what: str
    catalog: Timing
    peer: Timing
    target: float | None = None
    note: str = ""
    catalog_how: str = ""
    peer_how: str = ""

    @property
    def ratio(self) -> float:
        return self.peer.p50 / self.catalog.p50


def _count(names: Sequence[str]) -> str:
    return "—" if not names else f"{len(names)} name" + ("s" if len(names) > 1 else "")


@dataclass(slots=True)
class Workload:
    """The queries, their arguments chosen from the plans so that both sides answer the same."""

    catalog_url: str
    peer_url: str
    token: str
    plans: list[Plan]
    count: int
    rows: list[Row] = field(default_factory=list)

    def pair(
        self,
        label: str,
        what: str,
        catalog: tuple[Callable[[httpx.Client], httpx.Response], Callable[[httpx.Response], list[str]]],
        peer: tuple[Callable[[httpx.Client], httpx.Response], Callable[[httpx.Response], list[str]]],
        target: float | None,
        how: tuple[str, str],
        ordered: bool = True,
    ) -> None:
        with httpx.Client(timeout=120) as client:
            ours, our_names = measure(client, *catalog, self.count)
        with httpx.Client(timeout=120) as client:
            theirs, their_names = measure(client, *peer, self.count)
        same = our_names == their_names if ordered else sorted(our_names) == sorted(their_names)
        if not same:
            raise RuntimeError(f"{label}: the answers differ: {our_names[:5]} vs {their_names[:5]}")
        self.rows.append(Row(label, what, ours, theirs, target, _count(our_names), *how))
        print(f"{label} {what}: catalog {ours.p50:.1f} ms, neurobank {theirs.p50:.1f} ms", file=sys.stderr)

    def search(self, variables: dict[str, Any], page: int = 50) -> tuple[Any, Any]:
        return _graphql(self.catalog_url, SEARCH, {"filter": variables, "first": page}), _assets

    def resources(self, params: dict[str, Any]) -> tuple[Any, Any]:
        return _get(f"{self.peer_url}/neurobank/resources/", params), _results

    def run(self) -> None:
        subject = max(
            {p.subject.subject_id: p.subject for p in self.plans}.values(),
            key=lambda s: sum(1 for p in self.plans if p.subject is s),
        )
        one = next(p for p in self.plans if p.subject is subject)
        genotype = "Dbh-Cre-KI/wt"
        self.pair(
            "(0)", "the server's floor: the least request each answers",
            (_graphql(self.catalog_url, "{ __typename }", {}), lambda r: []),
            (_get(f"{self.peer_url}/neurobank/info/"), lambda r: []),
            None, ("`{ __typename }`", "`GET info/`"),
        )  # fmt: skip
        self.pair(
            "(b)", "resolve one name (the record with its metadata and locations)",
            (_graphql(self.catalog_url, RESOLVE, {"name": one.name}),
             lambda r: [data_of(r.json())["asset"]["name"]]),
            (_get(f"{self.peer_url}/neurobank/resources/{one.name}/"), lambda r: [r.json()["name"]]),
            NAME_TARGET, ("`asset(name)` with `metadata` and `locations`", "`GET resources/<name>/`"),
        )  # fmt: skip
        self.pair(
            "(c)", "list a resource's locations",
            (_graphql(self.catalog_url, LOCATIONS, {"name": one.name}),
             lambda r: [data_of(r.json())["asset"]["name"]]),
            (_get(f"{self.peer_url}/neurobank/resources/{one.name}/locations/"),
             lambda r: [item["resource_name"] for item in r.json()][:1]),
            None, ("`asset(name) { locations }`", "`GET resources/<name>/locations/`"),
        )  # fmt: skip
        self.pair(
            "(d1)", f"one subject's records, typed column on both sides (subject {subject.subject_id})",
            self.search({"subjectId": subject.subject_id}),
            self.resources({"animal": subject.subject_id, "page_size": 50}),
            SEARCH_TARGET, ("`subjectId`", "`?animal=` (its foreign key to animals)"),
        )  # fmt: skip
        self.pair(
            "(d2)", f"subject genotype {genotype}, first 50 hits: the catalog's typed column",
            self.search({"genotype": genotype}),
            self.resources({"metadata__subject__genotype": genotype, "page_size": 50}),
            SEARCH_TARGET, ("`genotype` (typed column)", "`?metadata__subject__genotype=` (its only way)"),
        )  # fmt: skip
        predicate = {"document": "subject", "path": "genotype", "op": "EQ", "value": genotype}
        self.pair(
            "(d3)", f"subject genotype {genotype}, first 50 hits: JSON-path predicate on both sides",
            self.search({"metadata": [predicate]}),
            self.resources({"metadata__subject__genotype": genotype, "page_size": 50}),
            SEARCH_TARGET, ("`metadata: [{document: subject, path: genotype, op: EQ}]`",
                            "`?metadata__subject__genotype=`"),
        )  # fmt: skip
        self.compound()
        names = sorted(p.name for p in self.plans[:: max(1, len(self.plans) // 100)][:100])
        body = json.dumps({"names": names}).encode()
        headers = {"content-type": "application/json"}
        self.pair(
            "(f)", "resolve 100 names in one request",
            (_graphql(self.catalog_url, MANY, {"names": names}), lambda r: sorted(_assets(r))),
            (lambda c: c.post(f"{self.peer_url}/neurobank/bulk/resources/", content=body, headers=headers), _jsonl),
            NAME_TARGET, ("`assets(filter: {names})` with `metadata`", "`POST bulk/resources/` (JSON lines)"),
            ordered=False,
        )  # fmt: skip

    def compound(self) -> None:
        after, before = "2023-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00"
        window = [p for p in self.plans if not p.derived and after <= p.acquired.isoformat() < before]
        counts: dict[tuple[str, str], int] = {}
        for plan in window:
            key = (plan.subject.project, plan.modalities[0])
            counts[key] = counts.get(key, 0) + 1
        project, modality = max(counts, key=lambda key: counts[key])
        variables = {
            "project": project, "modality": [modality], "dataLevel": "raw",
            "acquiredAfter": after, "acquiredBefore": before,
        }  # fmt: skip
        params = {
            "metadata__data_description__project_name": project,
            "metadata__data_description__modality__contains": json.dumps([{"abbreviation": modality}]),
            "metadata__data_description__data_level": "raw",
            "metadata__data_description__creation_time__gte": after,
            "metadata__data_description__creation_time__lt": before,
            "page_size": 50,
        }  # fmt: skip
        self.pair(
            "(e)", f"project {project} + modality {modality} + raw + acquired in 2023–2024, first 50",
            self.search(variables), self.resources(params), SEARCH_TARGET,
            ("typed columns `project`, `modality`, `dataLevel`, `acquiredAfter/Before`",
             "`?metadata__data_description__…` (project_name, modality__contains, data_level, "
             "creation_time__gte/__lt)"),
        )  # fmt: skip

    def paging(self, size: int) -> None:
        """Every record, page by page: the catalog by keyset cursor, neurobank by page number."""
        ours: list[float] = []
        our_names: list[str] = []
        with httpx.Client(timeout=300) as client:
            after = None
            while True:
                send = _graphql(self.catalog_url, SEARCH, {"filter": {}, "first": size, "after": after})
                started = time.perf_counter()
                response = send(client)
                response.read()
                ours.append(time.perf_counter() - started)
                page = data_of(response.json())["assets"]
                our_names += [edge["node"]["name"] for edge in page["edges"]]
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
        theirs: list[float] = []
        their_names: list[str] = []
        with httpx.Client(timeout=300) as client:
            number = 1
            while True:
                started = time.perf_counter()
                response = client.get(
                    f"{self.peer_url}/neurobank/resources/", params={"page": number, "page_size": size}
                )
                response.read()
                theirs.append(time.perf_counter() - started)
                their_names += _results(response)
                if 'rel="next"' not in response.headers.get("link", ""):
                    break
                number += 1
        if sorted(our_names) != sorted(their_names):
            raise RuntimeError(f"paging {size}: {len(our_names)} names against {len(their_names)}")
        label = "(g1)" if size == 100 else "(g2)"
        row = Row(
            label, f"page through everything, {size} per page ({len(ours)} pages)",
            Timing(ours, len(our_names)), Timing(theirs, len(their_names)), None, f"{len(our_names):,} names",
            "keyset cursor, `orderBy NAME`", "`?page=&page_size=` (page numbers, a COUNT per page)",
        )  # fmt: skip
        row.note += f"; whole pass {sum(ours):.1f} s vs {sum(theirs):.1f} s"
        self.rows.append(row)
        print(f"{label}: catalog {sum(ours):.1f} s, neurobank {sum(theirs):.1f} s", file=sys.stderr)


# --- registration ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Registration:
    catalog_seconds: float
    peer_seconds: list[float]
    start_seconds: float = 0.0  # `catalog --help`: the process start the import pays too
    analyze_seconds: float = 0.0  # an ANALYZE like the one the import runs at its end

    @property
    def catalog_rate(self) -> float:
        return REGISTERED / self.catalog_seconds

    @property
    def peer_rate(self) -> float:
        return REGISTERED / sum(self.peer_seconds)


def register_catalog(plans: Sequence[Plan], records: Records, env: dict[str, str], workdir: Path) -> float:
    """``catalog import`` of a JSON-lines file, in a subprocess, process start included."""
    path = workdir / "register.jsonl"
    path.write_text("".join(records.line(plan) + "\n" for plan in plans), encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "catalog"), "import", str(path)],
        env=env, capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0 or f"{len(plans)} registered" not in done.stdout + done.stderr:
        raise RuntimeError(f"catalog import failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds


def catalog_start(env: dict[str, str]) -> float:
    """The quicker of two ``catalog --help``: what starting the CLI costs before any work."""
    seconds = []
    for _ in range(2):
        started = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "catalog"), "--help"], env=env, capture_output=True, check=True
        )
        seconds.append(time.perf_counter() - started)
    return min(seconds)


def analyze_seconds(server: PostgresServer, database: str) -> float:
    started = time.perf_counter()
    server.execute("ANALYZE", database=database)
    return time.perf_counter() - started


def register_peer(plans: Sequence[Plan], records: Records, base_url: str, token: str) -> list[float]:
    """One REST ``POST resources/`` per resource (metadata, animal and location in one request)."""
    headers = {"authorization": f"Token {token}", "content-type": "application/json"}
    bodies = [json.dumps(records.resource(plan)).encode() for plan in plans]
    seconds = []
    with httpx.Client(timeout=120) as client:
        for body in bodies:
            started = time.perf_counter()
            response = client.post(f"{base_url}/neurobank/resources/", content=body, headers=headers)
            seconds.append(time.perf_counter() - started)
            if response.status_code != 201:
                raise RuntimeError(
                    f"neurobank refused a resource: {response.status_code} {response.text[:500]}"
                )
    return seconds


# --- report ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    command: str
    records: int
    postgres: str = ""
    versions: str = ""
    loaded: Loaded | None = None
    peer_load: float = 0.0
    registration: Registration | None = None
    rows: list[Row] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # the machine's 1-minute load average, before and after

    def table(self) -> list[str]:
        lines = [
            "| query | what | catalog (how) | neurobank (how) | answer | catalog p50 / p95 ms | neurobank p50 / p95 ms "
            "| neurobank / catalog (p50) | target | met |",
            "| --- | --- | --- | --- | --- | ---: | ---: | ---: | --- | --- |",
        ]
        if (reg := self.registration) is not None:
            ratio = reg.catalog_rate / reg.peer_rate
            peer = Timing(reg.peer_seconds, REGISTERED)
            lines.append(
                f"| (a) | register {REGISTERED:,} records with metadata | `catalog import` of JSON lines, a "
                f"subprocess, process start included: {reg.catalog_seconds:.2f} s = {reg.catalog_rate:,.0f}/s | "
                f"REST `POST resources/` one by one (no bulk create): {sum(reg.peer_seconds):.2f} s = "
                f"{reg.peer_rate:,.0f}/s | {REGISTERED:,} registered each | — | {peer.p50:.1f} / {peer.p95:.1f} "
                f"per POST | {ratio:.1f}× the rate | ≥ {REGISTRATION_TARGET:.0f}× | "
                f"{verdict(ratio >= REGISTRATION_TARGET)} |"
            )
        for row in self.rows:
            target = f"≥ {row.target:.0f}×" if row.target else "—"
            met = verdict(row.ratio >= row.target) if row.target else "—"
            lines.append(
                f"| {row.label} | {row.what} | {row.catalog_how} | {row.peer_how} | {row.note} | "
                f"{row.catalog.p50:,.1f} / {row.catalog.p95:,.1f} | {row.peer.p50:,.1f} / {row.peer.p95:,.1f} | "
                f"{row.ratio:.1f}× | {target} | {met} |"
            )
        return lines

    def section(self, misses: Sequence[str]) -> str:
        lines = [
            *preamble(
                SECTION,
                self.command,
                f"PostgreSQL {self.postgres} (fsync off), one cluster with a database per side; `catalog serve` "
                "(uvicorn, one process) and neurobank under gunicorn (one gthread worker, 4 threads, keep-alive) "
                "each in their own process, the httpx client in a third, on loopback; the two cores are shared "
                "with other jobs running at the same time",
            ),
            "- load average (1 min) at the start of the timed part and at its end: "
            + " and ".join(f"{value:.1f}" for value in self.load)
            + " on 2 cores (a test suite or other benchmarks may have run meanwhile)",
            f"- versions: django-neurobank {self.versions} (neurobank, Django), from PyPI into "
            "`~/.cache/catalog-bench/neurobank-0.12.0`; the catalog at " + _commit(),
        ]
        if self.loaded is not None:
            lines.append(
                f"- data: {self.records:,} records on each side before (a), {self.records + REGISTERED:,} after: "
                f"planned by `benchmarks/generate.py` (same names, same metadata documents: subject, "
                "data_description, procedures, session + rig or acquisition, processing, quality_control); the "
                f"catalog loaded by its loader ({self.loaded.seconds:.1f} s, {self.loaded.files:,} files), "
                f"neurobank by COPY of the same records as resources (`animal` = subject, `metadata` = the "
                f"documents, one location in archive `store`; {self.peer_load:.1f} s), then VACUUM ANALYZE"
            )
        lines += [
            "- timing: per query and side, one keep-alive connection, 10 warm-up requests, then up to n timed "
            "sequential requests (p50, p95); (a) and (g) once each. Every answer is checked to name the same "
            "records on both sides (same order where both sort by name)",
            "- what the answers hold: neurobank's API has no field selection, so its searches and pages carry "
            "each record's whole metadata; the catalog's searches and pages ask for name, kind, project, "
            "subject, acquisition time, data level and location, while (b) and (f) ask for its `metadata` too",
            "",
            *self.table(),
            "",
            *misses,
            "",
        ]
        return "\n".join(lines)


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return f"commit {done.stdout.strip() or 'unknown'}"


def _rest(reg: Registration) -> float:
    return max(reg.catalog_seconds - reg.start_seconds - reg.analyze_seconds, 1e-3)


def _rest_ratio(reg: Registration) -> float:
    return (REGISTERED / _rest(reg)) / reg.peer_rate


def misses(report: Report) -> list[str]:
    """One line per target: met, or why not and the next step."""
    lines: list[str] = []
    if (reg := report.registration) is not None:
        ratio = reg.catalog_rate / reg.peer_rate
        lines.append(
            f"- target (a) registration ≥ {REGISTRATION_TARGET:.0f}× neurobank's rate: "
            + ("met" if ratio >= REGISTRATION_TARGET else "**not met**")
            + f" ({ratio:.1f}×; `catalog import` took {reg.catalog_seconds:.2f} s, of which starting the CLI "
            f"(`catalog --help` alone: {reg.start_seconds:.2f} s) and the ANALYZE of the whole database it runs "
            f"after 1,000 registrations (alone: {reg.analyze_seconds:.2f} s) are fixed costs; without them "
            f"{_rest(reg):.2f} s, {_rest_ratio(reg):.0f}× neurobank's rate. Neurobank: "
            f"{statistics.median(reg.peer_seconds) * 1000:.1f} ms per POST. Next step: a metadata-only "
            "registration mutation over HTTP (no process start) and ANALYZE of the touched tables only)"
        )
    floor = next((row for row in report.rows if row.label == "(0)"), None)
    for row in report.rows:
        if row.target:
            ok = row.ratio >= row.target
            line = (
                f"- target {row.label} ≥ {row.target:.0f}× faster: {'met' if ok else '**not met**'} "
                f"({row.ratio:.1f}×: {row.catalog.p50:.1f} ms against {row.peer.p50:.1f} ms)"
            )
            if not ok and floor is not None:
                line += (
                    f". The least request costs the catalog {floor.catalog.p50:.1f} ms and neurobank "
                    f"{floor.peer.p50:.1f} ms here (row (0)); {REASONS.get(row.label, '')}"
                )
            lines.append(line)
    return lines


ROUND_TRIPS = (
    "`asset(name)` with `metadata` and `locations` runs 3 SELECTs in at most 2 sessions, without BEGIN or "
    "ROLLBACK (reads in autocommit, a request's sessions kept from one read to the next), where Django in "
    "autocommit runs 2; what remains is the catalog's per-request Python: strawberry and graphql-core "
    "executing the fields, and the loaders' hops through the event loop (about 8,400 Python calls for this "
    "request in-process), where Django serializes one row. Next step: a one-asset lookup answered with its "
    "relations in one statement, and a compiled executor for the hot query shapes"
)
SEARCHES = (
    "the catalog's side is its per-request cost (GraphQL execution of 50 nodes) more than SQL; "
    "neurobank scans every record's metadata JSON (it has no index on it) and sends each whole record. "
    "Next step: as for (b)"
)
JSON_PATH = (
    "a GIN index (`jsonb_path_ops`, migrations 0015 and 0019) serves the predicate "
    "(`metadata_contents.content @? '$.\"genotype\"[*] ? (@ == ...)'`); what remains is the per-request "
    "cost of (e). Next step: as for (b)"
)
SUBJECT = (
    "both sides use an index here (the catalog's `subject_id`, neurobank's `animal_id` foreign key) and "
    "the answer is one subject's records (the most any subject holds in this catalog: no subject reaches "
    "50), so the ratio is the two servers' per-request costs: neurobank sends its few records whole, the "
    "catalog runs GraphQL over them. Next step: as for (b)"
)
REASONS = {
    "(b)": ROUND_TRIPS,
    "(f)": ROUND_TRIPS,
    "(d1)": SUBJECT,
    "(d2)": SEARCHES,
    "(d3)": JSON_PATH,
    "(e)": SEARCHES,
}


# --- main -----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000, help="records on each side before (a)")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per query at most")
    parser.add_argument("--no-results", action="store_true", help=f"do not rewrite {RESULTS.name}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers and the cluster on the way out
    command = shlex.join(
        [".venv/bin/python", "benchmarks/peer_neurobank.py", *(sys.argv[1:] if argv is None else argv)]
    )
    report = Report(command, args.records)
    catalog = plan_catalog(args.records + REGISTERED, (args.records + REGISTERED) * FILES_PER_RECORD)
    fresh, held = catalog.plans[:REGISTERED], catalog.plans[REGISTERED:]
    records = Records()
    with PostgresServer() as server, tempfile.TemporaryDirectory(prefix="bench-peer-") as directory:
        workdir = Path(directory)
        (logs := workdir / "logs").mkdir()
        report.postgres = server.bin_dir.parent.name
        peer = make_peer(server, workdir)
        report.versions = peer.version.replace(" ", ", Django ")
        animals = {plan.subject.subject_id for plan in catalog.plans}
        report.peer_load = asyncio.run(load_peer(server.dsn("bench_neurobank"), held, animals, records))
        print(f"neurobank loaded in {report.peer_load:.1f} s", file=sys.stderr)
        url = server.create_database("bench_catalog")
        files = sum(plan.files for plan in held)
        report.loaded = asyncio.run(load(url, Catalog(held), STORE, workers=os.cpu_count() or 2))
        print(f"catalog loaded in {report.loaded.seconds:.1f} s ({files:,} files)", file=sys.stderr)
        port = free_port()
        env = dict(
            os.environ, CATALOG_DATABASE_URL=url, CATALOG_STORAGE_URL=(workdir / "store").as_uri(),
            CATALOG_PUBLIC_URL=f"http://127.0.0.1:{port}", CATALOG_SECRET_KEY="benchmark-secret",
        )  # fmt: skip
        (workdir / "store").mkdir()
        ours = Served("catalog", [str(Path(sys.executable).parent / "catalog"), "serve", "--host", "127.0.0.1",
                                  "--port", str(port)], env, port, logs, "/healthz")  # fmt: skip
        theirs = peer.serve(logs)
        try:
            report.load.append(os.getloadavg()[0])
            peer_seconds = register_peer(fresh, records, theirs.base_url, peer.token)
            report.registration = Registration(register_catalog(fresh, records, env, workdir), peer_seconds)
            report.registration.start_seconds = catalog_start(env)
            report.registration.analyze_seconds = analyze_seconds(server, "bench_catalog")
            print(f"(a) catalog {report.registration.catalog_seconds:.2f} s, neurobank {sum(peer_seconds):.2f} s",
                  file=sys.stderr)  # fmt: skip
            server.execute("VACUUM ANALYZE", database="bench_neurobank")
            workload = Workload(ours.base_url, theirs.base_url, peer.token, catalog.plans, args.requests)
            workload.run()
            workload.paging(100)
            workload.paging(500)
            report.rows = workload.rows
            report.load.append(os.getloadavg()[0])
        finally:
            ours.stop()
            theirs.stop()
    section = report.section(misses(report))
    print(section)
    if not args.no_results:
        write_section(SECTION, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
