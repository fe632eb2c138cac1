"""Reading metadata of every schema generation: what the catalog indexes from real records."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from catalog.conventions.metadata import (
    CORE_DOCUMENTS,
    Extracted,
    InputRef,
    documents_from_record,
    extract,
    read_document_file,
)
from catalog.conventions.modalities import ModalityTerm, Vocabulary
from catalog.errors import InvalidMetadata

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
RECORDS = sorted((FIXTURES / "records").rglob("*.json"))
EXAMPLES = sorted((FIXTURES / "examples-v1").glob("*.json")) + sorted(
    (FIXTURES / "examples-v2").rglob("*.json")
)
VOCABULARY = Vocabulary()

PDT = timezone(timedelta(hours=-7))
WARNING = re.compile(r"^[a-z_]+(\.[A-Za-z_]+(\[\d*\])?)*: \S")
GUARD = "could not be read ("


def _id(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


def _record(relative: str) -> dict[str, Any]:
    return read_document_file(FIXTURES / relative)


def _example_documents(path: Path) -> dict[str, dict]:
    """A whole record (``metadata.nd.json``) as is; a single file under its ``describedBy`` kind."""
    document = read_document_file(path)
    if any(name in document for name in CORE_DOCUMENTS):
        return documents_from_record(document)
    kind = re.search(r"/core/(\w+)\.py$", document.get("describedBy", ""))
    return {kind[1]: document} if kind and kind[1] in CORE_DOCUMENTS else {}


def _extract(**documents: Any) -> Extracted:
    return extract(documents, VOCABULARY)


def _warnings(out: Extracted) -> list[str]:
    """The warnings, less the missing ``schema_version`` that minimal test documents leave out."""
    return [warning for warning in out.warnings if not warning.endswith(".schema_version: missing")]


def _assert_well_formed(out: Extracted) -> None:
    """Types the catalog relies on: text ids, aware times, warnings that name a field."""
    assert out.subject_id is None or isinstance(out.subject_id, str)
    for moment in (out.acquired_start, out.acquired_end, out.processed_start, out.processed_end):
        assert moment is None or moment.utcoffset() is not None
    assert out.date_of_birth is None or isinstance(out.date_of_birth, date)
    assert all(isinstance(term, ModalityTerm) for term in out.modalities)
    assert out.qc_status in (None, "PASS", "FAIL", "PENDING")
    for warning in out.warnings:
        assert WARNING.match(warning), warning
        assert GUARD not in warning, warning


# --- every real record and every example -----------------------------------------------------


def test_the_fixture_corpus_is_complete() -> None:
    """A lost fixture folder would otherwise let the specs over every file pass on less."""
    assert (len(RECORDS), len(EXAMPLES)) == (80, 53)


def test_every_real_record_extracts_well_formed_with_its_schema_versions(subtests: pytest.Subtests) -> None:
    for path in RECORDS:
        with subtests.test(path=_id(path)):
            out = extract(documents_from_record(read_document_file(path)), VOCABULARY)
            _assert_well_formed(out)
            assert out.schema_versions


def test_every_example_file_extracts_well_formed_with_a_version_per_document(
    subtests: pytest.Subtests,
) -> None:
    for path in EXAMPLES:
        with subtests.test(path=_id(path)):
            documents = _example_documents(path)
            out = extract(documents, VOCABULARY)
            _assert_well_formed(out)
            assert set(out.schema_versions) == set(documents)


def test_subject_id_is_what_the_record_says_as_text(subtests: pytest.Subtests) -> None:
    for path in RECORDS:
        with subtests.test(path=_id(path)):
            record = read_document_file(path)
            subject, description = record.get("subject") or {}, record.get("data_description") or {}
            said = subject.get("subject_id") or description["subject_id"]
            assert extract(documents_from_record(record), VOCABULARY).subject_id == str(said)


def _abbreviations_said(description: dict) -> set[str]:
    """What a description lists, case-folded: strings (0.x) or ``{abbreviation}`` objects."""
    raw = description.get("modalities") or description.get("modality") or []
    items = raw if isinstance(raw, list) else [raw]
    return {(item["abbreviation"] if isinstance(item, dict) else item).casefold() for item in items}


def test_modalities_are_those_of_the_record_whatever_the_case(subtests: pytest.Subtests) -> None:
    for path in RECORDS:
        with subtests.test(path=_id(path)):
            record = read_document_file(path)
            out = extract(documents_from_record(record), VOCABULARY)
            said = _abbreviations_said(record.get("data_description") or {})
            assert {term.abbreviation.casefold() for term in out.modalities} == said


# --- specific records, read by hand ------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    species: str | None
    sex: str | None
    project: str | None
    institution: str | None
    data_level: str | None
    acquired_start: datetime | None
    instrument_id: str | None
    qc_status: str | None
    inputs: list[InputRef]


def _declared(name: str) -> list[InputRef]:
    return [InputRef(name=name, location=None, source="data_description")]


HAND_READ = {
    # 0.2.7 record, 0.3.0 description: modality "SmartSPIM", institution a bare "AIBS", "raw data",
    # creation split into creation_date + a time-only creation_time, no session.
    "records/SmartSPIM_597305_2022-09-27_00-07-58.json": Expected(
        "Mus musculus", "Female", "CTY Genetic Tools", "AIBS", "raw",
        datetime(2022, 9, 27, 0, 7, 58, tzinfo=UTC), "SmartSPIM1-1", None, [],
    ),
    # 0.2.7 record with a 0.1.9 session and a 0.2.18 rig; species a plain string.
    "records/ecephys_655568_2023-05-03_15-21-12.json": Expected(
        "Mus musculus", "Female", "Cell Type LUT", "AIND", "raw",
        datetime(2023, 5, 3, 15, 21, 12, tzinfo=PDT), "323_EPHYS1_OPTO_2023-05-01", None, [],
    ),
    # 0.2.19 record: the rig says "442 Bergamo 2p photostim", the session "442_Bergamo_2p_photostim".
    "records/single-plane-ophys_621025_2022-07-05_17-48-34.json": Expected(
        "Mus musculus", "Female", "Brain Computer Interface", "AIND", "raw",
        datetime(2022, 7, 5, 16, 45, 38, 865000, tzinfo=PDT), "442 Bergamo 2p photostim", None, [],
    ),
    # 1.1.1 derived record, 1.2.2 QC whose evaluations' latest statuses include Fail.
    "records/behavior_789911_2025-07-11_19-47-52_processed_2025-09-23_17-06-54.json": Expected(
        "Mus musculus", "Female", "Cognitive flexibility in patch foraging", "AIND", "derived",
        datetime(2025, 6, 17, 19, 56, 42, 796923, tzinfo=UTC), "426_4C_20250612", "FAIL",
        _declared("behavior_789911_2025-07-11_19-47-52"),
    ),
    # 1.2.1 derived record: QC metrics pending, then passed by a reviewer.
    "records/multiplane-ophys_816462_2025-10-15_09-33-45_processed_2025-10-16_11-28-02.json": Expected(
        "Mus musculus", "Female", "Learning mFISH-V1omFISH", "AIND", "derived",
        datetime(2025, 10, 15, 9, 33, 45, 483624, tzinfo=PDT), "429_MESO1_20241016", "PASS",
        _declared("multiplane-ophys_816462_2025-10-15_09-33-45"),
    ),
    # 1.1.1 record carrying a 2.1.0 description (source_data) and a 2.0.7 QC (metrics).
    "records/ecephys_800779_2025-09-26_12-57-44_sorted_2025-10-07_17-18-32.json": Expected(
        "Mus musculus", "Male", "Cell Type Lookup Table", "AIND", "derived",
        datetime(2025, 9, 26, 12, 57, 44, tzinfo=PDT), "323_EPHYS1_20250922", "PENDING",
        _declared("ecephys_800779_2025-09-26_12-57-44"),
    ),
    # 2.3.3 record: subject_details, acquisition/instrument.
    "records/ecephys_660104_2023-07-24_18-18-13.json": Expected(
        "Mus musculus", "Female", "Cell Type LUT", "AIND", "raw",
        datetime(2023, 7, 24, 18, 18, 13, tzinfo=PDT), "323_EPHYS1_OPTO_2023-06-07", None, [],
    ),
    # 2.0.80 record (the upgraded twin of a 1.1.1 record): two metrics fail.
    "records/other-sources/aind-metadata-viz/"
    "multiplane-ophys_804670_2025-09-17_10-26-00_processed_2025-09-18_18-01-45.json": Expected(
        "Mus musculus", "Male", "Learning mFISH-V1omFISH", "AIND", "derived",
        datetime(2025, 9, 17, 10, 26, 0, 474680, tzinfo=PDT), "422_MESO2_20241017", "FAIL",
        _declared("multiplane-ophys_804670_2025-09-17_10-26-00"),
    ),
    # 0.2.7 dev record with no data description: the input comes from the processing location.
    "records/other-sources/aind-data-access-api/ecephys_642478_2023-01-17_13-56-29.json": Expected(
        "Mus musculus", "Male", None, None, None, None, None, None,
        [
            InputRef(
                name="642478_2023-01-17_13-56-29",
                location=r"\\allen\programs\aind\workgroups\ephys\data\ephys\642478_2023-01-17_13-56-29",
                source="processing",
            )
        ],
    ),
    # 1.1.1 record: a macaque with a non-numeric id; light-sheet acquisition with session_start_time.
    "records/SmartSPIM_M2501_2025-04-03_17-50-21.json": Expected(
        "Macaca mulatta", "Female", "CTY Genetic Tools", "AIBS", "raw",
        datetime(2025, 4, 3, 17, 50, 21, tzinfo=PDT), "440_SmartSPIM2_20250114", None, [],
    ),
    # 2.x metadata.nd.json: two metrics still pending.
    "examples-v2/composed/ecephys_sorted_metadata.nd.json": Expected(
        "Mus musculus", "Male", "Example project", "AIND", "derived",
        datetime(2023, 4, 25, 2, 35, tzinfo=PDT), "EPHYS1", "PENDING",
        _declared("ecephys_664484_2023-04-25_03-16-00"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("relative", HAND_READ)
def test_specific_records_yield_the_values_read_by_hand(relative: str) -> None:
    expected = HAND_READ[relative]
    out = extract(documents_from_record(_record(relative)), VOCABULARY)
    actual = Expected(
        out.species, out.sex, out.project, out.institution, out.data_level,
        out.acquired_start, out.instrument_id, out.qc_status, out.inputs,
    )  # fmt: skip
    assert actual == expected
    if expected.acquired_start is not None:
        assert out.acquired_start is not None
        assert out.acquired_start.utcoffset() == expected.acquired_start.utcoffset()


def test_a_v1_record_reads_people_funding_and_processing_times() -> None:
    out = extract(
        documents_from_record(_record("records/ecephys_655568_2023-05-03_15-21-12.json")), VOCABULARY
    )
    assert out.name == "ecephys_655568_2023-05-03_15-21-12"
    assert [term.abbreviation for term in out.modalities] == ["ecephys", "behavior-videos"]
    assert out.investigators == ["Josh Siegle", "Anna Lakunina"]
    assert out.experimenters == ["Anna Lakunina", "Josh Siegle"]
    assert out.funding == ["AI"]
    assert out.date_of_birth == date(2022, 10, 24)
    assert out.session_type == "Optotagging"
    assert out.processed_start is not None
    assert out.processed_start.utcoffset() is not None
    assert out.schema_versions["session"] == "0.1.9"


def test_a_v2_record_reads_nested_subject_details_and_experimenters() -> None:
    out = extract(
        documents_from_record(_record("records/ecephys_660104_2023-07-24_18-18-13.json")), VOCABULARY
    )
    assert out.date_of_birth == date(2022, 11, 30)
    assert out.genotype == "Sst-IRES-Cre/wt"
    assert out.experimenters == ["Anna Lakunina", "Josh Siegle"]
    assert out.session_type == "Optotagging"
    assert out.acquired_end == datetime(2023, 7, 24, 19, 4, 58, tzinfo=PDT)
    assert out.warnings == []


def test_the_oldest_records_say_when_they_guessed_a_time_zone() -> None:
    out = extract(
        documents_from_record(_record("records/SmartSPIM_597305_2022-09-27_00-07-58.json")), VOCABULARY
    )
    assert out.modalities == [ModalityTerm("SmartSPIM", "SmartSPIM", known=False)]
    assert any(w.startswith("data_description.creation_date: no time zone") for w in out.warnings)
    assert "instrument.schema_version: missing" in out.warnings


# --- reading rules -----------------------------------------------------------------------------


def test_nothing_read_from_nothing() -> None:
    assert _extract() == Extracted()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-04-25T02:35:00Z", datetime(2023, 4, 25, 2, 35, tzinfo=UTC)),
        ("2023-04-25T02:35:00-07:00", datetime(2023, 4, 25, 2, 35, tzinfo=PDT)),
        ("2023-04-25 02:35:00.123456+00:00", datetime(2023, 4, 25, 2, 35, 0, 123456, tzinfo=UTC)),
        ("2023-03-31T21:30:00.000Z", datetime(2023, 3, 31, 21, 30, tzinfo=UTC)),
    ],
)
def test_timestamps_with_a_zone_are_read_as_written(value: str, expected: datetime) -> None:
    out = _extract(session={"session_start_time": value})
    assert out.acquired_start == expected
    assert out.acquired_start is not None
    assert out.acquired_start.utcoffset() == expected.utcoffset()
    assert _warnings(out) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-04-25T02:35:00", datetime(2023, 4, 25, 2, 35, tzinfo=UTC)),
        ("2023-04-25", datetime(2023, 4, 25, tzinfo=UTC)),
    ],
)
def test_a_naive_timestamp_keeps_its_wall_clock_read_as_utc_with_a_warning(
    value: str, expected: datetime
) -> None:
    out = _extract(session={"session_start_time": value})
    assert out.acquired_start == expected
    assert out.acquired_start is not None
    assert out.acquired_start.utcoffset() == timedelta(0)
    assert len(_warnings(out)) == 1
    assert _warnings(out)[0].startswith("session.session_start_time: no time zone")


def test_a_naive_v2_acquisition_time_is_read_in_its_declared_zone() -> None:
    acquisition = {
        "schema_version": "2.5.0",
        "acquisition_start_time": "2025-06-13T12:00:00",
        "acquisition_start_tz": "America/Los_Angeles",
    }
    out = _extract(acquisition=acquisition)
    assert out.acquired_start == datetime(2025, 6, 13, 12, tzinfo=PDT)
    assert _warnings(out) == []


def test_acquisition_time_prefers_session_then_acquisition_then_creation_time() -> None:
    description = {"creation_time": "2023-01-01T00:00:00Z", "data_level": "raw"}
    assert _extract(data_description=description).acquired_start == datetime(2023, 1, 1, tzinfo=UTC)
    spim = {"session_start_time": "2023-02-02T00:00:00Z"}
    assert _extract(data_description=description, acquisition=spim).acquired_start == datetime(
        2023, 2, 2, tzinfo=UTC
    )
    session = {"session_start_time": "2023-03-03T00:00:00Z"}
    assert _extract(
        data_description=description, acquisition=spim, session=session
    ).acquired_start == datetime(2023, 3, 3, tzinfo=UTC)


def test_a_derived_assets_creation_time_is_not_its_acquisition_time() -> None:
    out = _extract(data_description={"creation_time": "2025-03-01T02:48:04Z", "data_level": "derived"})
    assert out.acquired_start is None
    assert _warnings(out)[0].startswith("data_description.creation_time: not used")


def test_an_acquisition_ending_before_it_starts_is_kept_and_warned_about() -> None:
    out = _extract(
        session={"session_start_time": "2023-01-01T10:00:00Z", "session_end_time": "2023-01-01T03:00Z"}
    )
    assert out.acquired_end == datetime(2023, 1, 1, 3, tzinfo=UTC)
    assert _warnings(out)[0].startswith("session.session_end_time: ")


@pytest.mark.parametrize(("raw", "level"), [("raw data", "raw"), ("Derived Data", "derived"), ("raw", "raw")])
def test_data_level_is_normalised(raw: str, level: str) -> None:
    assert _extract(data_description={"data_level": raw}).data_level == level


@pytest.mark.parametrize(
    ("raw", "sex"), [("male", "Male"), ("FEMALE", "Female"), ("F", "Female"), ("unknown", "Unknown")]
)
def test_sex_is_capitalised(raw: str, sex: str) -> None:
    assert _extract(subject={"schema_version": "1.0.3", "sex": raw}).sex == sex


def test_a_numeric_subject_id_is_text() -> None:
    assert _extract(subject={"subject_id": 655568}).subject_id == "655568"
    assert _extract(data_description={"subject_id": 655568.0}).subject_id == "655568"


def test_subject_ids_that_disagree_are_warned_about() -> None:
    out = _extract(subject={"subject_id": "1"}, data_description={"subject_id": "2"})
    assert out.subject_id == "1"
    assert _warnings(out) == ["data_description.subject_id: '2' differs from subject.subject_id"]


def test_the_subject_is_read_by_its_own_version_not_the_records() -> None:
    v1 = {"schema_version": "1.0.3", "species": {"name": "Mus musculus"}, "sex": "Male"}
    v2 = {
        "schema_version": "2.0.13",
        "subject_details": {"species": {"name": "Homo sapiens"}, "sex": "Female"},
    }
    assert (_extract(subject=v1).species, _extract(subject=v1).sex) == ("Mus musculus", "Male")
    assert (_extract(subject=v2).species, _extract(subject=v2).sex) == ("Homo sapiens", "Female")


@pytest.mark.parametrize(
    ("description", "abbreviations"),
    [
        ({"schema_version": "0.3.0", "modality": "SmartSPIM"}, ["SmartSPIM"]),
        ({"schema_version": "0.7.1", "modality": {"abbreviation": "SPIM", "name": "x"}}, ["SPIM"]),
        (
            {"schema_version": "1.0.0", "modality": ["ECEPHYS", "behavior", "ecephys"]},
            ["ecephys", "behavior"],
        ),
        (
            {"schema_version": "2.3.3", "modalities": [{"name": "Behavior", "abbreviation": "behavior"}]},
            ["behavior"],
        ),
        ({"schema_version": "2.3.3", "modality": ["fib"]}, ["fib"]),
    ],
)
def test_modalities_in_every_shape(description: dict, abbreviations: list[str]) -> None:
    assert [term.abbreviation for term in _extract(data_description=description).modalities] == abbreviations


def test_people_and_funders_are_names() -> None:
    description = {
        "investigators": [" Karel Svoboda", {"name": "Josh Siegle", "abbreviation": None}, "Josh Siegle"],
        "funding_source": [
            {"funder": {"name": "Allen Institute", "abbreviation": "AI"}},
            {"funder": {"name": "Simons Foundation", "abbreviation": None}},
            {"funder": "NINDS"},
            {"funder": {"name": "Allen Institute", "abbreviation": "AI"}, "grant_number": "2"},
        ],
        "institution": {"name": "Allen Institute for Neural Dynamics", "abbreviation": None},
    }
    acquisition = {"schema_version": "2.0.25", "experimenters": [{"name": "Sue Su"}, "Jason Lee"]}
    out = _extract(data_description=description, acquisition=acquisition)
    assert out.investigators == ["Karel Svoboda", "Josh Siegle"]
    assert out.funding == ["AI", "Simons Foundation", "NINDS"]
    assert out.institution == "Allen Institute for Neural Dynamics"
    assert out.experimenters == ["Sue Su", "Jason Lee"]


def test_a_single_funding_object_is_one_entry() -> None:
    description = {"funding_source": {"funder": "Allen Institute, Simons Foundation", "grant_number": None}}
    assert _extract(data_description=description).funding == ["Allen Institute, Simons Foundation"]


def test_instrument_id_prefers_the_instrument_document() -> None:
    out = _extract(instrument={"instrument_id": "A"}, rig={"rig_id": "B"}, session={"rig_id": "C"})
    assert out.instrument_id == "A"
    assert _extract(rig={"rig_id": ""}, session={"rig_id": "C"}).instrument_id == "C"
    assert _extract(rig={"schema_version": "1.0.3", "instrument_id": "SLAP2_1"}).instrument_id == "SLAP2_1"


def _metric(*statuses: str, tags: list[str] | None = None) -> dict:
    return {"status_history": [{"status": status} for status in statuses], "tags": tags or []}


@pytest.mark.parametrize(
    ("quality_control", "status"),
    [
        ({"schema_version": "2.0.7", "metrics": [_metric("Pass"), _metric("Pending", "Pass")]}, "PASS"),
        ({"schema_version": "2.0.7", "metrics": [_metric("Pass"), _metric("Pending")]}, "PENDING"),
        ({"schema_version": "2.0.7", "metrics": [_metric("Pending"), _metric("Pass", "Fail")]}, "FAIL"),
        (
            {
                "schema_version": "2.4.0",
                "allow_tag_failures": ["video"],
                "metrics": [_metric("Fail", tags=["video"])],
            },
            "PASS",
        ),
        ({"schema_version": "2.0.7", "metrics": [], "status": {"ecephys": "Pending"}}, "PENDING"),
        (
            {
                "schema_version": "1.2.2",
                "evaluations": [{"latest_status": "Pass"}, {"latest_status": "Fail"}],
            },
            "FAIL",
        ),
        (
            {"schema_version": "1.2.1", "evaluations": [{"metrics": [_metric("Pass"), _metric("Pending")]}]},
            "PENDING",
        ),
        (
            {
                "schema_version": "1.2.1",
                "evaluations": [{"allow_failed_metrics": True, "metrics": [_metric("Fail")]}],
            },
            "PASS",
        ),
        ({"schema_version": "1.0.0", "overall_status": [{"status": "Fail"}, {"status": "Pass"}]}, "PASS"),
        ({"schema_version": "1.0.0", "overall_status": {"status": "Pending"}}, "PENDING"),
        ({"schema_version": "1.0.0", "overall_status": "fail"}, "FAIL"),
        ({"schema_version": "1.2.2", "evaluations": []}, None),
    ],
)
def test_quality_control_reduces_to_one_status(quality_control: dict, status: str | None) -> None:
    assert _extract(quality_control=quality_control).qc_status == status


def test_processing_times_span_every_step_in_either_place() -> None:
    steps = [
        {"start_date_time": "2023-01-02T00:00:00Z", "end_date_time": "2023-01-02T05:00:00Z"},
        {"start_date_time": "2023-01-01T00:00:00Z", "end_date_time": "2023-01-01T05:00:00Z"},
    ]
    for processing in (
        {"schema_version": "1.1.3", "processing_pipeline": {"data_processes": steps}},
        {"schema_version": "0.1.0", "data_processes": steps},
        {"schema_version": "2.1.0", "data_processes": steps},
    ):
        out = _extract(processing=processing)
        assert (out.processed_start, out.processed_end) == (
            datetime(2023, 1, 1, tzinfo=UTC),
            datetime(2023, 1, 2, 5, tzinfo=UTC),
        )


def _derived(*locations: str, **description: Any) -> Extracted:
    steps = [{"input_location": location} for location in locations]
    return _extract(
        data_description={
            "name": "ecephys_1_2022-04-26_11-48-09_sorted_2022-05-01_00-00-00",
            "data_level": "derived",
        }
        | description,
        processing={"schema_version": "1.1.3", "processing_pipeline": {"data_processes": steps}},
    )


def test_an_input_location_names_the_asset_it_lies_in() -> None:
    out = _derived("s3://bucket/ecephys_655568_2022-04-26_11-48-09/ecephys_clipped/", "s3://bucket/other/")
    assert out.inputs == [
        InputRef(
            "ecephys_655568_2022-04-26_11-48-09",
            "s3://bucket/ecephys_655568_2022-04-26_11-48-09",
            "processing",
        )
    ]


def test_input_locations_without_a_name_are_kept_when_nothing_better_is_known() -> None:
    out = _derived("/data/VISp_0/VISp_0.h5", "/data/VISp_0/VISp_0.h5", "")
    assert out.inputs == [InputRef(None, "/data/VISp_0/VISp_0.h5", "processing")]


def test_the_declared_inputs_win_over_processing_locations() -> None:
    out = _derived(
        "/allen/scratch/655568_2022-04-26_11-48-09", source_data=["ecephys_655568_2022-04-26_11-48-09"]
    )
    assert out.inputs == [InputRef("ecephys_655568_2022-04-26_11-48-09", None, "data_description")]


def test_what_another_step_wrote_and_the_asset_itself_are_not_inputs() -> None:
    steps = [
        {
            "input_location": "/data/SmartSPIM_1_2023-02-05_13-42-31/Ex_445",
            "output_location": "/scratch/destriped",
        },
        {"input_location": "/scratch/destriped/Ex_445", "output_location": "/results"},
        {"input_location": "/results/ecephys_1_2022-04-26_11-48-09_sorted_2022-05-01_00-00-00"},
    ]
    out = _extract(
        data_description={"name": "ecephys_1_2022-04-26_11-48-09_sorted_2022-05-01_00-00-00"},
        processing={"schema_version": "0.1.0", "data_processes": steps},
    )
    assert out.inputs == [
        InputRef("SmartSPIM_1_2023-02-05_13-42-31", "/data/SmartSPIM_1_2023-02-05_13-42-31", "processing")
    ]


def test_a_raw_assets_upload_steps_have_no_inputs() -> None:
    processing = {
        "schema_version": "1.1.3",
        "processing_pipeline": {"data_processes": [{"input_location": r"D:\1_2023-03-10_16-32-00"}]},
    }
    assert _extract(data_description={"data_level": "raw"}, processing=processing).inputs == []


def test_v2_inputs_come_from_source_data_or_code_input_data() -> None:
    assert _extract(
        data_description={"schema_version": "2.4.2", "source_data": ["a_1_2020-01-01_00-00-00"]}
    ).inputs == [InputRef("a_1_2020-01-01_00-00-00", None, "data_description")]
    code = {
        "input_data": [
            {"name": "123456_2026-05-20_14-14-14", "url": None},
            {"name": None, "url": "s3://b/x/"},  # unnamed, and a named input is known: dropped
        ]
    }
    processing = {"schema_version": "2.3.3", "data_processes": [{"code": code}]}
    assert _extract(processing=processing).inputs == [
        InputRef("123456_2026-05-20_14-14-14", None, "processing")
    ]


# --- odd shapes: warnings, never errors --------------------------------------------------------


@pytest.mark.parametrize(
    ("documents", "warning"),
    [
        ({"subject": [1, 2]}, "subject: expected a JSON object, got a list"),
        (
            {"subject": {"schema_version": "1.0.3", "species": [1, 2]}},
            "subject.species: expected text, got a list",
        ),
        (
            {"data_description": {"schema_version": "1.0.0", "modality": [42, "ecephys"]}},
            "data_description.modality[0]: not a modality: a number",
        ),
        (
            {"session": {"session_start_time": "yesterday"}},
            "session.session_start_time: not an ISO 8601 timestamp: 'yesterday'",
        ),
        (
            {"quality_control": {"schema_version": "2.0.7", "metrics": "all good"}},
            "quality_control.metrics: expected a list, got text",
        ),
        (
            {"quality_control": {"schema_version": "1.2.2", "evaluations": [{"latest_status": "Great"}]}},
            "quality_control.evaluations[0].latest_status: not a QC status (Pass/Fail/Pending): 'Great'",
        ),
        (
            {"processing": {"schema_version": "1.1.3", "processing_pipeline": [1]}},
            "processing.processing_pipeline: expected an object, got a list",
        ),
        (
            {"subject": {"schema_version": "2.0.13", "subject_details": "Mouse"}},
            "subject.subject_details: expected an object, got text",
        ),
        (
            {"data_description": {"schema_version": 2}},
            "data_description.schema_version: expected text, got a number",
        ),
        (
            {"acquisition": {"acquisition_start_tz": "Mars/Olympus_Mons"}},
            "acquisition.acquisition_start_tz: not a time zone: 'Mars/Olympus_Mons'",
        ),
    ],
)
def test_odd_shapes_become_warnings(documents: dict, warning: str) -> None:
    out = extract(documents, VOCABULARY)
    assert warning in out.warnings
    _assert_well_formed(out)


def test_a_reader_that_fails_costs_its_fields_not_the_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """The last line of defence: a shape no rule foresaw becomes a warning, the rest is read."""

    def fail(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("catalog.conventions.metadata._read_subject", fail)
    out = _extract(subject={"subject_id": "1"}, data_description={"name": "n", "schema_version": "1.0.0"})
    assert out.name == "n"
    assert out.subject_id is None
    assert "subject: could not be read (RuntimeError: boom)" in out.warnings


def test_documents_that_are_not_an_object_are_a_warning() -> None:
    out = extract([1, 2], VOCABULARY)  # type: ignore[arg-type]
    assert out.warnings == ["documents: expected an object of documents, got a list"]


ODD_VALUES: list[Any] = [
    None,
    0,
    -3.5,
    True,
    "",
    "garbage",
    [],
    [None, 1, "x", [[]], {"name": 5}],
    {},
    {"name": {"abbreviation": [1]}, "status": 7, "abbreviation": None},
    [{"status_history": "Pass", "start_date_time": 5, "name": [], "input_location": {"url": 3}}],
]
FIELDS = {
    "data_description": [
        "name", "subject_id", "modality", "modalities", "project_name", "institution", "investigators",
        "funding_source", "data_level", "creation_time", "creation_date", "input_data_name", "source_data",
        "schema_version",
    ],
    "subject": ["subject_id", "species", "sex", "date_of_birth", "genotype", "subject_details", "schema_version"],
    "session": ["session_start_time", "session_end_time", "rig_id", "session_type", "experimenter_full_name"],
    "acquisition": [
        "acquisition_start_time", "acquisition_end_time", "acquisition_start_tz", "instrument_id",
        "acquisition_type", "experimenters", "experimenter_full_name", "session_start_time",
    ],
    "instrument": ["instrument_id"],
    "rig": ["rig_id", "instrument_id"],
    "processing": ["processing_pipeline", "data_processes", "schema_version"],
    "quality_control": ["overall_status", "evaluations", "metrics", "status", "allow_tag_failures", "schema_version"],
}  # fmt: skip
BASES = [
    "records/ecephys_655568_2023-05-03_15-21-12.json",
    "records/behavior_789911_2025-07-11_19-47-52_processed_2025-09-23_17-06-54.json",
    "records/other-sources/aind-metadata-viz/"
    "multiplane-ophys_804670_2025-09-17_10-26-00_processed_2025-09-18_18-01-45.json",
]


@pytest.mark.parametrize("base", BASES)
def test_every_read_field_survives_every_odd_value(base: str) -> None:
    """No rule needs the guard in ``extract``: each reader handles odd values itself."""
    text = (FIXTURES / base).read_bytes()
    for document, keys in FIELDS.items():
        for key in keys:
            for odd in ODD_VALUES:
                documents = documents_from_record(json.loads(text))
                documents.setdefault(document, {})[key] = odd
                _assert_well_formed(extract(documents, VOCABULARY))


NESTED: list[tuple[str, dict, str, dict]] = [
    # (document, document around the list, key of the list, a valid entry whose keys get odd values)
    (
        "quality_control",
        {"schema_version": "2.0.7", "allow_tag_failures": ["x"]},
        "metrics",
        {"status_history": [{"status": "Fail"}], "tags": ["x"]},
    ),
    (
        "quality_control",
        {"schema_version": "1.2.1"},
        "evaluations",
        {
            "metrics": [{"status_history": [{"status": "Fail"}]}],
            "allow_failed_metrics": True,
            "latest_status": None,
        },
    ),
    (
        "processing",
        {"schema_version": "2.1.0"},
        "data_processes",
        {
            "start_date_time": "2023-01-01T00:00:00Z",
            "end_date_time": "2023-01-01T01:00:00Z",
            "input_location": "/a/b",
            "input_locations": ["/a/c"],
            "output_location": "/a",
            "output_path": "/b",
            "code": {"input_data": [{"name": "n", "url": "s3://b/1_2020-01-01_00-00-00"}]},
        },
    ),
    ("data_description", {"data_level": "derived"}, "funding_source", {"funder": {"abbreviation": "AI"}}),
    ("data_description", {}, "investigators", {"name": "A"}),
    ("data_description", {}, "source_data", {"name": "n", "url": "u"}),
    ("acquisition", {"schema_version": "2.0.25"}, "experimenters", {"name": "A"}),
]


@pytest.mark.parametrize(
    ("document", "around", "key", "entry"), NESTED, ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_key_of_a_list_entry_survives_every_odd_value(
    document: str, around: dict, key: str, entry: dict
) -> None:
    for field in entry:
        for odd in ODD_VALUES:
            documents = {document: around | {key: [entry | {field: odd}, entry]}}
            _assert_well_formed(extract(documents, VOCABULARY))


def _mutate(value: Any, rng: random.Random) -> Any:
    """Replace parts of a JSON tree at random with other JSON shapes."""
    if rng.random() < 0.08:
        return rng.choice(ODD_VALUES)
    if isinstance(value, dict):
        return {key: _mutate(item, rng) for key, item in value.items()}
    if isinstance(value, list):
        return [_mutate(item, rng) for item in value[:20]]
    return value


def test_randomly_mangled_records_still_extract_well_formed(subtests: pytest.Subtests) -> None:
    """Ten mangled copies of every real record, seeded by its file name so a failure repeats."""
    for path in RECORDS:
        with subtests.test(path=_id(path)):
            record = read_document_file(path)
            rng = random.Random(path.name)
            for _ in range(10):
                _assert_well_formed(extract(documents_from_record(_mutate(record, rng)), VOCABULARY))


# --- files and records ---------------------------------------------------------------------


def test_malformed_json_names_the_file_and_the_place(tmp_path: Path) -> None:
    path = tmp_path / "subject.json"
    path.write_text('{\n  "subject_id": "1",\n  "sex": \n}')
    with pytest.raises(InvalidMetadata) as caught:
        read_document_file(path)
    assert caught.value.message.startswith(f"{path}: not valid JSON: ")
    assert "(line 4 column 1)" in caught.value.message


def test_a_json_file_that_is_not_an_object_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "processing.json"
    path.write_text("[1, 2]")
    with pytest.raises(InvalidMetadata, match=r"processing\.json: expected a JSON object, got a list"):
        read_document_file(path)


def test_a_file_that_is_not_text_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "rig.json"
    path.write_bytes(b'{"rig_id": "\xff"}')
    with pytest.raises(InvalidMetadata, match=r"rig\.json: not valid JSON"):
        read_document_file(path)


def test_a_record_gives_its_core_documents_without_nulls() -> None:
    record: dict[str, Any] = {
        "_id": "x",
        "name": "n",
        "subject": {"subject_id": "1"},
        "session": None,
        "rig": None,
        "quality_control": [],
        "model": {"name": "m"},
    }
    assert documents_from_record(record) == {"subject": {"subject_id": "1"}}
