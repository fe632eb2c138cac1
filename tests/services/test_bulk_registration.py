"""The bulk path of registration (``register_new``: COPY on PostgreSQL) writes exactly the rows the
statement-by-statement path writes: every real record registered both ways leaves the same
tables, row by row, ids and times aside."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from factories import load_record, record_names
from sqlalchemy import delete, select

from catalog import access
from catalog.conventions.metadata import documents_from_record
from catalog.db.models import Asset, AuditEvent, Base, IndexedPath, IndexedValue
from catalog.repo import access as rules
from catalog.repo import assets, files
from catalog.services.describe import describe
from catalog.services.imports import Record, RecordImport
from catalog.services.register import NewAsset, published_fields, register_new, write_related

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database

IGNORED = {"id", "registered_at", "recorded_at", "at", "updated_at"}
"""Columns that differ between two registrations of the same assets by nature."""
ASSET_KEYS = {"asset_id", "derived_id"}
LEFT_ALONE = {"tokens", "access_rules", "access_rule_groups", "asset_locations", "metadata_paths"}
LEFT_ALONE |= {"data_generation"}  # counts transactions, which the two paths do not share


async def snapshot(session: AsyncSession) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table registration writes, sorted, asset ids replaced by names and
    value-index path ids by their paths."""
    names = dict((await session.execute(select(Asset.id, Asset.name))).all())
    paths: dict[int, tuple[str, str]] = {}
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        query = select(IndexedPath.id, IndexedPath.document, IndexedPath.path)
        paths = {i: (d, p) for i, d, p in await session.execute(query)}
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for name, table in Base.metadata.tables.items():
        if name in LEFT_ALONE or bind.dialect.name not in table.info.get("dialects", (bind.dialect.name,)):
            continue
        rows = []
        for row in (await session.execute(select(table))).mappings():
            kept = []
            for column, value in sorted(row.items()):
                if column in IGNORED:
                    continue
                if column in ASSET_KEYS:
                    value = names[value]
                elif column == "path_id":
                    value = paths[value]
                kept.append((column, repr(value)))
            rows.append(tuple(kept))
        tables[name] = sorted(rows)
    return tables


async def forget_assets(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(delete(Asset))
        await session.execute(delete(AuditEvent))
        if db.dialect.indexes_values:
            await session.execute(delete(IndexedValue))


async def test_bulk_registration_writes_what_statement_registration_writes(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    records = [load_record(fixtures_dir, name) for name in record_names(fixtures_dir)]
    described = [
        (describe(r["name"], documents_from_record(r), vocabulary, record=r), r["location"]) for r in records
    ]
    projects = sorted({d.fields["project"] for d, _ in described if d.fields["project"]})
    now = datetime.now(UTC)
    with access.acting_as(access.OPERATOR, "command line"):
        async with db.transaction() as session:  # an asset rule wins over its project's
            await rules.set_rule(
                session, project=projects[0], asset_name=None, groups=["lab-a"], embargo_until=None, now=now
            )
            await rules.set_rule(
                session, project=None, asset_name=records[0]["name"], groups=[], embargo_until=None, now=now
            )
        async with db.transaction() as session:
            rows = [
                {"name": d.name.name, **published_fields(d, location=loc, store_url=None, files=[])}
                for d, loc in described
            ]
            ids = await assets.insert_ready(session, rows)
            await write_related(session, [(ids[d.name.name], d) for d, _ in described], now)
        async with db.reader() as session:
            by_statements = await snapshot(session)
        await forget_assets(db)

        report = await RecordImport(db, vocabulary, batch_size=25)(Record(r["name"], r) for r in records)
        async with db.reader() as session:
            by_bulk = await snapshot(session)

    assert report.registered == len(records)
    assert len(by_bulk["assets"]) == len(records)
    assert sum(1 for row in by_bulk["assets"] if ("access_rule_id", "None") not in row) > 1
    for table, rows in by_statements.items():
        assert by_bulk[table] == rows, table


async def test_bulk_registration_writes_files_as_ingest_records_them(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    record = load_record(fixtures_dir, record_names(fixtures_dir)[0])
    description = describe(record["name"], documents_from_record(record), vocabulary)
    listed = [
        {
            "path": "data.ome.zarr/0/0/0/0",
            "size": 10,
            "sha256": "a" * 64,
            "key": f"{record['name']}/data.ome.zarr/0/0/0/0",
        },
        {"path": "subject.json", "size": 5, "sha256": None, "key": f"{record['name']}/subject.json"},
    ]

    async with db.transaction() as session:
        ids = await register_new(
            session, db.dialect, [NewAsset(description, "s3://b/x", "s3://b", listed)], datetime.now(UTC)
        )
    async with db.reader() as session:
        asset = await assets.by_name(session, record["name"])
        stored = await files.of_asset(session, ids[record["name"]])

    assert asset is not None
    assert (asset.file_count, asset.total_size, asset.store_url) == (2, 15, "s3://b")
    assert {p: (f.size, f.sha256, f.key) for p, f in stored.items()} == {
        row["path"]: (row["size"], row["sha256"], row["key"]) for row in listed
    }
