"""Access rules, enforced once in the data layer: on both dialects, over real HTTP, a public, a
private and two embargoed assets (one embargo running, one past) are seen by anonymous users,
a reader of another group, a writer of another group, a member and an admin exactly as their
rules say, by name, in lists and their counts, facets, aggregates, manifests (GraphQL and the
streamed /manifest, with their alternates), downloads, locations, files found by sha256 or key,
and lineage (where an asset its viewer may not read is a placeholder the walk does not pass)."""

from __future__ import annotations

import json
import urllib.parse
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from conftest import RECORDS, Catalog, ingest_records, local_settings, served
from factories import payload, sha256
from servers import free_port

from catalog import access
from catalog.access import Viewer
from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.repo import assets, provenance
from catalog.services import locations, rules, tokens
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

PUBLIC, PRIVATE, EMBARGOED, RELEASED = RECORDS[:4]
SORTED = f"{PUBLIC}_sorted_2025-01-01_00-00-00"  # private to lab-a
STITCHED = f"{PUBLIC}_stitched_2025-01-02_00-00-00"  # embargoed, the embargo running
CURATED = f"{PUBLIC}_curated_2025-01-03_00-00-00"  # embargoed, the embargo past
ANALYSED = f"{SORTED}_analysed_2025-02-01_00-00-00"  # public, derived from the private one
LINEAGE = {SORTED: PUBLIC, STITCHED: PUBLIC, CURATED: PUBLIC, ANALYSED: SORTED}
"""Derived asset → its input: a public raw asset's derivatives under each rule, and a public
asset derived from a private one."""
FOR_MEMBERS = {PUBLIC, PRIVATE, EMBARGOED, RELEASED}
FOR_OTHERS = {PUBLIC, RELEASED}
SEES = {
    "anonymous": FOR_OTHERS,
    "stranger": FOR_OTHERS,
    "writer": FOR_OTHERS,
    "member": FOR_MEMBERS,
    "admin": FOR_MEMBERS,
}


@pytest.fixture(scope="module")
async def guarded(
    module_migrated_database_url: str, tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path
) -> AsyncIterator[tuple[Catalog, dict[str, dict[str, str]]]]:
    """Four assets under four rules, and a token per kind of viewer."""
    port, root = free_port(), tmp_path_factory.mktemp("guarded")
    settings = local_settings(module_migrated_database_url, root, port)
    await ingest_records(settings, root / "src", fixtures_dir, [PUBLIC, PRIVATE, EMBARGOED, RELEASED])
    db = Database(settings.database_url)
    with access.acting_as(access.OPERATOR):
        async with db.transaction() as session:
            ids = await assets.insert_ready(
                session, [{"name": n, "kind": "DERIVED", "process_label": n.split("_")[-3]} for n in LINEAGE]
            )
            await provenance.add(session, [(ids[n], i, "name", None) for n, i in LINEAGE.items()])
    for private, embargoed, released in ((PRIVATE, EMBARGOED, RELEASED), (SORTED, STITCHED, CURATED)):
        await rules.set_access(db, asset=private, groups=["lab-a"])
        await rules.set_access(db, asset=embargoed, groups=["lab-a"], embargo_until="2999-01-01")
        await rules.set_access(db, asset=released, groups=["lab-a"], embargo_until="2000-01-01")
    with access.acting_as(access.OPERATOR):
        for name in (PUBLIC, PRIVATE, EMBARGOED, RELEASED):
            await locations.add(db, name, f"file:///cold-archive/{name}", label="cold")
    secrets = {
        "stranger": await tokens.create(db, "stranger", "reader", ["lab-b"]),
        "writer": await tokens.create(db, "writer", "writer", ["lab-b"]),
        "member": await tokens.create(db, "member", "reader", ["lab-a"]),
        "admin": await tokens.create(db, "admin", "admin"),
    }
    await db.dispose()
    headers = {"anonymous": {}} | {who: {"Authorization": f"Bearer {s}"} for who, s in secrets.items()}
    with served(settings, port) as running:
        yield running, headers


def ask(catalog: Catalog, headers: dict[str, str], query: str, **variables: Any) -> dict[str, Any]:
    body = catalog.client.post(
        f"{catalog.url}/graphql", json={"query": query, "variables": variables}, headers=headers
    ).json()
    assert "errors" not in body, body
    return body["data"]


NAMES = {"names": sorted(FOR_MEMBERS)}
LOCATED = "query($n: String!) { asset(name: $n) { locations { url } } }"
BY_SHA256 = "query($h: String!) { fileBySha256(sha256: $h) { asset { name } } }"
BY_KEY = "query($k: String!) { fileByKey(key: $k) { asset { name } } }"


@pytest.mark.parametrize("who", sorted(SEES))
def test_a_table_of_assets_holds_exactly_the_rows_assets_lists(
    guarded: tuple[Catalog, dict[str, dict[str, str]]], who: str
) -> None:
    catalog, headers = guarded
    listed = ask(catalog, headers[who], "{ assets(first: 500) { totalCount edges { node { name } } } }")
    table = ask(catalog, headers[who], '{ assetTable(columns: ["name"]) { totalCount rows } }')
    names = [row[0] for row in table["assetTable"]["rows"]]
    assert names == [edge["node"]["name"] for edge in listed["assets"]["edges"]]
    assert set(names) & FOR_MEMBERS == SEES[who]
    assert table["assetTable"]["totalCount"] == listed["assets"]["totalCount"]


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_viewer_sees_exactly_what_the_rules_allow_on_every_path(
    guarded: tuple[Catalog, dict[str, dict[str, str]]], who: str
) -> None:
    catalog, headers = guarded
    mine, expected = headers[who], SEES[who]
    by_name = {
        n
        for n in sorted(FOR_MEMBERS)
        if ask(catalog, mine, "query($n: String!) { asset(name: $n) { name } }", n=n)["asset"]
    }
    listed = ask(
        catalog,
        mine,
        "query($f: AssetFilter) { assets(filter: $f, first: 50) { totalCount edges { node { name } } } }",
        f=NAMES,
    )["assets"]
    facet = ask(
        catalog,
        mine,
        "query($f: AssetFilter) { facets(filter: $f, fields: [KIND]) { values { count } } }",
        f=NAMES,
    )
    counted = ask(
        catalog,
        mine,
        "query($f: AssetFilter) { aggregate(filter: $f, measures: [{op: COUNT, field: ASSET}]) { rows { values } } }",
        f=NAMES,
    )
    manifest = ask(
        catalog,
        mine,
        "query($f: AssetFilter!) { downloadManifest(filter: $f) { files { asset alternates } } }",
        f=NAMES,
    )
    streamed = catalog.client.get(
        f"{catalog.url}/manifest", params={"filter": json.dumps(NAMES), "format": "tsv"}, headers=mine
    )
    downloads = {
        n
        for n in sorted(FOR_MEMBERS)
        if httpx.get(
            f"{catalog.url}/download/{urllib.parse.quote(n)}/data/raw.bin", headers=mine, timeout=30
        ).status_code
        in (200, 302, 307)
    }
    located = {
        n
        for n in sorted(FOR_MEMBERS)
        if (found := ask(catalog, mine, LOCATED, n=n)["asset"]) and len(found["locations"]) == 2
    }
    hashed = {
        f["asset"]["name"]
        for n in sorted(FOR_MEMBERS)
        for f in ask(catalog, mine, BY_SHA256, h=sha256(payload(n)))["fileBySha256"]
    }
    keyed = {
        f["asset"]["name"]
        for n in sorted(FOR_MEMBERS)
        for f in ask(catalog, mine, BY_KEY, k=f"file:///cold-archive/{n}/data/raw.bin")["fileByKey"]
    }
    assert by_name == expected
    assert located == hashed == keyed == expected
    assert {f["asset"] for f in manifest["downloadManifest"]["files"] if f["alternates"]} == expected
    assert {e["node"]["name"] for e in listed["edges"]} == expected
    assert listed["totalCount"] == len(expected)
    assert sum(v["count"] for f in facet["facets"] for v in f["values"]) == len(expected)
    assert counted["aggregate"]["rows"][0]["values"] == [len(expected)]
    assert {f["asset"] for f in manifest["downloadManifest"]["files"]} == expected
    assert streamed.status_code == 200
    assert {n for n in FOR_MEMBERS if f"{n}/" in streamed.text} == expected
    assert downloads == expected


LINEAGE_QUERY = """query($n: String!, $d: ProvenanceDirection!) { asset(name: $n) {
  provenance(direction: $d) { nodes { name hops registered redacted kind processLabel asset { name } }
                              edges { source target process } truncated }
  derivatives { name } derivedFrom { name } } }"""


@pytest.mark.parametrize("who", sorted(SEES))
def test_lineage_shows_what_a_viewer_may_not_read_as_a_placeholder_it_goes_no_further_than(
    guarded: tuple[Catalog, dict[str, dict[str, str]]], who: str
) -> None:
    """Downstream of the public raw asset and upstream of the public asset derived from the private
    one: a member or an admin sees every node by name; anyone else sees the private and the running
    embargo's assets as placeholders (hops and kind), nothing past them, and no hidden name at all."""
    catalog, headers = guarded
    mine, member = headers[who], SEES[who] == FOR_MEMBERS
    down = catalog.client.post(
        f"{catalog.url}/graphql",
        json={"query": LINEAGE_QUERY, "variables": {"n": PUBLIC, "d": "DOWNSTREAM"}},
        headers=mine,
    )
    up = catalog.client.post(
        f"{catalog.url}/graphql",
        json={"query": LINEAGE_QUERY, "variables": {"n": ANALYSED, "d": "UPSTREAM"}},
        headers=mine,
    )
    downstream, upstream = down.json()["data"]["asset"], up.json()["data"]["asset"]
    nodes = {(n["name"], n["hops"], n["redacted"]) for n in downstream["provenance"]["nodes"]}
    edges = {(e["source"], e["target"]) for e in downstream["provenance"]["edges"]}
    inputs = {(n["name"], n["hops"], n["redacted"]) for n in upstream["provenance"]["nodes"]}
    if member:
        assert nodes == {(SORTED, 1, False), (STITCHED, 1, False), (CURATED, 1, False), (ANALYSED, 2, False)}
        assert edges == set(LINEAGE.items())
        assert inputs == {(SORTED, 1, False), (PUBLIC, 2, False)}
        assert {d["name"] for d in downstream["derivatives"]} == {SORTED, STITCHED, CURATED}
        assert [a["name"] for a in upstream["derivedFrom"]] == [SORTED]
        return
    assert nodes == {("redacted-1", 1, True), ("redacted-2", 1, True), (CURATED, 1, False)}
    assert edges == {("redacted-1", PUBLIC), ("redacted-2", PUBLIC), (CURATED, PUBLIC)}
    assert inputs == {("redacted-1", 1, True)}
    assert {e["source"] for e in upstream["provenance"]["edges"]} == {ANALYSED}
    placeholders = [n for n in downstream["provenance"]["nodes"] if n["redacted"]]
    assert all(
        n["kind"] == "DERIVED" and n["registered"] and n["asset"] is None and n["processLabel"] is None
        for n in placeholders
    )
    assert {e["process"] for e in downstream["provenance"]["edges"] if e["source"] != CURATED} == {None}
    assert [d["name"] for d in downstream["derivatives"]] == [CURATED]
    assert upstream["derivedFrom"] == []
    for hidden in (SORTED, STITCHED):
        assert hidden not in down.text
    assert not downstream["provenance"]["truncated"]


def test_a_hidden_asset_looks_like_no_asset(guarded: tuple[Catalog, dict[str, dict[str, str]]]) -> None:
    """Nothing tells a stranger the private asset exists: the same answers as a name never registered."""
    catalog, headers = guarded
    for name in (PRIVATE, "ecephys_000000_2020-01-01_00-00-00"):
        answer = httpx.get(
            f"{catalog.url}/download/{urllib.parse.quote(name)}/data/raw.bin",
            headers=headers["stranger"],
            timeout=30,
        )
        assert answer.status_code == 404
        assert ask(
            catalog, headers["stranger"], "query($n: String!) { asset(name: $n) { name } }", n=name
        ) == {"asset": None}


async def test_a_project_rule_covers_assets_registered_later_and_an_asset_rule_wins(
    migrated_database_url: str, fixtures_dir: Path
) -> None:
    records = [json.loads((fixtures_dir / "records" / f"{n}.json").read_text()) for n in RECORDS]
    db = Database(migrated_database_url)
    try:
        await RecordImport(db, Vocabulary())([Record(r["name"], r) for r in records[:1]])
        with access.acting_as(access.OPERATOR):
            async with db.reader() as session:
                first = await assets.by_name(session, RECORDS[0])
        assert first is not None
        assert first.project is not None
        project = first.project
        await rules.set_access(db, project=project, groups=["lab-a"])
        later = [r for r in records[1:] if r.get("data_description", {}).get("project_name") == project]
        await RecordImport(db, Vocabulary())([Record(r["name"], r) for r in later])

        async def seen(viewer: Viewer) -> set[str]:
            with access.acting_as(viewer):
                async with db.reader() as session:
                    return {n for n in RECORDS if await assets.by_name(session, n)}

        member = Viewer("member", access.Role.READER, frozenset({"lab-a"}))
        covered = {RECORDS[0]} | {r["name"] for r in later}
        assert covered <= await seen(member)
        assert not covered & await seen(access.ANONYMOUS)
        await rules.set_access(db, asset=RECORDS[0], public=True)
        assert RECORDS[0] in await seen(access.ANONYMOUS)
    finally:
        await db.dispose()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "name either a project or an asset"),
        ({"project": "p", "asset": "a", "public": True}, "name either a project or an asset"),
        ({"project": "p"}, "make it either public or private to one or more groups"),
        (
            {"project": "p", "public": True, "groups": ["g"]},
            "make it either public or private to one or more groups",
        ),
        (
            {"project": "p", "public": True, "embargo_until": "2030-01-01"},
            "an embargo goes with groups: the groups read it until the date, everyone after",
        ),
        (
            {"project": "p", "groups": ["g"], "embargo_until": "soon"},
            "embargo date 'soon': write it as YYYY-MM-DD",
        ),
        (
            {"project": "p", "groups": ["two words"]},
            "group name 'two words': use letters, digits and ._@- (up to 128 characters)",
        ),
    ],
)
async def test_a_wrong_rule_is_refused_and_says_why(
    db: Database, options: dict[str, Any], message: str
) -> None:
    from catalog.errors import Invalid

    with pytest.raises(Invalid) as refused:
        await rules.set_access(db, **options)
    assert refused.value.message == message
