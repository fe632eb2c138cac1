"""Python keywords become the API's inputs as its own classes declare them: every filter field in
snake_case, enums in any case, a lone value where a list is wanted, shorthands for orderings,
group keys and measures."""

from __future__ import annotations

import keyword
import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest
from graphql import GraphQLInputObjectType, GraphQLList, build_schema, get_named_type, get_nullable_type

from catalog.client.inputs import asset_filter, group_key, measure, order
from catalog.limits import MAX_LIST_ITEMS, MAX_NAMES

if TYPE_CHECKING:
    from pathlib import Path

SAMPLES = {
    "String": "x",
    "Int": 1,
    "Float": 1.5,
    "Boolean": True,
    "DateTime": "2023-01-01",
    "AssetKind": "primary",
    "AssetFilter": {},
    "MetadataPredicate": {"document": "subject", "path": "sex", "op": "exists", "value": True},
}
"""A value of each type an AssetFilter field has."""


def snake_case(name: str) -> str:
    """A GraphQL field's Python keyword: ``acquiredAfter`` → ``acquired_after``, ``and`` → ``and_``."""
    spelled = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return f"{spelled}_" if keyword.iskeyword(spelled) else spelled


def test_every_filter_of_the_contract_is_a_keyword_in_python_spelling(repo_root: Path) -> None:
    contract = build_schema((repo_root / "schema.graphql").read_text()).type_map["AssetFilter"]
    assert isinstance(contract, GraphQLInputObjectType)

    for name, field in contract.fields.items():
        named, listed = get_named_type(field.type), isinstance(get_nullable_type(field.type), GraphQLList)
        sample = SAMPLES[named.name]
        spec = asset_filter({snake_case(name): [sample] if listed else sample}, "t")
        assert spec is not None
        assert list(spec) == [name], name
    assert snake_case("subjectAgeAtAcquisitionMin") == "subject_age_at_acquisition_min"


def test_values_take_the_types_the_api_reads() -> None:
    spec = asset_filter(
        {
            "modality": "ecephys",
            "kind": "derived",
            "acquired_after": date(2023, 1, 1),
            "acquired_before": datetime(2024, 1, 1, tzinfo=UTC),
            "subject_id": 660104,
            "file_count_min": 2,
            "total_size_max": 10,
            "or_": [{"project": "A"}, {"projects": ("B", "C")}],
            "metadata": [
                {"document": "subject", "path": "sex", "op": "eq", "value": "Male", "other_path": None}
            ],
        }
    )

    assert spec == {
        "modality": ["ecephys"],
        "kind": "DERIVED",
        "acquiredAfter": "2023-01-01",
        "acquiredBefore": "2024-01-01T00:00:00+00:00",
        "subjectId": "660104",
        "fileCountMin": 2,
        "totalSizeMax": 10.0,
        "or": [{"project": "A"}, {"projects": ["B", "C"]}],
        "metadata": [{"document": "subject", "path": "sex", "op": "EQ", "value": "Male"}],
    }


def test_a_field_is_also_known_by_its_graphql_name() -> None:
    """So that a filter written for the API (``/manifest?filter=``) reads the same in Python."""
    spec = asset_filter(
        {"subjectId": "660104", "or": [{"acquiredAfter": "2023-01-01"}, {"qc_status": "Pass"}]}
    )

    assert spec == {"subjectId": "660104", "or": [{"acquiredAfter": "2023-01-01"}, {"qcStatus": "Pass"}]}


def test_no_keyword_is_no_filter() -> None:
    assert asset_filter({}) is None


def test_nested_filters_are_checked_as_the_top_level_one() -> None:
    with pytest.raises(
        TypeError, match=r"filter\.or_: unknown keyword 'projekt' \(did you mean 'project'\?\)"
    ):
        asset_filter({"or_": [{"projekt": "A"}]})
    with pytest.raises(TypeError, match=r"filter\.metadata: unknown keyword 'pathh'"):
        asset_filter({"metadata": [{"document": "subject", "pathh": "sex"}]})
    with pytest.raises(TypeError, match="expected True or False"):
        asset_filter({"case_insensitive": "yes"})


def test_names_beyond_one_json_list_are_sent_as_an_or_of_lists() -> None:
    names = [f"n{i}" for i in range(2 * MAX_LIST_ITEMS + 1)]

    spec = asset_filter({"names": names, "project": "A", "and_": [{"kind": "primary"}]})

    assert spec == {
        "project": "A",
        "and": [
            {"kind": "PRIMARY"},
            {
                "or": [
                    {"names": names[:MAX_LIST_ITEMS]},
                    {"names": names[MAX_LIST_ITEMS:-1]},
                    {"names": names[-1:]},
                ]
            },
        ],
    }
    with pytest.raises(ValueError, match=f"at most {MAX_NAMES} names"):
        asset_filter({"names": [f"n{i}" for i in range(MAX_NAMES + 1)]})


def test_shorthands_of_orderings_group_keys_and_measures() -> None:
    assert order(["-acquired_at", "name"]) == [
        {"field": "ACQUIRED_AT", "direction": "DESC"},
        {"field": "NAME", "direction": "ASC"},
    ]
    assert group_key("month") == {"field": "MONTH"}
    assert group_key({"path": {"document": "subject", "path": "genotype"}, "as_": "g"}) == {
        "path": {"document": "subject", "path": "genotype"},
        "as": "g",
    }
    assert measure("count") == {"op": "COUNT", "field": "ASSET"}
    assert measure("avg:acquisition_duration") == {"op": "AVG", "field": "ACQUISITION_DURATION"}
    assert measure({"op": "count", "unit": "subjects"}) == {"op": "COUNT", "unit": "SUBJECTS"}
    with pytest.raises(ValueError, match="'median' is not one of count, count_distinct"):
        measure("median:acquisition_duration")
