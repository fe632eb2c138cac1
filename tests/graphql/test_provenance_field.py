"""Provenance over HTTP: a lineage up and down in one request, with full assets as nodes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Catalog

QUERY = """query($n: String!, $d: ProvenanceDirection!, $depth: Int!, $f: AssetFilter) {
  asset(name: $n) { provenance(direction: $d, depth: $depth, filter: $f) {
    nodes { hops asset { name kind files(first: 5) { edges { node { path url { url } } } } } }
    edges { source target process } truncated } } }"""


def lineage_of(demo: Catalog) -> tuple[str, str, str]:
    """The demo's depth-2 chain: raw → sorted → curated."""
    found = demo.data('{ assets(filter: {nameContains: "_curated_"}) { edges { node { name } } } }')
    curated = found["assets"]["edges"][0]["node"]["name"]
    sorted_name = curated.rsplit("_curated_", 1)[0]
    return sorted_name.rsplit("_sorted_", 1)[0], sorted_name, curated


def graph(demo: Catalog, name: str, direction: str, depth: int = 10, spec: dict | None = None) -> dict:
    return demo.data(QUERY, n=name, d=direction, depth=depth, f=spec)["asset"]["provenance"]


def test_upstream_of_a_result_reaches_its_raw_asset_with_hops_and_urls(demo: Catalog) -> None:
    raw, sorted_name, curated = lineage_of(demo)
    found = graph(demo, curated, "UPSTREAM")
    assert {n["asset"]["name"]: n["hops"] for n in found["nodes"]} == {sorted_name: 1, raw: 2}
    assert {(e["source"], e["target"], e["process"]) for e in found["edges"]} == {
        (curated, sorted_name, "curated"),
        (sorted_name, raw, "sorted"),
    }
    assert not found["truncated"]
    assert all(n["asset"]["files"]["edges"][0]["node"]["url"]["url"] for n in found["nodes"])


def test_downstream_of_a_raw_asset_reaches_every_result_and_depth_truncates(demo: Catalog) -> None:
    raw, sorted_name, curated = lineage_of(demo)
    full = graph(demo, raw, "DOWNSTREAM")
    assert {n["asset"]["name"]: n["hops"] for n in full["nodes"]} == {sorted_name: 1, curated: 2}
    cut = graph(demo, raw, "DOWNSTREAM", depth=1)
    assert [n["asset"]["name"] for n in cut["nodes"]] == [sorted_name]
    assert cut["truncated"]


def test_both_directions_and_a_node_filter(demo: Catalog) -> None:
    raw, sorted_name, curated = lineage_of(demo)
    both = graph(demo, sorted_name, "BOTH")
    assert {n["asset"]["name"] for n in both["nodes"]} == {raw, curated}
    primaries = graph(demo, curated, "UPSTREAM", spec={"kind": "PRIMARY"})
    assert [(n["asset"]["name"], n["hops"]) for n in primaries["nodes"]] == [(raw, 2)]


def test_an_unreasonable_depth_is_refused(demo: Catalog) -> None:
    raw, _, _ = lineage_of(demo)
    body = demo.gql(QUERY, n=raw, d="UPSTREAM", depth=500)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
