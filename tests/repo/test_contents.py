"""Each distinct document content is stored once: versions of any asset holding equal contents
name one row, a correction to a new content adds one (the old stays for the history), migration
0019's backfill answers filters as before and digests contents as registration does, and writers
registering the same new content at once all land."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from factories import load_record, record_names
from sqlalchemy import func, select

from catalog import access
from catalog.access import Role, Viewer
from catalog.db import migrate
from catalog.db.engine import Database
from catalog.db.models import Asset, MetadataContent, MetadataDocument
from catalog.repo import assets, contents, documents, filters
from catalog.schemas.enums import PredicateOp
from catalog.schemas.filters import AssetFilter, MetadataPredicate
from catalog.services import corrections
from catalog.services.describe import encode
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.conventions.modalities import Vocabulary

SUBJECT = {"subject_id": "601801", "genotype": "wt/wt", "sex": "Female"}
MOMENT = datetime(2026, 12, 3, 12, tzinfo=UTC)


async def new_assets(session: AsyncSession, *names: str) -> list[int]:
    by_name = await assets.insert_ready(session, [{"name": n, "kind": "raw"} for n in names])
    return [by_name[n] for n in names]


async def counted(db: Database, table: Any) -> int:
    async with db.reader() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_equal_contents_across_assets_and_versions_share_one_row(db: Database) -> None:
    changed = encode({"subject": dict(SUBJECT, sex="Male")})["subject"]
    async with db.transaction() as session:
        first, second = await new_assets(session, "first", "second")
        given = encode({"subject": SUBJECT, "procedures": {"subject_procedures": []}})
        await documents.add_first_versions(session, [(first, given, {}), (second, given, {})], MOMENT)
        history = (await documents.history(session, [first]))[first]
        later = [
            documents.NewVersion(first, "subject", 2, False, None, changed),
            documents.NewVersion(first, "subject", 3, True, None, given["subject"]),  # back again
            documents.NewVersion(first, "procedures", 2, False, None, None),  # removed: no content
        ]
        await documents.supersede(session, [v.id for v in history])
        await documents.add_versions(session, later, MOMENT)

    assert await counted(db, MetadataDocument) == 7
    assert await counted(db, MetadataContent) == 3  # the subject, its change, the procedures
    async with db.reader() as session:
        named = await session.execute(
            select(MetadataDocument.document, func.count(func.distinct(MetadataDocument.content_id)))
            .where(MetadataDocument.content_id.is_not(None))
            .group_by(MetadataDocument.document)
        )
        assert dict(named.all()) == {"subject": 2, "procedures": 1}
        versions = (await documents.versions_of(session, [(first, "procedures")]))[(first, "procedures")]
        assert [v.removed for v in versions] == [False, True]
        current = await documents.current(session, [first, second])
    assert current[first] == {"subject": SUBJECT}
    assert current[second] == {"subject": SUBJECT, "procedures": {"subject_procedures": []}}


async def test_a_correction_to_a_new_content_adds_one_and_the_old_stays_for_the_history(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    name = record_names(fixtures_dir)[0]
    await RecordImport(db, vocabulary)([Record(name, load_record(fixtures_dir, name))])
    before = await counted(db, MetadataContent)
    async with db.reader() as session:
        asset = await assets.by_name(session, name)
        assert asset is not None
        original = (await documents.current(session, [asset.id]))[asset.id]["subject"]
    corrected = dict(original, genotype="corrected/wt")

    with access.acting_as(Viewer("walt", Role.WRITER)):
        version = await corrections.correct(db, vocabulary, name, "subject", corrected, "genotype typo")

    assert await counted(db, MetadataContent) == before + 1
    async with db.reader() as session:
        kept = await documents.contents_of_versions(
            session, [(asset.id, "subject", version - 1), (asset.id, "subject", version)]
        )
    assert kept == {(asset.id, "subject", version - 1): original, (asset.id, "subject", version): corrected}


def predicates(records: list[dict[str, Any]]) -> list[MetadataPredicate]:
    """Path predicates and element matches the loaded records answer variously."""
    subject_ids = sorted({str(r["subject"]["subject_id"]) for r in records if r.get("subject")})
    asked = [
        MetadataPredicate(document="subject", path="subject_id", op=PredicateOp.EQ, value=v)
        for v in subject_ids
    ]
    asked += [
        MetadataPredicate(document=d, path=p, op=PredicateOp.EXISTS, value=True)
        for d, p in (
            ("subject", "genotype"),
            ("procedures", "subject_procedures"),
            ("session", "data_streams"),
        )
    ]
    asked.append(MetadataPredicate(document="subject", path="sex", op=PredicateOp.NE, value="Male"))
    return asked


async def answers(db: Database, asked: list[MetadataPredicate]) -> list[set[str]]:
    found = []
    async with db.reader() as session:
        for predicate in asked:
            holding = filters.condition(db.dialect, AssetFilter(metadata=[predicate]))
            found.append(set(await session.scalars(select(Asset.name).where(holding))))
    return found


async def test_the_backfill_of_0019_answers_filters_as_before_and_digests_as_registration_does(
    database_url: str, fixtures_dir: Path, vocabulary: Vocabulary
) -> None:
    names = record_names(fixtures_dir)[:15]
    records = [load_record(fixtures_dir, n) for n in names]
    db = Database(database_url)
    try:
        await migrate.upgrade(db)
        await RecordImport(db, vocabulary)(Record(n, r) for n, r in zip(names, records, strict=True))
        asked = predicates(records)
        registered = await answers(db, asked)
        stored = await counted(db, MetadataContent)

        await migrate.downgrade(db, "0018")
        await migrate.upgrade(db)
        backfilled = await answers(db, asked)
        async with db.transaction() as session:
            asset = await assets.by_name(session, names[0])
            assert asset is not None
            again = encode((await documents.current(session, [asset.id]))[asset.id])
            found = await contents.ids(session, list(again.values()))
        held = await counted(db, MetadataContent)
        versions = await counted(db, MetadataDocument)
    finally:
        await db.dispose()

    assert any(registered)
    assert backfilled == registered
    assert versions > held == stored  # contents repeat, and the backfill kept each once
    assert len(set(found)) == len(again)  # registering what the backfill stored finds its rows


async def test_writers_registering_the_same_new_content_at_once_all_land(db: Database) -> None:
    given = encode({"subject": dict(SUBJECT, subject_id="at-once")})

    async def register(name: str) -> None:
        async with db.transaction() as session:
            (asset_id,) = await new_assets(session, name)
            await documents.add_first_versions(session, [(asset_id, given, {})], MOMENT)
            await asyncio.sleep(0.3)  # the others meet this uncommitted content

    await asyncio.gather(*(register(f"writer-{i}") for i in range(4)))

    assert await counted(db, MetadataContent) == 1
    async with db.reader() as session:
        held = await session.scalars(select(MetadataDocument.content_id).distinct())
        assert len(held.all()) == 1
