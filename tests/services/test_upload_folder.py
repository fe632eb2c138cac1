"""The command line's upload without a server (``uploads.upload_folder``), and how uploads and
folder ingest share a name: neither takes over a claim the other holds while it is alive."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from factories import load_record, payload, sha256, write_asset

from catalog import access
from catalog.config import Settings
from catalog.db.models import AssetState
from catalog.errors import Conflict
from catalog.repo import assets, files
from catalog.services import claims
from catalog.services.ingest import FolderIngest
from catalog.services.register import now
from catalog.services.uploads import Declared, Uploads, upload_folder

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.local import LocalStore

NAME = "ecephys_660104_2023-07-24_18-18-13"
DERIVED = "behavior_717535_2024-10-25_10-24-48_processed_2026-04-10_21-32-50"


@pytest.fixture(autouse=True)
def operator() -> Iterator[None]:
    with access.acting_as(access.OPERATOR, "command line"):
        yield


def settings_for(store: LocalStore) -> Settings:
    return Settings(storage_url=store.url, secret_key="test-secret", public_url=store.public_url)


async def test_a_folder_is_uploaded_and_published_without_a_server(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path, fixtures_dir: Path
) -> None:
    big = payload("big", 5 * 1024 * 1024 + 7)
    folder = write_asset(
        tmp_path / "src", NAME, load_record(fixtures_dir, NAME), {"a.bin": b"a", "v/big.bin": big}
    )
    settings = settings_for(local_store).model_copy(update={"multipart_threshold": 5 * 1024 * 1024})

    name = await upload_folder(db, local_store, vocabulary, settings, folder)

    async with db.reader() as session:
        asset = await assets.any_state_by_name(session, name)
        assert asset is not None
        recorded = await files.of_asset(session, asset.id)
    assert (name, asset.state) == (NAME, AssetState.READY)
    assert recorded["v/big.bin"].sha256 == sha256(big)
    staged = local_store.root / ".uploads.catalog-partial"
    assert not staged.exists() or not any(staged.iterdir())
    assert [info.key async for info in local_store.list("")] == [
        f"{NAME}/{path}" for path in sorted(recorded)
    ]
    with pytest.raises(Conflict, match="already registered"):
        await upload_folder(db, local_store, vocabulary, settings, folder)


async def test_a_draft_is_built_and_sealed_from_the_command_line(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path, fixtures_dir: Path
) -> None:
    record = load_record(fixtures_dir, DERIVED)
    folder = tmp_path / DERIVED
    (folder / "extraction").mkdir(parents=True)
    (folder / "extraction" / "processing.json").write_text(json.dumps(record["processing"]))
    (folder / "extraction" / "out.bin").write_bytes(payload("out"))
    settings = settings_for(local_store)

    await upload_folder(db, local_store, vocabulary, settings, folder, draft=True, step="extraction")
    (folder / "processing.json").write_text(json.dumps(record["processing"]))
    (folder / "quality_control.json").write_text(json.dumps(record["quality_control"]))
    await upload_folder(db, local_store, vocabulary, settings, folder, draft=True)
    await Uploads(db, local_store, vocabulary, settings).seal(DERIVED)

    async with db.reader() as session:
        asset = await assets.any_state_by_name(session, DERIVED)
        assert asset is not None
        recorded = await files.of_asset(session, asset.id)
    assert (asset.state, asset.draft_step, asset.qc_status is not None) == (AssetState.READY, None, True)
    assert sorted(recorded) == [
        "extraction/out.bin",
        "extraction/processing.json",
        "processing.json",
        "quality_control.json",
    ]


async def test_ingest_and_uploads_do_not_take_each_others_claims(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path, fixtures_dir: Path
) -> None:
    folder = write_asset(tmp_path / "src", NAME, load_record(fixtures_dir, NAME))
    service = Uploads(db, local_store, vocabulary, settings_for(local_store))
    plan = await service.open(NAME, [Declared("a.bin", 1, sha256(b"a"))])

    with pytest.raises(Conflict, match="being uploaded"):
        await FolderIngest(db, local_store, vocabulary)(folder)

    assert await service.abort(plan.id) is True
    await FolderIngest(db, local_store, vocabulary)(folder)
    with pytest.raises(Conflict, match="already registered"):
        await service.open(NAME, [Declared("a.bin", 1, sha256(b"a"))])


async def test_an_upload_waits_for_a_live_ingest_but_takes_over_a_dead_ones_claim(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary
) -> None:
    service = Uploads(db, local_store, vocabulary, settings_for(local_store))
    async with db.transaction() as session:
        asset_id = await assets.claim(
            session, name=NAME, kind="PRIMARY", token="ingest", holder=claims.holder(), now=now()
        )

    with pytest.raises(Conflict, match="being registered or uploaded"):
        await service.open(NAME, [Declared("a.bin", 1, sha256(b"a"))])

    async with db.transaction() as session:
        await assets.release(session, asset_id, token="ingest")  # the ingest failed and let go
    plan = await service.open(NAME, [Declared("a.bin", 1, sha256(b"a"))])
    await local_store.put_bytes(f"{NAME}/a.bin", b"a")
    assert await service.complete(plan.id) == NAME
