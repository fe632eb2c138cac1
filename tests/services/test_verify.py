"""Verification: the catalog compared with its stores finds every file missing, unexpected or
changed, on a folder and on a bucket, and nothing when they agree."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from factories import payload, write_asset

from catalog.config import Settings
from catalog.errors import NotFound
from catalog.services.ingest import FolderIngest
from catalog.services.verify import Discrepancy, verify
from catalog.storage.registry import StoreRegistry

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage import ObjectStore
    from catalog.storage.local import LocalStore
    from catalog.storage.s3 import S3Store

PRIMARY = "ecephys_655568_2022-04-26_11-48-09"
OTHER = "ecephys_655568_2022-04-27_11-48-09"
CONTENT = {"ecephys/a.bin": payload("a", 3000), "ecephys/b.bin": payload("b", 5000)}


async def registered(
    db: Database, store: ObjectStore, vocabulary: Vocabulary, root: Path, *names: str
) -> None:
    for name in names:
        await FolderIngest(db, store, vocabulary)(write_asset(root, name, files=CONTENT))


@pytest.fixture
async def stores(local_store: LocalStore) -> AsyncIterator[StoreRegistry]:
    registry = StoreRegistry(Settings(storage_url=local_store.root.as_uri(), secret_key="s"))
    yield registry
    await registry.close()


def flipped(data: bytes, at: int = 100) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


async def test_a_store_that_agrees_with_the_catalog_has_no_findings(
    db: Database, local_store: LocalStore, stores: StoreRegistry, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    await registered(db, local_store, vocabulary, tmp_path / "src", PRIMARY, OTHER)

    report = await verify(db=db, stores=stores, rehash=True)

    assert report.findings == []
    assert (report.assets, report.files, report.rehashed) == (2, 4, 4)
    assert report.bytes == 2 * sum(len(data) for data in CONTENT.values())


@pytest.mark.parametrize(
    ("damage", "discrepancy", "key"),
    [
        ("delete", Discrepancy.MISSING, "ecephys/a.bin"),
        ("truncate", Discrepancy.SIZE, "ecephys/a.bin"),
        ("flip a byte", Discrepancy.SHA256, "ecephys/a.bin"),
        ("add", Discrepancy.UNEXPECTED, "ecephys/stray.bin"),
    ],
)
async def test_each_kind_of_damage_is_found_and_named(
    damage: str,
    discrepancy: Discrepancy,
    key: str,
    db: Database,
    local_store: LocalStore,
    stores: StoreRegistry,
    vocabulary: Vocabulary,
    tmp_path: Path,
) -> None:
    await registered(db, local_store, vocabulary, tmp_path / "src", PRIMARY, OTHER)
    path = local_store.root / PRIMARY / key
    if damage == "delete":
        path.unlink()
    elif damage == "truncate":
        path.write_bytes(path.read_bytes()[:-1])
    elif damage == "flip a byte":
        path.write_bytes(flipped(path.read_bytes()))
    else:
        path.write_bytes(b"not registered")

    report = await verify(db=db, stores=stores, rehash=True)

    assert [(f.discrepancy, f.asset, f.url) for f in report.findings] == [
        (discrepancy, PRIMARY, f"{local_store.url}/{PRIMARY}/{key}")
    ]


async def test_a_flipped_byte_needs_rehash_to_be_seen(
    db: Database, local_store: LocalStore, stores: StoreRegistry, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    """Without --rehash, only listings are compared: cheap, and blind to same-size changes."""
    await registered(db, local_store, vocabulary, tmp_path / "src", PRIMARY)
    path = local_store.root / PRIMARY / "ecephys/b.bin"
    path.write_bytes(flipped(path.read_bytes()))

    assert (await verify(db=db, stores=stores)).findings == []
    assert [f.discrepancy for f in (await verify(db=db, stores=stores, rehash=True)).findings] == [
        Discrepancy.SHA256
    ]


async def test_only_the_named_assets_are_checked_and_an_unknown_name_is_refused(
    db: Database, local_store: LocalStore, stores: StoreRegistry, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    await registered(db, local_store, vocabulary, tmp_path / "src", PRIMARY, OTHER)
    (local_store.root / OTHER / "ecephys/a.bin").unlink()

    report = await verify(db=db, stores=stores, names=[PRIMARY])

    assert (report.assets, report.findings) == (1, [])
    with pytest.raises(NotFound, match="ecephys_1_2022-04-26_11-48-09"):
        await verify(db=db, stores=stores, names=[PRIMARY, "ecephys_1_2022-04-26_11-48-09"])


async def test_a_bucket_is_verified_by_listing_and_streaming_its_objects(
    db: Database, s3_store: S3Store, s3_bucket: tuple[str, str], vocabulary: Vocabulary, tmp_path: Path
) -> None:
    endpoint_url, bucket = s3_bucket
    await registered(db, s3_store, vocabulary, tmp_path / "src", PRIMARY)
    await s3_store.delete(f"{PRIMARY}/ecephys/a.bin")
    await s3_store.put_bytes(f"{PRIMARY}/ecephys/b.bin", flipped(CONTENT["ecephys/b.bin"]))
    registry = StoreRegistry(Settings(storage_url=s3_store.url, s3_endpoint_url=endpoint_url))
    try:
        report = await verify(db=db, stores=registry, rehash=True)
    finally:
        await registry.close()

    where = f"s3://{bucket}/{s3_store.prefix}/{PRIMARY}"
    assert sorted((f.discrepancy, f.url) for f in report.findings) == [
        (Discrepancy.MISSING, f"{where}/ecephys/a.bin"),
        (Discrepancy.SHA256, f"{where}/ecephys/b.bin"),
    ]
