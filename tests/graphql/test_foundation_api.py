"""The Foundation's slice of the API, over HTTP: assets by name, a counted page, files with
hashes and working download URLs, health, and refusals with a machine-readable code."""

from __future__ import annotations

import hashlib

from conftest import RECORDS, Catalog

ASSET = """query($n: String!) { asset(name: $n) {
  name kind subject { subjectId species sex } modalities { abbreviation name }
  files(first: 50) { edges { node { path size sha256 url(expiresIn: 600) { url expiresAt } } } }
} }"""


def test_health_answers(catalog: Catalog) -> None:
    assert catalog.client.get(f"{catalog.url}/healthz").json() == {"status": "ok"}


def test_graphiql_is_served_to_a_browser(catalog: Catalog) -> None:
    page = catalog.client.get(f"{catalog.url}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_an_asset_is_found_by_name_with_subject_modalities_and_files(catalog: Catalog) -> None:
    name = "behavior_754559_2024-12-17_17-40-13"
    asset = catalog.data(ASSET, n=name)["asset"]

    assert (asset["name"], asset["kind"]) == (name, "PRIMARY")
    assert asset["subject"]["subjectId"] == "754559"
    assert asset["subject"]["species"] == "Mus musculus"
    assert {m["abbreviation"] for m in asset["modalities"]} == {"behavior"}
    local = {
        p.relative_to(catalog.sources[name]).as_posix(): p
        for p in catalog.sources[name].rglob("*")
        if p.is_file()
    }
    listed = {e["node"]["path"]: e["node"] for e in asset["files"]["edges"]}
    assert set(listed) == set(local)
    for path, node in listed.items():
        body = local[path].read_bytes()
        assert (node["sha256"], node["size"]) == (hashlib.sha256(body).hexdigest(), len(body))
        download = catalog.client.get(node["url"]["url"])
        assert (download.status_code, download.content) == (200, body)


def test_an_absent_asset_is_null(catalog: Catalog) -> None:
    assert catalog.data(ASSET, n="ecephys_1_2020-01-01_00-00-00")["asset"] is None


def test_assets_are_counted_and_paged_without_repeats(catalog: Catalog) -> None:
    query = """query($a: String) { assets(first: 2, after: $a) {
      totalCount edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }"""
    seen, after = [], None
    while True:
        page = catalog.data(query, a=after)["assets"]
        assert page["totalCount"] == len(RECORDS)
        seen += [edge["node"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(RECORDS)


def test_a_tampered_download_url_is_refused(catalog: Catalog) -> None:
    node = catalog.data(ASSET, n=RECORDS[0])["asset"]["files"]["edges"][0]["node"]
    url = node["url"]["url"]
    tampered = url[:-3] + ("000" if not url.endswith("000") else "111")
    assert catalog.client.get(tampered).status_code == 403


def test_bad_arguments_carry_a_code(catalog: Catalog) -> None:
    body = catalog.gql("{ assets(first: 100000) { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = catalog.gql("{ assets { nope } }")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_an_abusive_query_is_refused_before_execution(catalog: Catalog) -> None:
    aliases = " ".join(f'a{i}: asset(name: "x") {{ name }}' for i in range(200))
    body = catalog.gql("{ " + aliases + " }")
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert body.get("data") is None


def test_a_path_glob_narrows_the_files_listed(catalog: Catalog) -> None:
    name = RECORDS[0]
    query = "query($n: String!, $g: String) { asset(name: $n) { files(first: 100, pathGlob: $g) { edges { node { path } } } } }"

    def listed(glob: str | None) -> list[str]:
        edges = catalog.data(query, n=name, g=glob)["asset"]["files"]["edges"]
        return [e["node"]["path"] for e in edges]

    every = listed(None)
    assert listed("*.json") == [p for p in every if p.endswith(".json")]
    assert listed("data/*") == [p for p in every if p.startswith("data/")]
    assert listed("nothing-*") == []
