"""The Python client reads a catalog of every real record over HTTP: queries become typed tables,
paged with cursors and counted without reading rows; names resolve in bulk; facets, aggregates,
one asset and lineage come back as plain data, tables and graphs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import networkx as nx
import pandas as pd
import pytest
from factories import record_names

from catalog.client import AsyncCatalog, Catalog, NotFound

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Served

ECEPHYS_SINCE_2023 = {"modality": ["ecephys"], "species": "Mus musculus", "acquiredAfter": "2023-01-01"}
"""The filter of the notebook example, as the API spells it."""
RAW_NAMES = "query($f: AssetFilter) { assets(filter: $f, first: 500) { edges { node { name acquiredAt } } } }"
DERIVED = "ecephys_670248_2023-08-01_11-27-17_dlc_face_2024-04-06_17-25-45"
"""A real derived asset whose input, the primary its name encodes, was never registered."""
PRIMARY = "ecephys_670248_2023-08-01_11-27-17"


def raw_assets(served: Served, spec: dict[str, Any]) -> dict[str, str]:
    """Name → acquiredAt of the assets a filter selects, asked over plain HTTP."""
    body = httpx.post(f"{served.url}/graphql", json={"query": RAW_NAMES, "variables": {"f": spec}}).json()
    return {edge["node"]["name"]: edge["node"]["acquiredAt"] for edge in body["data"]["assets"]["edges"]}


def test_a_query_becomes_a_table_of_the_matching_assets_with_typed_columns(
    cat: Catalog, registered: Served
) -> None:
    df = cat.assets(modality="ecephys", species="Mus musculus", acquired_after="2023-01-01").to_dataframe()
    expected = raw_assets(registered, ECEPHYS_SINCE_2023)

    assert sorted(df.name) == sorted(expected) != []
    assert df.name.dtype == "str"
    assert str(df.acquired_at.dtype) == "datetime64[us, UTC]"
    for column in ("modalities", "project", "species", "kind", "qc_status"):
        assert isinstance(df[column].dtype, pd.CategoricalDtype), column
    for column in ("file_count", "total_size", "subject_age_at_acquisition"):
        assert df[column].dtype == "Int64", column
    assert df.acquisition_duration.dtype == "float64"
    first = df.iloc[0]
    assert first.acquired_at == pd.Timestamp(expected[first["name"]])
    assert "ecephys" in first.modalities.split(", ")


def test_no_match_is_an_empty_table_with_the_same_columns_and_types(cat: Catalog) -> None:
    some = cat.assets(modality="ecephys").to_dataframe()
    none = cat.assets(name="ecephys_1_2001-01-01_00-00-00").to_dataframe()

    assert len(none) == 0
    assert dict(none.dtypes.astype(str)) == dict(some.dtypes.astype(str))


def test_len_counts_the_matches_in_one_request_without_reading_them(cat: Catalog, registered: Served) -> None:
    result = cat.assets(modality="ecephys", species="Mus musculus", acquired_after="2023-01-01")

    assert len(result) == len(raw_assets(registered, ECEPHYS_SINCE_2023))
    registered.requests.clear()
    assert len(result) == len(result)
    assert registered.requests == []


async def test_a_server_without_estimated_counts_is_asked_for_its_count_plainly(registered: Served) -> None:
    """Such a server has no exact argument, and always counts."""
    expected = len(raw_assets(registered, ECEPHYS_SINCE_2023))
    async with AsyncCatalog(registered.url) as acat:
        acat._fields["AssetConnection"] = frozenset({"edges", "pageInfo", "totalCount"})  # an older schema
        registered.requests.clear()
        count = await acat.assets(
            modality="ecephys", species="Mus musculus", acquired_after="2023-01-01"
        ).count()

    assert count == expected
    assert len(registered.graphql_requests()) == 1


def test_iterating_reads_every_asset_a_page_at_a_time(
    cat: Catalog, registered: Served, fixtures_dir: Path
) -> None:
    everything = record_names(fixtures_dir)

    read = [(asset["name"], asset["registered_at"]) for asset in cat.assets(page_size=10)]

    assert [name for name, _ in read] == sorted(everything)
    assert len(registered.graphql_requests()) == -(-len(everything) // 10)
    assert all(isinstance(when, datetime) and when.tzinfo is not None for _, when in read)


def test_an_ordering_and_a_time_zone_reach_the_query(cat: Catalog) -> None:
    newest = [a["acquired_at"] for a in cat.assets(order_by="-acquired_at", modality="ecephys", page_size=4)]
    in_los_angeles = cat.assets(
        acquired_after="2023-07-24", acquired_before="2023-07-25", time_zone="America/Los_Angeles"
    )

    known = [when for when in newest if when is not None]
    assert known == sorted(known, reverse=True)
    assert "ecephys_660104_2023-07-24_18-18-13" in {
        a["name"] for a in in_los_angeles
    }  # 01:18 UTC on the 25th


def test_a_thousand_names_are_resolved_in_one_request(
    cat: Catalog, registered: Served, fixtures_dir: Path
) -> None:
    known = record_names(fixtures_dir)
    others = (fixtures_dir / "names" / "asset_names.txt").read_text().split()
    names = [*known, *[name for name in others if name not in known]][:1000]

    df = cat.assets(names=names).to_dataframe()

    assert len(names) == 1000
    assert sorted(df.name) == sorted(known)
    assert len(registered.graphql_requests()) == 1


def test_more_names_than_a_json_list_holds_still_go_in_one_request(
    cat: Catalog, registered: Served, fixtures_dir: Path
) -> None:
    known = record_names(fixtures_dir)
    unknown = [f"ecephys_{n}_2001-01-01_00-00-00" for n in range(2500)]

    found = [asset["name"] for asset in cat.assets(names=[*unknown, known[0]])]

    assert found == [known[0]]
    assert len(registered.graphql_requests()) == 1


def test_one_asset_comes_with_its_metadata_and_lineage(cat: Catalog) -> None:
    asset = cat.asset(DERIVED)

    assert (asset["name"], asset["kind"], asset["process_label"]) == (DERIVED, "DERIVED", "dlc_face")
    assert asset["metadata"]["data_description"]["name"]
    assert asset["derived_from"] == []  # its input was never registered
    with pytest.raises(NotFound) as missing:
        cat.asset(PRIMARY)
    assert missing.value.code == "NOT_FOUND"


def test_facets_count_the_matching_assets_per_value(cat: Catalog) -> None:
    facets = cat.facets(["modality", "species"], project="Cell Type LUT")
    df = facets.to_dataframe()

    modality = dict(facets["modality"].values)
    assert modality["ecephys"] == len(cat.assets(modality="ecephys", project="Cell Type LUT")) > 0
    assert set(df.field) == {"MODALITY", "SPECIES"}
    assert df["count"].dtype == "Int64"
    assert df["count"].sum() == sum(count for facet in facets for _, count in facet.values)


def test_an_aggregate_is_a_table_a_row_per_group(cat: Catalog) -> None:
    table = cat.aggregate(
        group_by=["project", "month"], measures=["count", "avg:acquisition_duration"]
    ).to_dataframe()
    assets = cat.assets().to_dataframe()

    assert list(table.columns) == ["project", "month", "count", "avg_acquisition_duration"]
    assert isinstance(table.project.dtype, pd.CategoricalDtype)
    assert (table["count"].dtype, table.avg_acquisition_duration.dtype) == ("Int64", "float64")
    assert table["count"].sum() == len(assets)  # each asset in one project and one month
    month = assets.acquired_at.dt.strftime("%Y-%m").astype(object).where(assets.acquired_at.notna(), None)
    expected = assets.groupby([assets.project.astype(object), month], dropna=False).size()
    counted = {(_none(row.project), _none(row.month)): row.count for row in table.astype(object).itertuples()}
    assert counted == {(_none(p), _none(m)): n for (p, m), n in expected.items()}


def _none(value: Any) -> Any:
    return None if pd.isna(value) else value


def test_a_lineage_becomes_a_graph_in_which_data_flows_from_input_to_derived(cat: Catalog) -> None:
    graph = cat.provenance(DERIVED, direction="upstream").to_networkx()

    assert set(graph.nodes) == {DERIVED, PRIMARY}
    assert nx.descendants(graph, PRIMARY) == {DERIVED}
    assert graph.edges[PRIMARY, DERIVED]["process"] == "dlc_face"
    assert graph.nodes[PRIMARY]["registered"] is False
    assert graph.nodes[PRIMARY]["redacted"] is False
    derived = graph.nodes[DERIVED]
    assert (derived["hops"], derived["registered"], derived["kind"]) == (0, True, "DERIVED")
    assert cat.provenance(DERIVED, direction="downstream").to_networkx().number_of_nodes() == 1


def test_a_token_makes_requests_as_its_viewer(registered: Served) -> None:
    with Catalog(registered.url, token=registered.token) as cat:
        viewer = cat.query("{ viewer { name role } }")["viewer"]

    assert viewer == {"name": "rita", "role": "reader"}


async def test_the_async_client_reads_the_same_as_the_sync_one(cat: Catalog, registered: Served) -> None:
    async with AsyncCatalog(registered.url) as acat:
        result = acat.assets(modality="ecephys")
        names = [asset["name"] async for asset in result]
        count = await result.count()
        df = await result.to_dataframe()

    assert names == list(df.name) == [asset["name"] for asset in cat.assets(modality="ecephys")]
    assert count == len(names)


async def test_the_sync_client_works_where_an_event_loop_is_already_running(registered: Served) -> None:
    """As in Jupyter: this test runs inside pytest-asyncio's loop."""
    with Catalog(registered.url) as cat:
        df = cat.assets(modality="ecephys").to_dataframe()

    assert len(df) > 0
    assert datetime.now(UTC) > df.registered_at.max()


def test_the_readme_example_runs_as_written(registered: Served, repo_root: Path, tmp_path: Path) -> None:
    section = (repo_root / "README.md").read_text().split("## Python client", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    runnable = example.replace('"http://127.0.0.1:8000"', repr(registered.url)).replace(
        '"data/"', repr(str(tmp_path))
    )
    namespace: dict[str, Any] = {}

    exec(runnable, namespace)

    assert len(namespace["df"]) == len(raw_assets(registered, ECEPHYS_SINCE_2023))
    assert namespace["summary"].files == 0  # registered from metadata only: no file to fetch
    namespace["cat"].close()
