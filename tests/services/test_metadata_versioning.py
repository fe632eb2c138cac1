"""Metadata is versioned, data is immutable: a changed record of a registered asset with the same
data is a new version of each document that changed, the current version is what every query
column follows, the history stays readable, an old record never rolls it back, and two concurrent
updates both land. Read on the real pair of one asset's 1.x and 2.x records."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import TYPE_CHECKING, Any

import pytest
from factories import load_record, payload, write_asset
from sqlalchemy import select

from catalog.conventions.metadata import documents_from_record
from catalog.db.models import AssetTerm, MetadataDocument
from catalog.errors import Conflict
from catalog.repo import assets, documents, files, provenance
from catalog.services.describe import describe
from catalog.services.imports import Record, RecordImport, read_records
from catalog.services.index import StoreIndex
from catalog.services.ingest import FolderIngest
from catalog.services.register import MetadataMoved, apply_updates, now, plan_update

if TYPE_CHECKING:
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.db.models import Asset
    from catalog.storage.local import LocalStore

NAME = "multiplane-ophys_804670_2025-09-17_10-26-00_processed_2025-09-18_18-01-45"


def first_and_second(fixtures_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The asset's record in schema 1.x and the same asset's record after the upgrade to 2.x."""
    upgraded = fixtures_dir / "records" / "other-sources" / "aind-metadata-viz" / f"{NAME}.json"
    return load_record(fixtures_dir, NAME), json.loads(upgraded.read_text())


def documents_of(record: dict[str, Any]) -> dict[str, Any]:
    return documents_from_record(record)


async def imported(db: Database, vocabulary: Vocabulary, *records: dict[str, Any]) -> list[Any]:
    """Import each record on its own, in order; the reports."""
    importer = RecordImport(db, vocabulary)
    return [await importer([Record(f"record {i}", r)]) for i, r in enumerate(records)]


async def asset_named(db: Database, name: str = NAME) -> Asset:
    async with db.reader() as session:
        asset = await assets.by_name(session, name)
    assert asset is not None
    return asset


async def history(db: Database) -> list[documents.Version]:
    asset = await asset_named(db)
    async with db.reader() as session:
        return (await documents.history(session, [asset.id]))[asset.id]


async def test_a_newer_record_of_a_registered_asset_is_a_new_version_of_each_changed_document(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    old, new = first_and_second(fixtures_dir)

    first, second = await imported(db, vocabulary, old, new)

    assert (first.registered, first.errors) == (1, [])
    assert (second.registered, second.updated, second.unchanged, second.errors) == (0, 1, 0, [])
    versions = await history(db)
    before, after = documents_of(old), documents_of(new)
    expected_current = {
        document: (2 if document in before else 1, content) for document, content in after.items()
    }
    assert {v.document: (v.version, v.content) for v in versions if v.is_current} == expected_current
    assert {
        (v.document, v.version): v.content for v in versions if v.version == 1 and v.document in before
    } == {(document, 1): content for document, content in before.items()}
    removed = {v.document: v.version for v in versions if v.removed}
    assert removed == {document: 2 for document in before if document not in after}
    assert not any(v.is_current for v in versions if v.removed)


async def test_the_asset_row_follows_the_current_version(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    old, new = first_and_second(fixtures_dir)
    await imported(db, vocabulary, old)
    registered_first = await asset_named(db)

    await imported(db, vocabulary, new)

    row = await asset_named(db)
    expected = describe(NAME, documents_of(new), vocabulary)
    for column in ("acquired_end", "acquisition_duration", "project", "subject_id", "genotype"):
        assert getattr(row, column) == expected.fields[column], column
    assert row.metadata_digest == expected.digest
    assert row.registered_at == registered_first.registered_at  # registered once, versioned since
    assert row.location == new["location"]


async def test_a_changed_project_modality_people_and_input_rewrite_every_query_row(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    _, new = first_and_second(fixtures_dir)
    corrected = copy.deepcopy(new)
    description = corrected["data_description"]
    description["project_name"] = "A corrected project"
    description["modalities"].append({"name": "Behavior", "abbreviation": "behavior"})
    description["investigators"] = [{"name": "Ada Lovelace"}]
    description["source_data"] = ["multiplane-ophys_804670_2025-09-17_10-26-00-corrected"]

    await imported(db, vocabulary, new, corrected)

    row = await asset_named(db)
    expected = describe(NAME, documents_of(corrected), vocabulary)
    async with db.reader() as session:
        modalities = (await assets.modalities_by_asset(session, [row.id]))[row.id]
        terms = set(
            (
                await session.execute(
                    select(AssetTerm.kind, AssetTerm.value).where(AssetTerm.asset_id == row.id)
                )
            ).all()
        )
        inputs = (await provenance.inputs_of(session, [row.id]))[row.id]
    assert row.project == "A corrected project"
    assert sorted(modalities) == sorted(expected.modalities)
    assert "behavior" in modalities
    assert ("investigator", "Ada Lovelace") in terms
    assert ("investigator", "Marina Garrett") not in terms
    assert sorted(inputs) == sorted((e.input_name, e.source) for e in expected.edges)


async def test_importing_the_older_record_again_is_refused_and_keeps_the_current_version(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    """A re-import of an old export must not silently roll metadata back."""
    old, new = first_and_second(fixtures_dir)
    await imported(db, vocabulary, old, new)
    before = await history(db)

    (again,) = await imported(db, vocabulary, old)

    assert (again.registered, again.updated, again.unchanged) == (0, 0, 0)
    assert len(again.errors) == 1
    assert NAME in again.errors[0]
    assert "does not roll metadata back" in again.errors[0]
    assert await history(db) == before
    assert (await asset_named(db)).metadata_digest == describe(NAME, documents_of(new), vocabulary).digest


async def test_the_newer_record_again_is_unchanged(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    old, new = first_and_second(fixtures_dir)

    *_, again = await imported(db, vocabulary, old, new, new)

    assert (again.updated, again.unchanged, again.errors) == (0, 1, [])
    assert max(v.version for v in await history(db)) == 2


async def test_both_records_in_one_export_register_the_first_and_update_to_the_second(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path, tmp_path: Path
) -> None:
    old, new = first_and_second(fixtures_dir)
    export = tmp_path / "export.json"
    export.write_text(json.dumps([old, new]))

    report = await RecordImport(db, vocabulary)(read_records(export))

    assert (report.registered, report.updated, report.errors) == (1, 1, [])
    current = {v.document for v in await history(db) if v.is_current}
    assert current == set(documents_of(new))


async def test_a_record_placing_the_data_elsewhere_is_refused(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    old, new = first_and_second(fixtures_dir)
    moved = dict(new, location="s3://another-bucket/" + NAME)

    _, report = await imported(db, vocabulary, old, moved)

    assert report.updated == 0
    assert len(report.errors) == 1
    assert "data is immutable" in report.errors[0]
    assert {v.version for v in await history(db)} == {1}


async def test_two_concurrent_updates_of_one_asset_both_land(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    old, new = first_and_second(fixtures_dir)
    await imported(db, vocabulary, old)
    other = copy.deepcopy(new)
    other["subject"]["genotype"] = "a genotype corrected elsewhere"

    reports = await asyncio.gather(*(RecordImport(db, vocabulary)([Record("r", r)]) for r in (new, other)))

    assert sorted(r.updated for r in reports) == [1, 1]
    subjects = [v for v in await history(db) if v.document == "subject"]
    assert [v.version for v in subjects] == [1, 2, 3]
    assert {json.dumps(v.content, sort_keys=True) for v in subjects[1:]} == {
        json.dumps(r["subject"], sort_keys=True) for r in (new, other)
    }
    current = next(v for v in subjects if v.is_current)
    assert current.version == 3
    assert (await asset_named(db)).genotype == describe(
        NAME, {"subject": current.content}, vocabulary
    ).fields["genotype"]


async def test_an_update_planned_before_another_one_landed_names_the_version_it_missed(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    old, new = first_and_second(fixtures_dir)
    await imported(db, vocabulary, old)
    row = await asset_named(db)
    async with db.reader() as session:
        taken = (await assets.taken_by_name(session, [NAME]))[NAME]
        read = (await documents.history(session, [row.id]))[row.id]
    late = plan_update(NAME, taken, read, describe(NAME, documents_of(new), vocabulary))
    assert late is not None
    other = copy.deepcopy(old)
    other["subject"]["genotype"] = "corrected meanwhile"
    await imported(db, vocabulary, other)

    with pytest.raises(MetadataMoved, match="subject is at version 2, not 1"):
        async with db.transaction() as session:
            await apply_updates(session, [late], now())
    assert [v.version for v in await history(db) if v.document == "subject"] == [1, 2]


async def test_metadata_only_records_are_stored_as_versions_not_files(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    old, new = first_and_second(fixtures_dir)
    await imported(db, vocabulary, old, new)
    row = await asset_named(db)
    async with db.reader() as session:
        recorded = await files.of_asset(session, row.id)
        count = len(
            (
                await session.execute(select(MetadataDocument.id).where(MetadataDocument.asset_id == row.id))
            ).all()
        )
    assert (recorded, row.file_count) == ({}, 0)
    before, after = documents_of(old), documents_of(new)
    changed = [d for d in after if before.get(d) != after[d]]
    gone = [d for d in before if d not in after]
    assert count == len(before) + len(changed) + len(gone)


# Folders: the metadata files are versioned, every other file is the asset's immutable data.


async def test_ingesting_a_folder_with_changed_metadata_files_adds_a_version_and_stores_them(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, fixtures_dir: Path, tmp_path: Path
) -> None:
    old, new = first_and_second(fixtures_dir)
    data = {"pophys/plane0.h5": payload("plane0")}
    ingest = FolderIngest(db, local_store, vocabulary)
    await ingest(write_asset(tmp_path / "v1", NAME, old, files=data))

    result = await ingest(write_asset(tmp_path / "v2", NAME, new, files=data))

    assert result.outcome == "updated"
    assert {v.document for v in await history(db) if v.is_current} == set(documents_of(new))
    row = await asset_named(db)
    async with db.reader() as session:
        recorded = await files.of_asset(session, row.id)
    expected_paths = {f"{d}.json" for d in documents_of(new)} | set(data)
    assert set(recorded) == expected_paths
    assert row.file_count == len(expected_paths)
    for document, content in documents_of(new).items():
        assert json.loads((local_store.root / NAME / f"{document}.json").read_text()) == content
    assert (await ingest(tmp_path / "v2" / NAME)).outcome == "unchanged"


async def test_ingesting_the_folder_with_changed_data_is_still_a_conflict(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, fixtures_dir: Path, tmp_path: Path
) -> None:
    old, new = first_and_second(fixtures_dir)
    ingest = FolderIngest(db, local_store, vocabulary)
    await ingest(write_asset(tmp_path / "v1", NAME, old, files={"pophys/plane0.h5": b"one"}))

    with pytest.raises(Conflict, match=r"pophys/plane0\.h5 .*immutable"):
        await ingest(write_asset(tmp_path / "v2", NAME, new, files={"pophys/plane0.h5": b"ONE"}))
    assert {v.version for v in await history(db)} == {1}


async def test_indexing_a_bucket_whose_metadata_objects_changed_adds_a_version(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path, tmp_path: Path
) -> None:
    from catalog.storage.local import LocalStore

    old, new = first_and_second(fixtures_dir)
    bucket = tmp_path / "bucket"
    write_asset(bucket, NAME, old, files={"pophys/plane0.h5": b"plane"})
    store = LocalStore(bucket, secret_key="s", public_url="http://127.0.0.1:1")
    await StoreIndex(db, vocabulary)(store)
    for path in (bucket / NAME).glob("*.json"):
        path.unlink()
    write_asset(bucket, NAME, new, files={"pophys/plane0.h5": b"plane"})

    report = await StoreIndex(db, vocabulary)(store)

    assert (report.registered, report.updated, report.unchanged, report.errors) == (0, 1, 0, [])
    assert {v.document for v in await history(db) if v.is_current} == set(documents_of(new))
    (bucket / NAME / "pophys/plane0.h5").write_bytes(b"PLANE")
    refused = await StoreIndex(db, vocabulary)(store)
    assert refused.updated == 0
    assert "immutable" in refused.errors[0]
