"""Registration against a real S3 protocol server: folders ingested into a bucket, and
assets already sitting in a bucket indexed in place."""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING

import aioboto3
import httpx
import pytest
from factories import payload, sha256, write_asset

from catalog.repo import assets, files
from catalog.services.index import StoreIndex
from catalog.services.ingest import FolderIngest
from catalog.storage.s3 import S3Store

if TYPE_CHECKING:
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database

PRIMARY = "ecephys_655568_2022-04-26_11-48-09"
DERIVED = f"{PRIMARY}_sorted_2022-08-11_22-11-32"
BIG = 12 * 1024 * 1024


async def put_objects(endpoint: str, bucket: str, objects: dict[str, bytes], checksum: bool) -> None:
    async with aioboto3.Session().client("s3", endpoint_url=endpoint) as s3:
        for key, body in objects.items():
            extra = {"ChecksumAlgorithm": "SHA256"} if checksum else {}
            await s3.put_object(Bucket=bucket, Key=key, Body=body, **extra)


async def test_a_folder_ingested_into_a_bucket_downloads_byte_for_byte(
    db: Database, s3_store: S3Store, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    content = {"ecephys/big.dat": payload("big", BIG), "ecephys/small.bin": payload("small")}
    folder = write_asset(tmp_path / "src", PRIMARY, files=content)

    await FolderIngest(db, s3_store, vocabulary)(folder)

    async with db.reader() as session:
        asset = await assets.by_name(session, PRIMARY)
        assert asset is not None
        assert asset.store_url == s3_store.url
        recorded = await files.of_asset(session, asset.id)
    async with httpx.AsyncClient() as client:
        for path, data in content.items():
            assert recorded[path].sha256 == sha256(data)
            response = await client.get(s3_store.presign_get(recorded[path].key, 600))
            assert (response.status_code, hashlib.sha256(response.content).hexdigest()) == (200, sha256(data))


@pytest.mark.parametrize("checksum", [True, False], ids=["object-checksums", "streamed-hashes"])
async def test_assets_already_in_a_bucket_are_indexed_in_place(
    checksum: bool, db: Database, s3_bucket: tuple[str, str], vocabulary: Vocabulary
) -> None:
    endpoint, bucket = s3_bucket
    prefix = f"lab-{uuid.uuid4().hex[:8]}"
    objects = {
        f"{prefix}/{PRIMARY}/ecephys/a.bin": payload("a"),
        f"{prefix}/{PRIMARY}/subject.json": b'{"subject_id": "655568", "sex": "Male"}',
        f"{prefix}/{DERIVED}/sorted/units.bin": payload("u"),
        f"{prefix}/not-an-asset_2022/readme.txt": b"x",
    }
    await put_objects(endpoint, bucket, objects, checksum)
    store = S3Store(bucket, prefix, endpoint, None, "us-east-1")

    result = await StoreIndex(db, vocabulary)(store)
    again = await StoreIndex(db, vocabulary)(store)
    await store.close()

    assert (result.registered, len(result.errors)) == (2, 1)
    assert "not-an-asset_2022" in result.errors[0]
    assert (again.registered, again.unchanged) == (0, 2)
    async with db.reader() as session:
        primary = await assets.by_name(session, PRIMARY)
        assert primary is not None
        assert (primary.sex, primary.location) == ("Male", f"s3://{bucket}/{prefix}/{PRIMARY}")
        recorded = await files.of_asset(session, primary.id)
    assert recorded["ecephys/a.bin"].sha256 == sha256(payload("a"))
    assert recorded["ecephys/a.bin"].key == f"{PRIMARY}/ecephys/a.bin"


async def test_indexing_without_hashes_records_sizes_only(
    db: Database, s3_bucket: tuple[str, str], vocabulary: Vocabulary
) -> None:
    endpoint, bucket = s3_bucket
    prefix = f"lab-{uuid.uuid4().hex[:8]}"
    await put_objects(endpoint, bucket, {f"{prefix}/{PRIMARY}/ecephys/a.bin": payload("a")}, checksum=False)
    store = S3Store(bucket, prefix, endpoint, None, "us-east-1")

    result = await StoreIndex(db, vocabulary, hash_files=False)(store)
    await store.close()

    assert result.registered == 1
    async with db.reader() as session:
        asset = await assets.by_name(session, PRIMARY)
        assert asset is not None
        row = (await files.of_asset(session, asset.id))["ecephys/a.bin"]
    assert (row.size, row.sha256) == (2048, None)


async def test_malformed_metadata_in_a_bucket_is_reported_and_skips_only_that_asset(
    db: Database, s3_bucket: tuple[str, str], vocabulary: Vocabulary
) -> None:
    endpoint, bucket = s3_bucket
    prefix = f"lab-{uuid.uuid4().hex[:8]}"
    await put_objects(
        endpoint,
        bucket,
        {f"{prefix}/{PRIMARY}/subject.json": b"{oops", f"{prefix}/{DERIVED}/sorted/u.bin": b"u"},
        checksum=True,
    )
    store = S3Store(bucket, prefix, endpoint, None, "us-east-1")

    result = await StoreIndex(db, vocabulary)(store)
    await store.close()

    assert result.registered == 1
    assert len(result.errors) == 1
    assert PRIMARY in result.errors[0]
    assert "subject.json" in result.errors[0]
