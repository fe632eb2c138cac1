"""What registration derives once from real records: durations in seconds, the subject's age in
days on the day of acquisition where it was recorded, the location's bucket, and investigators,
experimenters and funders as rows of their own, whichever schema generation wrote them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pytest
from factories import load_record
from sqlalchemy import select

from catalog.db.models import Asset, AssetTerm, TermKind
from catalog.services.describe import location_prefix
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database

RECORDS = [
    "ecephys_660104_2023-07-24_18-18-13",  # 2.x acquisition and subject; no processing steps
    "behavior_754559_2024-12-17_17-40-13",  # 1.x session and subject
    "SLAP2_801381_2025-10-02_15-23-18",  # 1.x; two processing steps
    "ecephys_743916_2024-09-12_16-52-55",  # 0.x session; a funder given as plain text
]


def first(record: dict[str, Any], *places: tuple[str, str]) -> Any:
    return next(record[doc][key] for doc, key in places if (record.get(doc) or {}).get(key))


def expected(record: dict[str, Any]) -> dict[str, Any]:
    """The measures, computed here straight from the record's JSON."""
    start = datetime.fromisoformat(
        first(record, ("session", "session_start_time"), ("acquisition", "acquisition_start_time"))
    )
    end = datetime.fromisoformat(
        first(record, ("session", "session_end_time"), ("acquisition", "acquisition_end_time"))
    )
    subject = record["subject"]
    born = date.fromisoformat(subject.get("date_of_birth") or subject["subject_details"]["date_of_birth"])
    processing = record["processing"]
    steps = processing.get("processing_pipeline", processing)["data_processes"]  # nested in 0.3 to 1.x
    starts = [datetime.fromisoformat(step["start_date_time"]) for step in steps]
    ends = [datetime.fromisoformat(step["end_date_time"]) for step in steps]
    return {
        "acquisition_duration": (end - start).total_seconds(),
        "subject_age_at_acquisition": (start.date() - born).days,
        "processing_duration": (max(ends) - min(starts)).total_seconds() if steps else None,
        "location_prefix": "s3://" + record["location"].removeprefix("s3://").split("/")[0],
    }


def expected_terms(record: dict[str, Any]) -> set[tuple[str, str]]:
    """Investigators by name; experimenters from 0.x/1.x sessions or 2.x acquisitions; funders
    by abbreviation, else name."""
    description = record["data_description"]
    session, acquisition = record.get("session") or {}, record.get("acquisition") or {}
    people = session.get("experimenter_full_name") or acquisition.get("experimenters") or []
    funders = [entry["funder"] for entry in description["funding_source"]]
    return (
        {("investigator", person["name"]) for person in description["investigators"]}
        | {("experimenter", name) for name in people}
        | {("funding", f if isinstance(f, str) else f["abbreviation"] or f["name"]) for f in funders}
    )


async def register(
    db: Database, vocabulary: Vocabulary, fixtures: Path, names: list[str]
) -> dict[str, list[str]]:
    report = await RecordImport(db, vocabulary)(Record(name, load_record(fixtures, name)) for name in names)
    assert (report.registered, report.errors) == (len(names), [])
    return report.warnings


async def test_measures_are_computed_once_at_registration_from_the_records(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path, subtests: pytest.Subtests
) -> None:
    await register(db, vocabulary, fixtures_dir, RECORDS)
    async with db.reader() as session:
        rows = {row.name: row for row in await session.scalars(select(Asset))}

    for name in RECORDS:
        with subtests.test(name=name):
            row, want = rows[name], expected(load_record(fixtures_dir, name))
            assert row.acquisition_duration == pytest.approx(want["acquisition_duration"])
            assert row.subject_age_at_acquisition == want["subject_age_at_acquisition"]
            assert row.processing_duration == pytest.approx(want["processing_duration"])
            assert row.location_prefix == want["location_prefix"]


async def test_the_age_counts_the_day_where_the_acquisition_happened(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    name = "ecephys_660104_2023-07-24_18-18-13"  # 18:18 at UTC-7 is already the next day in UTC
    record = load_record(fixtures_dir, name)
    start = datetime.fromisoformat(record["acquisition"]["acquisition_start_time"])
    assert start.astimezone(UTC).date() != start.date()
    await register(db, vocabulary, fixtures_dir, [name])
    async with db.reader() as session:
        row = (await session.scalars(select(Asset).where(Asset.name == name))).one()
    assert row.subject_age_at_acquisition == (date(2023, 7, 24) - date(2022, 11, 30)).days


async def test_an_end_before_the_start_is_not_a_duration_but_a_warning(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path
) -> None:
    name = "SmartSPIM_622957_2022-06-07_10-54-57"  # session_end_time 03:33, start 10:54 the same day
    acquisition = load_record(fixtures_dir, name)["acquisition"]
    assert acquisition["session_end_time"] < acquisition["session_start_time"]

    warnings = await register(db, vocabulary, fixtures_dir, [name])

    async with db.reader() as session:
        row = (await session.scalars(select(Asset).where(Asset.name == name))).one()
    assert row.acquisition_duration is None
    assert row.subject_age_at_acquisition == (date(2022, 6, 7) - date(2022, 2, 23)).days
    assert any(w.startswith("acquisition duration: ") for w in warnings[name])


async def test_people_and_funders_are_rows_of_their_own_whatever_the_generation(
    db: Database, vocabulary: Vocabulary, fixtures_dir: Path, subtests: pytest.Subtests
) -> None:
    await register(db, vocabulary, fixtures_dir, RECORDS)
    async with db.reader() as session:
        rows = (
            await session.execute(
                select(Asset.name, AssetTerm.kind, AssetTerm.value)
                .join(Asset, Asset.id == AssetTerm.asset_id)
                .where(AssetTerm.kind.in_((TermKind.INVESTIGATOR, TermKind.EXPERIMENTER, TermKind.FUNDING)))
            )
        ).all()
    for name in RECORDS:
        with subtests.test(name=name):
            held = {(kind, value) for asset, kind, value in rows if asset == name}
            assert held == expected_terms(load_record(fixtures_dir, name))


@pytest.mark.parametrize(
    ("location", "prefix"),
    [
        ("s3://aind-open-data/ecephys_1_2023-01-01_00-00-00", "s3://aind-open-data"),
        ("S3://Bucket/a/b", "s3://Bucket"),
        ("https://data.example.org/lab/asset", "https://data.example.org"),
        ("file:///data/store/ecephys_1_2023-01-01_00-00-00", "file:///data/store"),
        ("file:///asset", None),
        ("relative/folder/asset", None),
        ("C:\\data\\asset", None),
        (None, None),
    ],
)
def test_the_location_prefix_is_the_bucket_or_host_else_the_folder(
    location: str | None, prefix: str | None
) -> None:
    assert location_prefix(location) == prefix
