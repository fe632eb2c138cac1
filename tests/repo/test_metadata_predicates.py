"""One predicate language, two dialects: every predicate selects exactly the records a
plain reading of the raw JSON selects, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from factories import record_names
from sqlalchemy import select

from catalog.conventions.metadata import documents_from_record
from catalog.conventions.modalities import Vocabulary
from catalog.conventions.paths import parse_path, values_at
from catalog.db.engine import Database
from catalog.db.models import Asset, AssetState
from catalog.errors import Invalid
from catalog.repo import filters
from catalog.services.imports import Record, RecordImport

PREDICATES = [
    ("subject", "sex", "EQ", "Male"),
    ("subject", "sex", "NE", "Male"),
    ("subject", "subject_id", "IN", ["652918", "660104", "750318"]),
    ("subject", "genotype", "CONTAINS", "Cre"),
    ("subject", "date_of_birth", "LT", "2023-01-01"),
    ("subject", "date_of_birth", "GTE", "2024-06-01"),
    ("data_description", "modality.abbreviation", "EQ", "ecephys"),
    ("data_description", "modalities.abbreviation", "EQ", "SPIM"),
    ("data_description", "investigators.name", "CONTAINS", "Svoboda"),
    ("data_description", "funding_source.funder.abbreviation", "EQ", "NINDS"),
    ("data_description", "data_level", "IN", ["raw", "raw data"]),
    ("session", "data_streams.stream_modalities.abbreviation", "EQ", "ecephys"),
    ("session", "stimulus_epochs", "EXISTS", True),
    ("session", "session_start_time", "GTE", "2024-01-01"),
    ("acquisition", "tiles.channel.laser_power", "GT", 25),
    ("acquisition", "tiles.channel.laser_power", "LTE", 10),
    ("procedures", "subject_procedures.procedures.injection_volume", "GT", 100),
    ("procedures", "subject_procedures.procedures.procedure_type", "EQ", "Nanoject injection"),
    ("quality_control", "evaluations", "EXISTS", True),
    ("processing", "processing_pipeline", "EXISTS", False),
    ("rig", "rig_id", "CONTAINS", "NP"),
    ("subject", "wellness_reports", "EXISTS", True),
    ("data_description", "restrictions", "EQ", None),
]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(found: Any, wanted: Any) -> bool:
    if wanted is None or isinstance(wanted, bool):
        return found is wanted
    if _is_number(wanted):
        return _is_number(found) and found == wanted
    return isinstance(found, str) and found == wanted


def holds(found: Any, op: str, wanted: Any) -> bool:
    """The reference reading of one value reached by the path."""
    if op == "EXISTS":
        return found is not None
    if op == "IN":
        return any(_equal(found, w) for w in wanted)
    if op == "CONTAINS" and isinstance(wanted, str):
        return isinstance(found, str) and wanted in found
    if op in ("EQ", "CONTAINS"):
        return _equal(found, wanted)
    same_kind = (_is_number(found) and _is_number(wanted)) or (
        isinstance(found, str) and isinstance(wanted, str)
    )
    if not same_kind:
        return False
    return {"LT": found < wanted, "LTE": found <= wanted, "GT": found > wanted, "GTE": found >= wanted}[op]


def reference(records: dict[str, dict[str, Any]], document: str, path: str, op: str, value: Any) -> set[str]:
    if op in ("NE",) or (op == "EXISTS" and value is False):
        positive = reference(
            records, document, path, "EQ" if op == "NE" else "EXISTS", value if op == "NE" else True
        )
        return set(records) - positive
    segments = parse_path(path)
    return {
        name
        for name, documents in records.items()
        if document in documents
        and any(holds(v, op, value) for v in values_at(documents[document], segments))
    }


@pytest.fixture
async def imported(db: Database, fixtures_dir: Path) -> dict[str, dict[str, Any]]:
    """Every real record, registered metadata-only; name → its documents."""
    raw = [
        json.loads((fixtures_dir / "records" / f"{n}.json").read_text()) for n in record_names(fixtures_dir)
    ]
    report = await RecordImport(db, Vocabulary())(Record(r["name"], r) for r in raw)
    assert report.errors == []
    return {r["name"]: documents_from_record(r) for r in raw}


@pytest.mark.parametrize(("document", "path", "op", "value"), PREDICATES, ids=lambda v: str(v)[:40])
async def test_a_predicate_selects_what_the_raw_json_says(
    document: str, path: str, op: str, value: Any, db: Database, imported: dict[str, dict[str, Any]]
) -> None:
    spec = filters.AssetFilter(metadata=(filters.MetadataPredicate(document, path, op, value),))
    async with db.reader() as session:
        found = set(
            await session.scalars(
                select(Asset.name).where(Asset.state == AssetState.READY, filters.condition(db.dialect, spec))
            )
        )
    assert found == reference(imported, document, path, op, value)


def test_the_predicates_are_not_vacuous(imported: dict[str, dict[str, Any]]) -> None:
    """Most predicates of the table select some records and leave out others."""
    sizes = [len(reference(imported, *p)) for p in PREDICATES]
    assert sum(0 < size < len(imported) for size in sizes) >= len(PREDICATES) * 2 // 3, sizes


@pytest.mark.parametrize(
    ("path", "op", "value"),
    [
        ("a..b", "EQ", 1),
        ("a b", "EQ", 1),
        ("a", "LT", True),
        ("a", "IN", 3),
        ("a", "EXISTS", "yes"),
        ("a", "LIKE", 1),
    ],
)
def test_malformed_predicates_are_refused(path: str, op: str, value: Any) -> None:
    spec = filters.AssetFilter(metadata=(filters.MetadataPredicate("subject", path, op, value),))
    with pytest.raises(Invalid):
        filters.condition("sqlite", spec)
