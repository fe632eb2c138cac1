"""Metadata-only import: every real record registers with its location, in batches; the
same records again change nothing; broken input names the file and line."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from factories import load_record, record_names

from catalog.errors import InvalidMetadata
from catalog.repo import assets
from catalog.services.imports import RecordImport, read_records

if TYPE_CHECKING:
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database


async def test_every_real_record_imports_with_its_location(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path, tmp_path: Path
) -> None:
    names = record_names(fixtures_dir)
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(json.dumps(load_record(fixtures_dir, n)) for n in names) + "\n")

    report = await RecordImport(db, vocabulary, batch_size=20)(read_records(export))

    assert (report.registered, report.errors) == (len(names), [])
    async with db.reader() as session:
        assert await assets.count(session, db.dialect, None) == len(names)
        first = await assets.by_name(session, names[0])
    assert first is not None
    assert first.location == load_record(fixtures_dir, names[0])["location"]
    assert (first.file_count, first.store_url) == (0, None)


async def test_every_record_of_the_other_sources_imports_too(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    """Records gathered from other tools, among them a process label with a version in it
    (``sorted-ads2.0``): a dot inside a token is allowed by the conventions."""
    files = sorted((fixtures_dir / "records" / "other-sources").rglob("*.json"))
    assert files, "no records from other sources"

    report = await RecordImport(db, vocabulary)(record for path in files for record in read_records(path))

    assert report.errors == []
    async with db.reader() as session:
        dotted = await assets.by_name(
            session, "ecephys_800779_2025-09-26_12-57-44_sorted-ads2.0_2025-10-22_15-35-53"
        )
    assert dotted is not None
    assert dotted.process_label == "sorted-ads2.0"


async def test_importing_the_same_records_again_changes_nothing(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path, tmp_path: Path
) -> None:
    names = record_names(fixtures_dir)[:10]
    export = tmp_path / "export.json"
    export.write_text(json.dumps([load_record(fixtures_dir, n) for n in names]))
    importer = RecordImport(db, vocabulary)
    await importer(read_records(export))

    again = await importer(read_records(export))

    assert (again.registered, again.unchanged, again.errors) == (0, 10, [])


async def test_a_record_repeated_within_one_batch_registers_once(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path, tmp_path: Path
) -> None:
    record = load_record(fixtures_dir, record_names(fixtures_dir)[0])
    export = tmp_path / "export.json"
    export.write_text(json.dumps([record, record]))

    report = await RecordImport(db, vocabulary)(read_records(export))

    assert (report.registered, report.unchanged) == (1, 1)


async def test_bad_records_are_refused_one_by_one_and_the_rest_register(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path, tmp_path: Path
) -> None:
    good = load_record(fixtures_dir, record_names(fixtures_dir)[0])
    export = tmp_path / "export.json"
    export.write_text(json.dumps([{"name": "../etc/passwd"}, 42, {"location": "s3://b/x"}, good]))

    report = await RecordImport(db, vocabulary)(read_records(export))

    assert report.registered == 1
    assert [e.split(": ", 1)[0] for e in report.errors] == [f"{export}[0]", f"{export}[1]", f"{export}[2]"]
    assert "invalid asset name" in report.errors[0]


@pytest.mark.parametrize(
    ("content", "where"),
    [('{"name": "x",', ": not valid JSON: .*line 1"), ('{"name": "a"}\n{"name": \n', ":2: not valid JSON")],
    ids=["truncated document", "broken json line"],
)
def test_malformed_json_names_the_file_and_the_place(content: str, where: str, tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(content)
    with pytest.raises(
        InvalidMetadata, match=rf"records\.json.*{where}.*not valid JSON|records\.json{where}"
    ):
        list(read_records(path))
