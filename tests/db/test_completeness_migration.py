"""Migration 0007 backfills what an asset's metadata lacks for assets registered before it, from
their stored documents, as registration would have written it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from factories import load_record, record_names
from lacking import expected_missing, expected_score, is_derived
from sqlalchemy import select, text

from catalog.db import migrate
from catalog.db.engine import Database
from catalog.db.models import Asset, AssetTerm, TermKind
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary


async def lacking(db: Database) -> dict[str, tuple[list[str], float | None, list[str]]]:
    """Each asset's missing list, score and ``missing`` term rows."""
    async with db.reader() as session:
        rows = (await session.execute(select(Asset.id, Asset.name, Asset.missing, Asset.completeness))).all()
        terms = (
            await session.execute(
                select(AssetTerm.asset_id, AssetTerm.value).where(AssetTerm.kind == TermKind.MISSING)
            )
        ).all()
    by_asset: dict[int, list[str]] = {}
    for asset_id, value in terms:
        by_asset.setdefault(asset_id, []).append(value)
    return {name: (missing, score, sorted(by_asset.get(i, []))) for i, name, missing, score in rows}


async def test_upgrading_to_0007_gives_assets_registered_before_it_their_missing_items(
    database_url: str, fixtures_dir: Path, vocabulary: Vocabulary
) -> None:
    names = record_names(fixtures_dir)
    raw = {name: load_record(fixtures_dir, name) for name in names}
    db = Database(database_url)
    try:
        await migrate.upgrade(db)
        report = await RecordImport(db, vocabulary)(Record(name, raw[name]) for name in names)
        assert report.errors == []
        registered = await lacking(db)

        await migrate.downgrade(db, "0006")
        async with db.reader() as session:
            left = await session.scalar(text("SELECT count(*) FROM asset_terms WHERE kind = 'missing'"))
        assert left == 0
        await migrate.upgrade(db)
        backfilled = await lacking(db)
    finally:
        await db.dispose()

    assert backfilled == registered
    want: dict[str, Any] = {}
    for name, record in raw.items():
        items = sorted(expected_missing(record, derived=is_derived(name, record)))
        want[name] = (items, pytest.approx(expected_score(record, derived=is_derived(name, record))), items)
    assert {name: (sorted(m), s, t) for name, (m, s, t) in backfilled.items()} == want
    assert sum(bool(items) for items, _, _ in backfilled.values()) >= 20
