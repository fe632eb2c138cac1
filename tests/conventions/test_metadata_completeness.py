"""What an asset's metadata lacks, over every real record (``records/``, ``other-sources/`` and
the composed 2.x records of ``examples-v2``), compared with a plain reading of the raw JSON
(``tests/lacking.py``), and the rules one by one on small records."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from lacking import expected_missing, expected_score, is_derived

from catalog.conventions.metadata import assess_completeness

if TYPE_CHECKING:
    from pathlib import Path


def all_records(fixtures_dir: Path) -> dict[str, dict[str, Any]]:
    paths = [
        *(fixtures_dir / "records").glob("*.json"),
        *(fixtures_dir / "records" / "other-sources").glob("*/*.json"),
        *(fixtures_dir / "examples-v2" / "composed").glob("*metadata.nd.json"),
    ]
    return {f"{path.parent.name}/{path.name}": json.loads(path.read_text()) for path in sorted(paths)}


# -- every real record -------------------------------------------------------------------------------


def test_every_real_record_lacks_what_its_documents_versions_require(fixtures_dir: Path) -> None:
    records = all_records(fixtures_dir)
    assert len(records) == 82
    wrong = {}
    for key, record in records.items():
        found = assess_completeness(record, derived=is_derived(record["name"], record))
        want = expected_missing(record, derived=is_derived(record["name"], record))
        if sorted(found.missing) != sorted(want):
            wrong[key] = (found.missing, want)
    assert wrong == {}


def test_the_records_lack_a_variety_of_items_and_some_lack_nothing(fixtures_dir: Path) -> None:
    """Not vacuous: whole documents and single fields are missing, and many records are complete."""
    lacking = [
        assess_completeness(r, derived=is_derived(r["name"], r)).missing
        for r in all_records(fixtures_dir).values()
    ]
    items = {item for found in lacking for item in found}
    assert {"procedures", "instrument", "processing", "data_description.investigators"} <= items
    assert sum(not found for found in lacking) >= 30
    assert sum(bool(found) for found in lacking) >= 30


def test_the_score_is_the_share_of_required_items_present(fixtures_dir: Path) -> None:
    wrong = {}
    for key, record in all_records(fixtures_dir).items():
        derived = is_derived(record["name"], record)
        found = assess_completeness(record, derived=derived)
        if found.score != pytest.approx(expected_score(record, derived=derived)):
            wrong[key] = (found.score, expected_score(record, derived=derived))
        assert (found.score == 1) == (not found.missing), key
    assert wrong == {}


# -- the rules, one by one ---------------------------------------------------------------------------

MOUSE_2X = {
    "schema_version": "2.0.13",
    "subject_id": "1",
    "subject_details": {
        "object_type": "Mouse subject",
        "species": {"name": "Mus musculus"},
        "sex": "Male",
        "date_of_birth": "2024-01-01",
        "genotype": "wt/wt",
    },
}


def complete_2x(**documents: Any) -> dict[str, Any]:
    """A 2.x record lacking nothing, with some documents replaced."""
    record: dict[str, Any] = {
        "data_description": {
            "schema_version": "2.2.0",
            "creation_time": "2024-01-01T00:00:00Z",
            "institution": {"abbreviation": "AIND"},
            "funding_source": [{"funder": {"abbreviation": "AI"}}],
            "data_level": "raw",
            "investigators": [{"name": "A. Person"}],
            "project_name": "P",
            "modalities": [{"abbreviation": "ecephys"}],
        },
        "subject": MOUSE_2X,
        "procedures": {"schema_version": "2.0.34", "subject_id": "1"},
        "acquisition": {
            "schema_version": "2.1.0",
            "subject_id": "1",
            "acquisition_start_time": "2024-01-01T00:00:00Z",
            "acquisition_end_time": "2024-01-01T01:00:00Z",
            "acquisition_type": "t",
            "instrument_id": "i",
        },
        "instrument": {"schema_version": "2.0.41", "instrument_id": "i", "modification_date": "2024-01-01"},
    }
    record.update(documents)
    return {name: value for name, value in record.items() if value is not None}


def test_a_complete_record_lacks_nothing_and_scores_one() -> None:
    found = assess_completeness(complete_2x(), derived=False)
    assert (found.missing, found.score) == ([], 1.0)


def test_a_2x_mouse_without_a_genotype_lacks_subject_genotype() -> None:
    details = {**MOUSE_2X["subject_details"], "genotype": None}
    found = assess_completeness(complete_2x(subject={**MOUSE_2X, "subject_details": details}), derived=False)
    assert found.missing == ["subject.genotype"]
    assert 0 < found.score < 1


def test_a_1x_subject_without_a_genotype_lacks_nothing_its_schema_requires() -> None:
    subject = {
        "schema_version": "1.0.3",
        "subject_id": "1",
        "species": {"name": "Mus musculus"},
        "sex": "Male",
    }
    found = assess_completeness(
        complete_2x(subject={**subject, "date_of_birth": "2024-01-01"}), derived=False
    )
    assert found.missing == []


def test_a_human_subject_needs_no_genotype_but_a_year_of_birth() -> None:
    human = {
        "schema_version": "2.0.13",
        "subject_id": "1",
        "subject_details": {"object_type": "Human subject", "sex": "Female"},
    }
    assert assess_completeness(complete_2x(subject=human), derived=False).missing == ["subject.year_of_birth"]


def test_a_1x_session_and_rig_stand_for_the_acquisition_and_the_instrument() -> None:
    session = {
        "schema_version": "1.0.1",
        "subject_id": "1",
        "session_start_time": "2024-01-01T00:00:00Z",
        "session_type": "t",
        "experimenter_full_name": [],
        "rig_id": "r",
    }
    rig = {"schema_version": "1.0.1", "rig_id": "r", "modification_date": "2024-01-01"}
    found = assess_completeness(
        complete_2x(acquisition=None, instrument=None, session=session, rig=rig), derived=False
    )
    assert found.missing == ["acquisition.experimenters"]


def test_processing_is_required_of_derived_assets_only() -> None:
    assert assess_completeness(complete_2x(), derived=False).missing == []
    assert assess_completeness(complete_2x(), derived=True).missing == ["processing"]
    steps = {"schema_version": "2.1.0", "data_processes": []}
    assert assess_completeness(complete_2x(processing=steps), derived=True).missing == [
        "processing.data_processes"
    ]


def test_a_missing_document_weighs_more_than_one_missing_field() -> None:
    no_subject = assess_completeness(complete_2x(subject=None), derived=False)
    no_genotype = assess_completeness(
        complete_2x(subject={**MOUSE_2X, "subject_details": {**MOUSE_2X["subject_details"], "genotype": ""}}),
        derived=False,
    )
    assert no_subject.missing == ["subject"]
    assert no_subject.score < no_genotype.score < 1


@pytest.mark.parametrize("value", [None, "", "  ", [], {}])
def test_null_blank_and_empty_values_are_missing(value: Any) -> None:
    dd = {**complete_2x()["data_description"], "investigators": value}
    assert assess_completeness(complete_2x(data_description=dd), derived=False).missing == [
        "data_description.investigators"
    ]
