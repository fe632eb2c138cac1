"""Downloads over plain HTTP: a manifest lists exactly the files a filter selects, every URL in
it serves the bytes it describes, and a stable per-file link redirects to those bytes."""

from __future__ import annotations

import hashlib
import json
import time
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from conftest import RECORDS, Catalog
from factories import payload, write_asset

from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.repo import assets, files
from catalog.services import manifests
from catalog.services.index import StoreIndex
from catalog.storage import open_store
from catalog.storage.registry import StoreRegistry

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

ECEPHYS, BEHAVIOR = "ecephys_660104_2023-07-24_18-18-13", "behavior_754559_2024-12-17_17-40-13"
BOTH = json.dumps({"or": [{"name": ECEPHYS}, {"name": BEHAVIOR}]})


def source_files(catalog: Catalog, *names: str) -> dict[str, bytes]:
    """``asset/path`` → bytes of every file the catalog ingested for these assets."""
    return {
        f"{name}/{path.relative_to(catalog.sources[name]).as_posix()}": path.read_bytes()
        for name in names
        for path in catalog.sources[name].rglob("*")
        if path.is_file()
    }


def manifest(catalog: Catalog, **params: str) -> Any:
    response = catalog.client.get(f"{catalog.url}/manifest", params=params)
    assert response.status_code == 200, response.text
    return response


def tsv_rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if not line.startswith("#")]


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_a_tsv_manifest_lists_exactly_the_filtered_files_with_sizes_and_hashes(catalog: Catalog) -> None:
    response = manifest(catalog, filter=BOTH)
    expected = source_files(catalog, ECEPHYS, BEHAVIOR)

    assert response.headers["content-type"].startswith("text/tab-separated-values")
    assert response.text.startswith("# url\tasset/path\tsize\tsha256\n")
    rows = tsv_rows(response.text)
    assert [path for _, path, _, _ in rows] == sorted(expected)
    for _, path, size, digest in rows:
        assert (int(size), digest) == (len(expected[path]), sha256(expected[path]))


def test_every_url_of_a_json_manifest_downloads_the_bytes_it_describes(catalog: Catalog) -> None:
    entries = manifest(catalog, filter=BOTH, format="json").json()
    expected = source_files(catalog, ECEPHYS, BEHAVIOR)

    assert sorted(f"{e['asset']}/{e['path']}" for e in entries) == sorted(expected)
    for entry in entries:
        body = catalog.client.get(entry["url"]).content
        assert sha256(body) == entry["sha256"] == sha256(expected[f"{entry['asset']}/{entry['path']}"])
        assert len(body) == entry["size"]


def test_both_formats_list_the_same_files_in_the_same_order(catalog: Catalog) -> None:
    rows = tsv_rows(manifest(catalog).text)
    entries = manifest(catalog, format="json").json()

    assert [path for _, path, _, _ in rows] == [f"{e['asset']}/{e['path']}" for e in entries]
    assert {path.split("/", 1)[0] for _, path, _, _ in rows} == set(RECORDS)


def aria2_downloads(text: str) -> list[tuple[str, dict[str, str]]]:
    """(URL, options) of each download an aria2c input file describes."""
    downloads: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if line.startswith("  "):
            option, _, value = line.strip().partition("=")
            downloads[-1][1][option] = value
        elif line and not line.startswith("#"):
            downloads.append((line, {}))
    return downloads


def test_an_aria2_manifest_saves_each_file_under_its_asset_and_checks_its_hash(catalog: Catalog) -> None:
    downloads = aria2_downloads(manifest(catalog, filter=BOTH, format="aria2").text)
    expected = source_files(catalog, ECEPHYS, BEHAVIOR)

    assert [options["out"] for _, options in downloads] == sorted(expected)
    for url, options in downloads:
        assert options["checksum"] == f"sha-256={sha256(expected[options['out']])}"
        assert catalog.client.get(url).content == expected[options["out"]]


GLOBS = [
    ("*.json", lambda path: path.endswith(".json")),
    ("data/*.bin", lambda path: path == "data/raw.bin"),
    ("data/", lambda path: path.startswith("data/")),
    ("subject.json", lambda path: path == "subject.json"),
]


def test_a_path_glob_narrows_the_manifest(catalog: Catalog) -> None:
    paths = sorted(source_files(catalog, ECEPHYS, BEHAVIOR))
    for glob, selects in GLOBS:
        entries = manifest(catalog, filter=BOTH, pathGlob=glob, format="json").json()
        expected = [path for path in paths if selects(path.split("/", 1)[1])]
        assert [f"{e['asset']}/{e['path']}" for e in entries] == expected != [], glob


def test_url_lifetimes_are_capped_by_the_settings(catalog: Catalog) -> None:
    response = manifest(catalog, filter=BOTH, expiresIn="999999999")
    expires_at = datetime.fromisoformat(response.headers["x-manifest-expires-at"])

    assert expires_at <= datetime.now(UTC) + timedelta(seconds=catalog.settings.max_url_expiry)
    assert response.headers["x-manifest-truncated"] == "false"


def test_a_download_link_redirects_to_the_bytes(catalog: Catalog) -> None:
    link = f"{catalog.url}/download/{ECEPHYS}/data/raw.bin"
    redirect = catalog.client.get(link)
    followed = catalog.client.get(link, follow_redirects=True)

    assert redirect.status_code == 302
    assert redirect.headers["location"].startswith("http")
    source = source_files(catalog, ECEPHYS)[f"{ECEPHYS}/data/raw.bin"]
    assert (followed.status_code, followed.content) == (200, source)


BAD_MANIFEST_REQUESTS = [
    ({"filter": "{not json"}, "not valid JSON"),
    ({"filter": '{"nope": 1}'}, "unknown field 'nope'"),
    ({"filter": '{"kind": "SIDEWAYS"}'}, "filter.kind: Value 'SIDEWAYS' does not exist in 'AssetKind' enum"),
    ({"filter": '{"fileCountMin": "3"}'}, "filter.fileCountMin: Int cannot represent non-integer value"),
    ({"filter": '{"totalSizeMax": true}'}, "filter.totalSizeMax: Float cannot represent non numeric value"),
    ({"filter": "[1]"}, "to be an object"),
    ({"filter": '{"metadata": [{"document": "subject", "path": "sex"}]}'}, "takes either op"),
    ({"pathGlob": "a/**b"}, "** only as a whole segment"),
    ({"expiresIn": "0"}, "expiresIn must be positive"),
    ({"expiresIn": "soon"}, "whole number"),
    ({"format": "xml"}, "format must be one of tsv, json, aria2"),
    ({"pathglob": "*.nwb"}, "unknown parameter 'pathglob'"),
]


def test_a_bad_manifest_request_is_refused_with_a_code_and_one_line_of_reason(catalog: Catalog) -> None:
    for params, reason in BAD_MANIFEST_REQUESTS:
        response = catalog.client.get(f"{catalog.url}/manifest", params=params)
        assert response.status_code == 400, params
        error = response.json()["error"]
        assert error["code"] == "BAD_USER_INPUT", params
        assert reason in error["message"], error
        assert "\n" not in error["message"], error


def test_every_filter_field_works_on_the_manifest_as_in_graphql(catalog: Catalog) -> None:
    """The manifest's filter is coerced as GraphQL coerces it: numbers, sizes and dates included."""
    paths = sorted(source_files(catalog, ECEPHYS, BEHAVIOR))
    both = json.loads(BOTH)
    for spec in [
        {"fileCountMin": 1, "totalSizeMin": 1.0},
        {"fileCountMax": 1000, "acquiredAfter": "2000-01-01T00:00:00Z"},
        {"subjectAgeAtAcquisitionMin": -100000, "totalSizeMax": 1e300},
    ]:
        listed = manifest(catalog, filter=json.dumps({**both, **spec}), format="json").json()
        assert sorted({f"{e['asset']}/{e['path']}" for e in listed}) == paths, spec
    nothing = manifest(catalog, filter=json.dumps({"fileCountMin": 10**9}), format="json").json()
    assert nothing == []


BAD_LINKS = [
    (f"{ECEPHYS}/data/missing.bin", 404),
    ("ecephys_1_2020-01-01_00-00-00/data/raw.bin", 404),
    ("not-a-name/data/raw.bin", 400),
    (f"{ECEPHYS}/data/%2E%2E/subject.json", 400),
    (f"{ECEPHYS}/data//raw.bin", 400),
]


def test_a_download_link_to_no_file_is_refused(catalog: Catalog) -> None:
    for path, status in BAD_LINKS:
        response = catalog.client.get(f"{catalog.url}/download/{path}")
        assert response.status_code == status, (path, response.text)


async def test_a_manifest_beyond_its_limit_lists_the_first_files_and_says_so(catalog: Catalog) -> None:
    everything = tsv_rows(manifest(catalog).text)
    async with service(catalog) as (db, stores):
        first, _, truncated = await manifests.manifest(
            db, stores, None, path_glob=None, expires_in=60, limit=3
        )
        whole, _, complete = await manifests.manifest(
            db, stores, None, path_glob=None, expires_in=60, limit=len(everything)
        )

    assert truncated
    assert [f"{e.asset}/{e.path}" for e in first] == [path for _, path, _, _ in everything[:3]]
    assert not complete
    assert len(whole) == len(everything)


async def test_a_manifest_of_ten_thousand_files_costs_well_under_a_second(catalog: Catalog) -> None:
    """One store lookup per manifest and local signing: botocore's signing alone would take 1.7 s.
    CPU time of this process, so that a busy machine does not fail the test."""
    async with service(catalog) as (db, stores):
        async with db.transaction() as session:
            asset = await assets.by_name(session, ECEPHYS)
            assert asset is not None
            rows = [
                {"path": f"many/{i:05d}.bin", "size": i, "sha256": None, "key": f"k/{i}"}
                for i in range(10_000)
            ]
            await files.add(session, [dict(row, asset_id=asset.id) for row in rows])
        started = time.process_time()
        entries, _, _ = await manifests.manifest(db, stores, None, path_glob="many/*", expires_in=60)
        elapsed = time.process_time() - started

    assert len(entries) == 10_000
    assert len({e.url for e in entries}) == 10_000
    assert elapsed < 1.0, f"{elapsed:.2f} s of CPU"


async def test_tabs_and_line_breaks_in_a_path_are_written_escaped(catalog: Catalog) -> None:
    """A TSV or aria2 manifest keeps one line per file whatever its path holds (a path may hold
    any character but NUL); the file rows are removed afterwards, the other tests list every file."""
    paths = ["odd/a\tb.bin", "odd/c\nd.bin", "odd/e\rf.bin"]
    escaped = [f"{BEHAVIOR}/odd/a\\tb.bin", f"{BEHAVIOR}/odd/c\\nd.bin", f"{BEHAVIOR}/odd/e\\rf.bin"]
    async with service(catalog) as (db, _):
        async with db.transaction() as session:
            asset = await assets.by_name(session, BEHAVIOR)
            assert asset is not None
            rows = [
                {"asset_id": asset.id, "path": p, "size": 1, "sha256": None, "key": f"{BEHAVIOR}/odd"}
                for p in paths
            ]
            await files.add(session, rows)
        try:
            only = {"filter": json.dumps({"name": BEHAVIOR}), "pathGlob": "odd/**"}
            assert [columns[1] for columns in tsv_rows(manifest(catalog, **only).text)] == escaped
            aria2 = manifest(catalog, **only, format="aria2").text
            assert [
                line.removeprefix("  out=") for line in aria2.splitlines() if line.startswith("  out=")
            ] == escaped
        finally:
            async with db.transaction() as session:
                await files.remove_except(session, asset.id, set(source_paths(catalog, BEHAVIOR)))


def source_paths(catalog: Catalog, name: str) -> list[str]:
    return [path.removeprefix(f"{name}/") for path in source_files(catalog, name)]


@asynccontextmanager
async def service(catalog: Catalog) -> AsyncIterator[tuple[Database, StoreRegistry]]:
    """The catalog's database and stores, opened on this test's event loop."""
    db, stores = Database(catalog.settings.database_url), StoreRegistry(catalog.settings)
    try:
        yield db, stores
    finally:
        await stores.close()
        await db.dispose()


FOREIGN = "ecephys_700001_2024-03-01_10-00-00"
FILE_URLS = """query($name: String!) { asset(name: $name) { files(first: 10) { edges { node {
  path url(expiresIn: 600) { url } } } } } }"""


async def test_files_of_an_asset_indexed_from_another_local_folder_are_served(
    catalog: Catalog, tmp_path: Path
) -> None:
    """A second folder registered in place gets signed links that name it and answer with its bytes;
    a link whose folder is changed is refused."""
    content = {"data/raw.bin": payload("foreign")}
    write_asset(tmp_path / "elsewhere", FOREIGN, files=content)
    async with service(catalog) as (db, _):
        folder = open_store(catalog.settings, (tmp_path / "elsewhere").as_uri())
        report = await StoreIndex(db, Vocabulary())(folder)
        await folder.close()
    assert report.registered == 1, report

    edges = catalog.data(FILE_URLS, name=FOREIGN)["asset"]["files"]["edges"]
    urls = {edge["node"]["path"]: edge["node"]["url"]["url"] for edge in edges}
    fetched = catalog.client.get(urls["data/raw.bin"])
    listed = manifest(catalog, filter=json.dumps({"name": FOREIGN}), format="json").json()
    moved = urls["data/raw.bin"].replace("elsewhere", "store")

    assert (fetched.status_code, fetched.content) == (200, content["data/raw.bin"])
    assert catalog.client.get(listed[0]["url"]).content == content["data/raw.bin"]
    assert catalog.client.get(moved).status_code == 403
