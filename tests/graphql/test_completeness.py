"""Completeness over GraphQL: what each asset's metadata lacks, as fields, a filter, an ordering,
a facet and a measure, over every real top-level record (imported metadata-only), on SQLite and
PostgreSQL. Expected answers come from a plain reading of the raw JSON (``tests/lacking.py``)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from statistics import mean
from typing import TYPE_CHECKING, Any

import pytest
from lacking import expected_missing, expected_score, is_derived
from test_questions import questions, raw

if TYPE_CHECKING:
    from conftest import Catalog
    from test_questions import Raw

__all__ = ["questions", "raw"]  # module fixtures shared with test_questions
FIRST = 200


@pytest.fixture(scope="module")
def lacking(raw: Raw) -> dict[str, list[str]]:
    """Each asset's expected missing items."""
    return {name: expected_missing(record, derived=is_derived(name, record)) for name, record in raw.items()}


@pytest.fixture(scope="module")
def scores(raw: Raw) -> dict[str, float]:
    return {name: expected_score(record, derived=is_derived(name, record)) for name, record in raw.items()}


@pytest.fixture(scope="module")
def catalog(questions: Catalog) -> Catalog:
    """Every top-level record registered metadata-only, served over HTTP (test_questions' catalog)."""
    return questions


def names(catalog: Catalog, filter_: str) -> set[str]:
    edges = catalog.data(f"{{ assets(filter: {filter_}, first: {FIRST}) {{ edges {{ node {{ name }} }} }} }}")
    found = edges["assets"]["edges"]
    assert len(found) < FIRST
    return {edge["node"]["name"] for edge in found}


def test_every_asset_lists_what_its_metadata_lacks_and_the_share_it_has(
    catalog: Catalog, lacking: dict[str, list[str]], scores: dict[str, float]
) -> None:
    data = catalog.data(
        f"{{ assets(first: {FIRST}) {{ edges {{ node {{ name missing completeness }} }} }} }}"
    )
    found = {e["node"]["name"]: e["node"] for e in data["assets"]["edges"]}
    assert {name: sorted(node["missing"]) for name, node in found.items()} == {
        name: sorted(items) for name, items in lacking.items()
    }
    assert {name: node["completeness"] for name, node in found.items()} == pytest.approx(scores)


def test_which_assets_have_no_procedures_document(catalog: Catalog, lacking: dict[str, list[str]]) -> None:
    want = {name for name, items in lacking.items() if "procedures" in items}
    assert want
    assert names(catalog, '{missing: ["procedures"]}') == want


def test_records_missing_the_instrument_or_its_id_by_any_of_several_items(
    catalog: Catalog, lacking: dict[str, list[str]]
) -> None:
    wanted = {"instrument", "acquisition.instrument_id", "instrument.instrument_id"}
    want = {name for name, items in lacking.items() if wanted & set(items)}
    assert len(want) > len({name for name, items in lacking.items() if "instrument" in items})
    assert names(catalog, json.dumps(sorted(wanted)).join(["{missing: ", "}"])) == want


def test_an_empty_missing_list_matches_nothing(catalog: Catalog) -> None:
    assert names(catalog, "{missing: []}") == set()


def test_complete_assets_and_incomplete_ones_split_the_catalog(
    catalog: Catalog, lacking: dict[str, list[str]]
) -> None:
    complete = {name for name, items in lacking.items() if not items}
    assert complete
    assert complete != set(lacking)
    assert names(catalog, "{complete: true}") == complete
    assert names(catalog, "{complete: false}") == set(lacking) - complete
    assert names(catalog, "{not: {complete: true}}") == set(lacking) - complete


def test_completeness_min_and_max_are_inclusive_above_and_below_exclusive(
    catalog: Catalog, scores: dict[str, float]
) -> None:
    low, high = sorted(set(scores.values()))[1], 1.0
    inclusive = {name for name, score in scores.items() if low <= score <= high}
    exclusive = {name for name, score in scores.items() if low < score < high}
    assert exclusive < inclusive
    assert names(catalog, f"{{completenessMin: {low!r}, completenessMax: {high}}}") == inclusive
    assert names(catalog, f"{{completenessAbove: {low!r}, completenessBelow: {high}}}") == exclusive


def test_assets_order_by_completeness_a_page_at_a_time(catalog: Catalog, scores: dict[str, float]) -> None:
    """Least complete first, seven at a time through keyset cursors: every asset once, in score order."""
    query = (
        "query($after: String) { assets(first: 7, after: $after, orderBy: [{field: COMPLETENESS}]) "
        "{ edges { node { name completeness } } pageInfo { hasNextPage endCursor } } }"
    )
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        page = catalog.data(query, after=after)["assets"]
        seen += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(node["name"] for node in seen) == sorted(scores)
    assert [node["completeness"] for node in seen] == pytest.approx(sorted(scores.values()))


def test_the_missing_facet_counts_assets_lacking_each_item_and_complete_ones_under_null(
    catalog: Catalog, lacking: dict[str, list[str]]
) -> None:
    data = catalog.data("{ facets(fields: [MISSING], limit: 500) { values { value count } } }")
    found = {v["value"]: v["count"] for v in data["facets"][0]["values"]}
    want: dict[Any, int] = Counter(item for items in lacking.values() for item in set(items))
    want[None] = sum(not items for items in lacking.values())
    assert found == want


def test_rank_projects_by_how_complete_their_metadata_is(
    catalog: Catalog, raw: Raw, scores: dict[str, float]
) -> None:
    by_project: dict[Any, list[float]] = defaultdict(list)
    for name, record in raw.items():
        project = (record.get("data_description") or {}).get("project_name")
        by_project[project.strip() if isinstance(project, str) and project.strip() else None].append(
            scores[name]
        )
    data = catalog.data(
        "{ aggregate(groupBy: [{field: PROJECT}], measures: [{op: AVG, field: COMPLETENESS}, "
        "{op: MIN, field: COMPLETENESS}, {op: COUNT, field: ASSET}], "
        "orderBy: [{measure: 0, descending: true}], first: 500) { rows { keys values } } }"
    )
    rows = data["aggregate"]["rows"]
    assert {row["keys"][0]: row["values"] for row in rows} == {
        project: pytest.approx([mean(values), min(values), len(values)])
        for project, values in by_project.items()
    }
    averages = [row["values"][0] for row in rows]
    assert averages == sorted(averages, reverse=True)


def test_how_many_primary_and_derived_assets_lack_something_of_their_data_description(
    catalog: Catalog, raw: Raw, lacking: dict[str, list[str]]
) -> None:
    want: Counter[str] = Counter(
        "DERIVED" if is_derived(name, raw[name]) else "PRIMARY"
        for name, items in lacking.items()
        if any(item.startswith("data_description") for item in items)
    )
    items = sorted(
        {item for found in lacking.values() for item in found if item.startswith("data_description")}
    )
    data = catalog.data(
        f"{{ aggregate(filter: {{missing: {json.dumps(items)}}}, groupBy: [{{field: KIND}}], "
        "measures: [{op: COUNT, field: ASSET}]) { rows { keys values } } }"
    )
    assert {row["keys"][0]: row["values"][0] for row in data["aggregate"]["rows"]} == want
