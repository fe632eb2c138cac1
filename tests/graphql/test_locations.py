"""Locations and lookups over real HTTP, on both dialects: an asset lists where its folder is kept,
its primary first; a manifest entry lists, after its URL, signed URLs of the same bytes in the
further locations the server can sign (a folder, another bucket), which still answer when the
primary does not; and a file is found by its sha256 or by its key or URL."""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import aioboto3
import pytest
from conftest import RECORDS, Catalog, ingest_records, local_settings, served
from servers import free_port

from catalog import access
from catalog.db.engine import Database
from catalog.services import locations

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

NAME, OTHER = RECORDS[1], RECORDS[0]
LOCATIONS = """query($n: String!) { asset(name: $n) { location locations {
  url label priority primary addedBy addedAt fallback } } }"""
MANIFEST = """query($f: AssetFilter!) { downloadManifest(filter: $f) { files { asset path sha256 url alternates } } }"""
BY_SHA256 = """query($h: String!, $first: Int) { fileBySha256(sha256: $h, first: $first) {
  asset { name } path file { size sha256 url { url } } } }"""
BY_KEY = """query($k: String!) { fileByKey(key: $k) { asset { name } path file { sha256 } } }"""


@asynccontextmanager
async def located(catalog: Catalog, *added: tuple[str, str, str | None]) -> AsyncIterator[None]:
    """The command line's operator lists further locations (asset, URL, label)."""
    db = Database(catalog.settings.database_url)
    try:
        with access.acting_as(access.OPERATOR, "command line"):
            for name, url, label in added:
                await locations.add(db, name, url, label=label)
        yield
    finally:
        await db.dispose()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def copied(catalog: Catalog, name: str, root: Path) -> str:
    """A copy of an asset's folder under ``root`` (named as the asset), as a location URL."""
    shutil.copytree(catalog.sources[name], root / name)
    return (root / name).as_uri()


async def test_an_asset_lists_its_primary_location_first_then_the_others_by_priority(
    catalog: Catalog, tmp_path: Path
) -> None:
    cold = f"s3://cold-archive/lab/{NAME}"
    async with located(
        catalog, (NAME, "https://lab-server.example.org/share/x/", "lab-server"), (NAME, cold, "cold")
    ):
        asset = catalog.data(LOCATIONS, n=NAME)["asset"]

    rows = [
        (f["label"], f["priority"], f["primary"], f["addedBy"], f["fallback"]) for f in asset["locations"]
    ]
    assert rows == [
        ("primary", 0, True, None, False),
        ("lab-server", 1, False, "operator", False),
        ("cold", 2, False, "operator", True),
    ]
    assert [f["url"] for f in asset["locations"]] == [
        asset["location"],
        "https://lab-server.example.org/share/x",
        cold,
    ]
    assert all(f["addedAt"] for f in asset["locations"])
    assert catalog.data(LOCATIONS, n=OTHER)["asset"]["locations"][0]["primary"] is True


async def test_a_manifest_entry_offers_each_signable_copy_which_answers_when_the_primary_does_not(
    catalog: Catalog, tmp_path: Path
) -> None:
    mirror = copied(catalog, NAME, tmp_path / "mirror")
    async with located(
        catalog,
        (NAME, f"https://lab-server.example.org/{NAME}", "lab-server"),  # the server signs nothing there
        (NAME, (tmp_path / "mirror").as_uri(), "wrong-folder"),  # not the asset's own folder
        (NAME, mirror, "mirror"),
    ):
        entries = catalog.data(MANIFEST, f={"names": [NAME, OTHER]})["downloadManifest"]["files"]
        streamed = catalog.client.get(
            f"{catalog.url}/manifest", params={"filter": json.dumps({"names": [NAME]}), "format": "json"}
        ).json()

    mine = [e for e in entries if e["asset"] == NAME]
    assert mine
    assert all(e["alternates"] == [] for e in entries if e["asset"] == OTHER)
    assert all(len(e["alternates"]) == 1 for e in mine)
    assert [(e["path"], len(e["alternates"])) for e in streamed] == [(e["path"], 1) for e in mine]
    store = tmp_path / "store"
    shutil.rmtree(store / NAME)  # the primary copy is lost
    for entry in mine:
        assert catalog.client.get(entry["url"]).status_code == 404
        fallback = catalog.client.get(entry["alternates"][0])
        assert fallback.status_code == 200
        assert sha256(fallback.content) == entry["sha256"]


def test_the_tsv_and_aria2_manifests_keep_their_lines(catalog: Catalog) -> None:
    """Alternates are in GraphQL and JSON only: a TSV line keeps four fields, and aria2c would
    fetch mirrors in parallel (from cold storage too), not only when the primary fails."""
    tsv = catalog.client.get(f"{catalog.url}/manifest", params={"format": "tsv"}).text
    assert {len(line.split("\t")) for line in tsv.splitlines()[1:]} == {4}


async def test_an_s3_bucket_holding_a_copy_is_signed_with_the_servers_credentials(
    migrated_database_url: str, s3_bucket: tuple[str, str], tmp_path: Path, fixtures_dir: Path
) -> None:
    endpoint, bucket = s3_bucket
    prefix = f"cold-{uuid.uuid4().hex[:8]}"
    port = free_port()
    settings = local_settings(migrated_database_url, tmp_path, port).model_copy(
        update={"s3_endpoint_url": endpoint}
    )
    sources = await ingest_records(settings, tmp_path / "src", fixtures_dir, [NAME])
    files = {
        p.relative_to(sources[NAME]).as_posix(): p.read_bytes()
        for p in sources[NAME].rglob("*")
        if p.is_file()
    }
    async with aioboto3.Session().client("s3", endpoint_url=endpoint) as s3:
        for path, content in files.items():
            await s3.put_object(Bucket=bucket, Key=f"{prefix}/{NAME}/{path}", Body=content)
    with served(settings, port, sources) as catalog:
        async with located(catalog, (NAME, f"s3://{bucket}/{prefix}/{NAME}", "cold")):
            entries = catalog.data(MANIFEST, f={"name": NAME})["downloadManifest"]["files"]

        assert {e["path"] for e in entries} == set(files)
        for entry in entries:
            [alternate] = entry["alternates"]
            assert alternate.startswith(endpoint)
            assert "X-Amz-Signature=" in alternate
            assert catalog.client.get(alternate).content == files[entry["path"]]


def test_a_file_is_found_by_its_sha256_in_any_case_with_its_asset_and_a_working_url(catalog: Catalog) -> None:
    content = (catalog.sources[NAME] / "data" / "raw.bin").read_bytes()

    found = catalog.data(BY_SHA256, h=sha256(content).upper())["fileBySha256"]

    assert [(f["asset"]["name"], f["path"]) for f in found] == [(NAME, "data/raw.bin")]
    assert found[0]["file"]["sha256"] == sha256(content)
    assert catalog.client.get(found[0]["file"]["url"]["url"]).content == content
    assert catalog.data(BY_SHA256, h="0" * 64)["fileBySha256"] == []


@pytest.mark.parametrize("digest", ["abc", "z" * 64, "0" * 65, ""])
def test_a_sha256_that_is_not_64_hex_digits_is_bad_user_input(catalog: Catalog, digest: str) -> None:
    body = catalog.gql(BY_SHA256, h=digest)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert "64 hexadecimal digits" in body["errors"][0]["message"]


async def test_a_file_is_found_by_its_store_key_or_a_url_in_any_location(catalog: Catalog) -> None:
    cold = f"s3://cold-archive/lab/{NAME}"
    primary = catalog.data(LOCATIONS, n=NAME)["asset"]["location"]
    async with located(catalog, (NAME, cold, "cold")):
        for key in (f"{NAME}/data/raw.bin", f"{primary}/data/raw.bin", f"{cold}/data/raw.bin"):
            found = catalog.data(BY_KEY, k=key)["fileByKey"]
            assert [(f["asset"]["name"], f["path"]) for f in found] == [(NAME, "data/raw.bin")], key
    assert catalog.data(BY_KEY, k=f"s3://elsewhere/{NAME}/data/raw.bin")["fileByKey"] == []
    body = catalog.gql(BY_KEY, k=f"{NAME}/../x")
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]


async def test_a_copy_whose_bytes_differ_from_the_record_is_refused_not_served(
    catalog: Catalog, tmp_path: Path
) -> None:
    mirror = copied(catalog, NAME, tmp_path / "mirror")
    damaged = tmp_path / "mirror" / NAME / "data" / "raw.bin"
    damaged.write_bytes(bytes(len(damaged.read_bytes())))  # same size, other bytes
    async with located(catalog, (NAME, mirror, "mirror")):
        entries = catalog.data(MANIFEST, f={"name": NAME})["downloadManifest"]["files"]

    [entry] = [e for e in entries if e["path"] == "data/raw.bin"]
    refused = catalog.client.get(entry["alternates"][0])
    assert refused.status_code == 500
    assert refused.json()["error"]["code"] == "INTEGRITY_ERROR"
