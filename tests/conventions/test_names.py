"""Specification of asset names: what parses, into which parts, and how a bad name is refused.

The shared fixtures hold every real AIND name we harvested (all must parse) and hand-written
malformed names (all must be refused); the tables below pin the parsed fields and messages.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from catalog.conventions.names import (
    MAX_NAME_LENGTH,
    AssetKind,
    AssetName,
    is_valid_name,
    parse_name,
)
from catalog.errors import InvalidName

NAMES_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "names"


def _lines(file_name: str) -> list[str]:
    """Lines kept verbatim: leading/trailing spaces in a name are part of what is tested."""
    return (NAMES_DIR / file_name).read_text(encoding="utf-8").split("\n")[:-1]


REAL_NAMES = _lines("asset_names.txt")
SYNTHETIC_NAMES = _lines("synthetic_names.txt")
INVALID_NAMES = [tuple(line.split("\t")) for line in _lines("invalid.txt")]
OUT_OF_ORDER = "derived name whose process datetime is before the acquisition datetime"
"""The one line of invalid.txt the catalog accepts (with a warning): the public contract
registers copies named ``<primary>_sorted_2024-01-01_00-00-00`` whatever the primary's date."""
MALFORMED_NAMES = [(name, why) for name, why in INVALID_NAMES if why != OUT_OF_ORDER]


def test_the_name_fixtures_are_complete() -> None:
    """A truncated fixture file would otherwise let the specs over every name pass on less."""
    assert (len(REAL_NAMES), len(SYNTHETIC_NAMES), len(INVALID_NAMES)) == (1672, 139, 53)
    assert INVALID_NAMES[0] == ("", "empty name")
    assert len(MALFORMED_NAMES) == 52


def test_a_process_time_before_the_acquisition_parses_but_says_so() -> None:
    name = next(name for name, why in INVALID_NAMES if why == OUT_OF_ORDER)
    parsed = parse_name(name)
    assert parsed.kind is AssetKind.DERIVED
    assert parsed.out_of_order is not None
    assert "earlier than the acquisition time" in parsed.out_of_order


def test_a_second_process_before_the_first_is_reported_too() -> None:
    parsed = parse_name(
        "ecephys_123456_2023-04-05_13-14-15_sorted_2023-04-10_08-00-00_nwb_2023-04-09_08-00-00"
    )
    assert parsed.out_of_order is not None
    assert "earlier than the previous process time" in parsed.out_of_order


def test_every_real_asset_name_parses(subtests: pytest.Subtests) -> None:
    for name in REAL_NAMES:
        with subtests.test(name=name):
            parsed = parse_name(name)
            assert parsed.name == name
            assert parsed.label is not None
            assert is_valid_name(name)


def test_every_synthetic_placeholder_name_parses(subtests: pytest.Subtests) -> None:
    for name in SYNTHETIC_NAMES:
        with subtests.test(name=name):
            assert parse_name(name).name == name


def test_every_malformed_name_is_refused_with_a_one_line_message(subtests: pytest.Subtests) -> None:
    for name, why in MALFORMED_NAMES:
        with subtests.test(why, name=name):
            with pytest.raises(InvalidName) as refused:
                parse_name(name)
            message = str(refused.value)
            assert message.startswith("invalid asset name '")
            assert "\n" not in message
            assert not is_valid_name(name)


def test_every_real_name_is_its_parts_joined_again(subtests: pytest.Subtests) -> None:
    """Nothing is lost or invented: primary and derived names are rebuilt from the fields."""
    for name in REAL_NAMES:
        with subtests.test(name=name):
            parsed = parse_name(name)
            primary = f"{parsed.label}_{parsed.subject_id}_{parsed.acquired:%Y-%m-%d_%H-%M-%S}"
            assert parsed.primary_name == primary
            if parsed.kind is AssetKind.PRIMARY:
                assert name == primary
                assert (parsed.process_label, parsed.processed, parsed.parent_name) == (None, None, None)
            else:
                assert parsed.processed is not None
                assert parsed.processed >= parsed.acquired
                processed = f"{parsed.processed:%Y-%m-%d_%H-%M-%S}"
                assert name == f"{parsed.parent_name}_{parsed.process_label}_{processed}"
                assert parsed.parent_name is not None
                assert parsed.parent_name.startswith(primary)


VALID = [
    pytest.param(
        AssetName(
            name="ecephys_655568_2022-04-26_11-48-09",
            kind=AssetKind.PRIMARY,
            label="ecephys",
            subject_id="655568",
            acquired=datetime(2022, 4, 26, 11, 48, 9),
            process_label=None,
            processed=None,
            primary_name="ecephys_655568_2022-04-26_11-48-09",
            parent_name=None,
        ),
        id="primary with a platform label",
    ),
    pytest.param(
        AssetName(
            name="655568_2022-04-26_11-48-09",
            kind=AssetKind.PRIMARY,
            label=None,
            subject_id="655568",
            acquired=datetime(2022, 4, 26, 11, 48, 9),
            process_label=None,
            processed=None,
            primary_name="655568_2022-04-26_11-48-09",
            parent_name=None,
        ),
        id="primary without a label",
    ),
    pytest.param(
        AssetName(
            name="ANM457202_2022-07-11_22-11-32",
            kind=AssetKind.PRIMARY,
            label=None,
            subject_id="ANM457202",
            acquired=datetime(2022, 7, 11, 22, 11, 32),
            process_label=None,
            processed=None,
            primary_name="ANM457202_2022-07-11_22-11-32",
            parent_name=None,
        ),
        id="non-numeric subject id without a label",
    ),
    pytest.param(
        AssetName(
            name="etc_2022-04-26_11-48-09",
            kind=AssetKind.PRIMARY,
            label=None,
            subject_id="etc",
            acquired=datetime(2022, 4, 26, 11, 48, 9),
            process_label=None,
            processed=None,
            primary_name="etc_2022-04-26_11-48-09",
            parent_name=None,
        ),
        id="a word that is no platform or modality is a subject id",
    ),
    pytest.param(
        AssetName(
            name="ecephys_655568_2022-04-26_11-48-09_sorted_2022-08-11_22-11-32",
            kind=AssetKind.DERIVED,
            label="ecephys",
            subject_id="655568",
            acquired=datetime(2022, 4, 26, 11, 48, 9),
            process_label="sorted",
            processed=datetime(2022, 8, 11, 22, 11, 32),
            primary_name="ecephys_655568_2022-04-26_11-48-09",
            parent_name="ecephys_655568_2022-04-26_11-48-09",
        ),
        id="derived with one process suffix",
    ),
    pytest.param(
        AssetName(
            name="HCR_788639-25_2025-06-06_13-00-00_processed_2025-06-17_07-08-14",
            kind=AssetKind.DERIVED,
            label="HCR",
            subject_id="788639-25",
            acquired=datetime(2025, 6, 6, 13, 0, 0),
            process_label="processed",
            processed=datetime(2025, 6, 17, 7, 8, 14),
            primary_name="HCR_788639-25_2025-06-06_13-00-00",
            parent_name="HCR_788639-25_2025-06-06_13-00-00",
        ),
        id="subject id with a hyphen",
    ),
    pytest.param(
        AssetName(
            name=(
                "exaSPIM_674185_2023-10-02_14-06-36_flatfield-correction_2023-11-17_00-33-17"
                "_fusion_2023-11-23_12-56-00"
            ),
            kind=AssetKind.DERIVED,
            label="exaSPIM",
            subject_id="674185",
            acquired=datetime(2023, 10, 2, 14, 6, 36),
            process_label="fusion",
            processed=datetime(2023, 11, 23, 12, 56, 0),
            primary_name="exaSPIM_674185_2023-10-02_14-06-36",
            parent_name="exaSPIM_674185_2023-10-02_14-06-36_flatfield-correction_2023-11-17_00-33-17",
        ),
        id="derived with two process suffixes",
    ),
    pytest.param(
        AssetName(
            name="behavior_ZS059_2021-03-24_14-22-04_dlc_face_2021-04-01_08-00-00",
            kind=AssetKind.DERIVED,
            label="behavior",
            subject_id="ZS059",
            acquired=datetime(2021, 3, 24, 14, 22, 4),
            process_label="dlc_face",
            processed=datetime(2021, 4, 1, 8, 0, 0),
            primary_name="behavior_ZS059_2021-03-24_14-22-04",
            parent_name="behavior_ZS059_2021-03-24_14-22-04",
        ),
        id="multi-token process label",
    ),
    pytest.param(
        AssetName(
            name="ecephys_655568_2024-02-29_23-59-59_nwb_2024-02-29_23-59-59",
            kind=AssetKind.DERIVED,
            label="ecephys",
            subject_id="655568",
            acquired=datetime(2024, 2, 29, 23, 59, 59),
            process_label="nwb",
            processed=datetime(2024, 2, 29, 23, 59, 59),
            primary_name="ecephys_655568_2024-02-29_23-59-59",
            parent_name="ecephys_655568_2024-02-29_23-59-59",
        ),
        id="leap day and a process time equal to the acquisition time",
    ),
    pytest.param(
        AssetName(
            name="lab-rig_m1_0001-01-01_00-00-00",
            kind=AssetKind.PRIMARY,
            label="lab-rig",
            subject_id="m1",
            acquired=datetime(1, 1, 1, 0, 0, 0),
            process_label=None,
            processed=None,
            primary_name="lab-rig_m1_0001-01-01_00-00-00",
            parent_name=None,
        ),
        id="a lab's own label and the first representable year",
    ),
    pytest.param(
        AssetName(
            name="ecephys_800779_2025-09-26_12-57-44_sorted-ads2.0_2025-10-22_15-35-53",
            kind=AssetKind.DERIVED,
            label="ecephys",
            subject_id="800779",
            acquired=datetime(2025, 9, 26, 12, 57, 44),
            process_label="sorted-ads2.0",
            processed=datetime(2025, 10, 22, 15, 35, 53),
            primary_name="ecephys_800779_2025-09-26_12-57-44",
            parent_name="ecephys_800779_2025-09-26_12-57-44",
        ),
        id="a dot inside a token (a real process label with a version)",
    ),
]


@pytest.mark.parametrize("expected", VALID)
def test_a_valid_name_parses_into_its_parts(expected: AssetName) -> None:
    assert parse_name(expected.name) == expected


INVALID = [
    pytest.param("", "the name is empty", id="empty"),
    pytest.param("x" * (MAX_NAME_LENGTH + 1), "maximum of 255 characters", id="too long"),
    pytest.param("ecephys_123456_2023-13-05_13-14-15", "month 13 is not 01..12", id="month 13"),
    pytest.param("ecephys_123456_2023-02-29_13-14-15", "day 29 does not exist in 2023-02", id="Feb 29"),
    pytest.param("ecephys_123456_0000-04-05_13-14-15", "year 0000 does not exist", id="year 0"),
    pytest.param("ecephys_123456_2023-4-5_13-14-15", "got '2023-4-5'", id="unpadded date"),
    pytest.param("ecephys_123456_2023-04-05_24-00-00", "hour 24 is not 00..23", id="hour 24"),
    pytest.param("ecephys_123456_2023-04-05_13-14-60", "second 60 is not 00..59", id="second 60"),
    pytest.param("ecephys_123456_2023-04-05", "no time HH-MM-SS after the date", id="no time"),
    pytest.param("ecephys_123456_20230405_131415", "got '131415'", id="compact legacy date"),
    pytest.param("ecephys_2023-04-05_13-14-15", "missing subject id: 'ecephys'", id="label only"),
    pytest.param("SmartSPIM_2023-04-05_13-14-15", "missing subject id: 'SmartSPIM'", id="platform only"),
    pytest.param("spim_2023-04-05_13-14-15", "missing subject id: 'spim'", id="modality, any case"),
    pytest.param("2023-04-05_13-14-15", "missing subject id before", id="date only"),
    pytest.param(
        "ecephys_123_456_2023-04-05_13-14-15", "3 tokens before the acquisition date", id="3 tokens"
    ),
    pytest.param(
        "ecephys_123456_2023-04-05_13-14-15_2023-04-10_08-00-00",
        "no process label before '2023-04-10_08-00-00'",
        id="two date-time pairs in a row",
    ),
    pytest.param(
        "ecephys_123456_2023-04-05_13-14-15_sorted",
        "expected a time HH-MM-SS at the end",
        id="process without time",
    ),
    pytest.param("_123456_2023-04-05_13-14-15", "starts with '_'", id="leading underscore"),
    pytest.param("ecephys_123456_2023-04-05_13-14-15_", "ends with '_'", id="trailing underscore"),
    pytest.param("ecephys__2023-04-05_13-14-15", "contains '__'", id="double underscore"),
    pytest.param("../ecephys_123456_2023-04-05_13-14-15", "'..' (path traversal)", id="traversal"),
    pytest.param("ecephys/123456_2023-04-05_13-14-15", "path separator '/'", id="slash"),
    pytest.param("ecephys\\123456_2023-04-05_13-14-15", "path separator '\\\\'", id="backslash"),
    pytest.param("s3://bucket/ecephys_123456_2023-04-05_13-14-15", "looks like a URI", id="URI"),
    pytest.param("ecephys%5F123456_2023-04-05_13-14-15", "percent-encoded character '%5F'", id="encoded"),
    pytest.param("ecephys_12 3456_2023-04-05_13-14-15", "contains whitespace (' ')", id="space"),
    pytest.param("ecephys_123456_2023-04-05_13-14-15\n", "contains whitespace ('\\n')", id="newline"),
    pytest.param(
        "ecephys_123456_２０２３-04-05_13-14-15", "non-ASCII character '２' (U+FF12)", id="full-width"
    ),
    pytest.param("ecephys_123456_2023-04-05_13-14-15;x", "contains ';'", id="semicolon"),
    pytest.param("ecephys_12..34_2023-04-05_13-14-15", "'..' (path traversal)", id="two dots in a token"),
    pytest.param(".ecephys_123456_2023-04-05_13-14-15", "starts with '.'", id="hidden folder"),
    pytest.param("ecephys_123456_2023-04-05_13-14-15.json", "HH-MM-SS", id="file extension"),
]


@pytest.mark.parametrize(("name", "fragment"), INVALID)
def test_an_invalid_name_is_refused_saying_what_is_wrong(name: str, fragment: str) -> None:
    with pytest.raises(InvalidName) as refused:
        parse_name(name)
    assert fragment in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_refusal_quotes_the_name() -> None:
    name = "ecephys_123456_2023-13-05_13-14-15"
    with pytest.raises(InvalidName, match=f"^invalid asset name '{name}': "):
        parse_name(name)


def test_a_name_of_the_maximum_length_is_accepted() -> None:
    suffix = "_2023-04-05_13-14-15"
    name = "ecephys_" + "1" * (MAX_NAME_LENGTH - len("ecephys_") - len(suffix)) + suffix
    assert len(name) == MAX_NAME_LENGTH
    assert is_valid_name(name)
