"""downloadManifest over GraphQL: the files of the filtered assets, each with a URL that
fetches bytes whose sha256 is the one listed."""

from __future__ import annotations

import hashlib

from conftest import RECORDS, Catalog

QUERY = """query($f: AssetFilter!, $g: String, $e: Int) { downloadManifest(filter: $f, pathGlob: $g, expiresIn: $e) {
  count totalSize expiresAt truncated files { asset path size sha256 url } } }"""


def test_a_manifest_lists_and_signs_every_file_of_the_filtered_assets(catalog: Catalog) -> None:
    chosen = RECORDS[:2]
    found = catalog.data(QUERY, f={"or": [{"name": n} for n in chosen]}, e=600)["downloadManifest"]

    expected = {
        (name, p.relative_to(folder).as_posix())
        for name, folder in catalog.sources.items()
        if name in chosen
        for p in folder.rglob("*")
        if p.is_file()
    }
    assert {(f["asset"], f["path"]) for f in found["files"]} == expected
    assert found["count"] == len(expected)
    assert not found["truncated"]
    assert found["totalSize"] == sum(f["size"] for f in found["files"])
    for entry in found["files"]:
        body = catalog.client.get(entry["url"]).content
        assert (hashlib.sha256(body).hexdigest(), len(body)) == (entry["sha256"], entry["size"])


def test_a_glob_narrows_a_manifest_and_a_bad_lifetime_is_refused(catalog: Catalog) -> None:
    found = catalog.data(QUERY, f={"name": RECORDS[0]}, g="*.json")["downloadManifest"]
    assert found["files"]
    assert all(f["path"].endswith(".json") for f in found["files"])
    body = catalog.gql(QUERY, f={"name": RECORDS[0]}, e=0)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
