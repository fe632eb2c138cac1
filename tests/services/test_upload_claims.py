"""How uploads and folder ingest share a name: neither takes over a claim the other holds while
it is alive."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from factories import load_record, sha256, write_asset

from catalog import access
from catalog.config import Settings
from catalog.errors import Conflict
from catalog.repo import assets
from catalog.services import claims
from catalog.services.ingest import FolderIngest
from catalog.services.register import now
from catalog.services.uploads import Declared, Uploads

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.local import LocalStore

NAME = "ecephys_660104_2023-07-24_18-18-13"


@pytest.fixture(autouse=True)
def operator() -> Iterator[None]:
    with access.acting_as(access.OPERATOR, "command line"):
        yield


def settings_for(store: LocalStore) -> Settings:
    return Settings(storage_url=store.url, secret_key="test-secret", public_url=store.public_url)


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
