"""``assetTable`` answers what ``assets`` answers, as rows of plain values: over every real record,
on SQLite and on PostgreSQL, the same assets in the same order with the same values and the same
cursors, for several filters, orders, time zones and page sizes; bad input is refused with
BAD_USER_INPUT, and a table's cost counts its cells."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from conftest import Catalog, local_settings, served
from servers import free_port
from test_typed_filters import record_files

from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.graphql.tables import ASSET_TABLE_COLUMNS
from catalog.limits import MAX_TABLE_ROWS
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

FIELDS = {
    "name": "name",
    "kind": "kind",
    "subject_id": "subject.subjectId",
    "species": "subject.species",
    "sex": "subject.sex",
    "genotype": "subject.genotype",
    "date_of_birth": "subject.dateOfBirth",
    "modalities": "modalities.abbreviation",
    "project": "project",
    "institution": "institution",
    "data_level": "dataLevel",
    "session_type": "sessionType",
    "instrument_id": "instrumentId",
    "qc_status": "qcStatus",
    "process_label": "processLabel",
    "acquired_at": "acquiredAt",
    "acquired_end": "acquiredEnd",
    "acquisition_duration": "acquisitionDuration",
    "subject_age_at_acquisition": "subjectAgeAtAcquisition",
    "processing_duration": "processingDuration",
    "investigators": "investigators",
    "experimenters": "experimenters",
    "funding": "funding",
    "registered_at": "registeredAt",
    "record_created": "recordCreated",
    "record_modified": "recordModified",
    "location": "location",
    "location_prefix": "locationPrefix",
    "file_count": "fileCount",
    "total_size": "totalSize",
    "completeness": "completeness",
    "warnings": "warnings",
    "missing": "missing",
}
"""Where each column of the table is in the ``Asset`` type, written out here as the expectation."""
NODE = (
    "name kind subject { subjectId species sex genotype dateOfBirth } modalities { abbreviation } project "
    "institution dataLevel sessionType instrumentId qcStatus processLabel acquiredAt acquiredEnd "
    "acquisitionDuration subjectAgeAtAcquisition processingDuration investigators experimenters funding "
    "registeredAt recordCreated recordModified location locationPrefix fileCount totalSize completeness "
    "warnings missing"
)
ARGUMENTS = "$f: AssetFilter, $o: [AssetOrder!], $n: Int, $a: String, $z: String"
PASSED = "filter: $f, orderBy: $o, first: $n, after: $a, timeZone: $z"
ASSETS = f"""query({ARGUMENTS}) {{ assets({PASSED}) {{
  edges {{ cursor node {{ {NODE} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
TABLE = f"""query({ARGUMENTS}, $c: [String!]) {{ assetTable({PASSED}, columns: $c) {{
  columns rows pageInfo {{ hasNextPage endCursor }} }} }}"""
LA = "America/Los_Angeles"
CASES: dict[str, tuple[dict[str, Any] | None, list[dict[str, str]] | None, str | None, int]] = {
    "every asset by name, 7 a page": (None, None, None, 7),
    "every asset by acquisition, newest first, 13 a page": (
        None,
        [{"field": "ACQUIRED_AT", "direction": "DESC"}],
        None,
        13,
    ),
    "by size then subject, one page": (
        None,
        [{"field": "TOTAL_SIZE"}, {"field": "SUBJECT_ID", "direction": "DESC"}],
        None,
        500,
    ),
    "acquired since 2023 in Los Angeles, by completeness, 5 a page": (
        {"acquiredAfter": "2023-01-01T00:00:00"},
        [{"field": "COMPLETENESS", "direction": "DESC"}],
        LA,
        5,
    ),
    "ecephys or SPIM, by date of birth, 3 a page": (
        {"modality": ["ecephys", "SPIM"]},
        [{"field": "DATE_OF_BIRTH"}],
        None,
        3,
    ),
    "one page per asset": ({"kind": "PRIMARY"}, [{"field": "PROJECT"}], "Europe/Berlin", 1),
}


@pytest.fixture(scope="module")
async def catalog(
    module_migrated_database_url: str, fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Catalog]:
    """Every real record registered metadata-only, served over HTTP, once per backend."""
    port = free_port()
    settings = local_settings(module_migrated_database_url, tmp_path_factory.mktemp("table"), port)
    db = Database(settings.database_url)
    report = await RecordImport(db, Vocabulary())(
        Record(path.name, json.loads(path.read_text())) for path in record_files(fixtures_dir)
    )
    await db.dispose()
    assert report.errors == []
    with served(settings, port) as running:
        yield running


def as_cells(node: dict[str, Any]) -> list[Any]:
    """An ``assets`` node as the table's row: each column read at its place in the Asset type."""
    return [_reached(node, FIELDS[name].split(".")) for name in ASSET_TABLE_COLUMNS]


def _reached(value: Any, path: list[str]) -> Any:
    for position, field in enumerate(path):
        if isinstance(value, list):
            return [_reached(item, path[position:]) for item in value]
        value = value[field]
    return value


def pages(catalog: Catalog, query: str, field: str, **variables: Any) -> list[dict[str, Any]]:
    found, after = [], None
    while True:
        page = catalog.data(query, a=after, **variables)[field]
        found.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def test_every_column_is_a_field_of_the_asset_type() -> None:
    assert set(FIELDS) == set(ASSET_TABLE_COLUMNS)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_table_holds_the_assets_of_assets_page_by_page(catalog: Catalog, case: str) -> None:
    spec, order, zone, size = CASES[case]
    listed = pages(catalog, ASSETS, "assets", f=spec, o=order, z=zone, n=size)
    tabled = pages(catalog, TABLE, "assetTable", f=spec, o=order, z=zone, n=size)
    assert sum(len(page["edges"]) for page in listed) >= 2, "a case that selects too little says nothing"
    assert len(tabled) == len(listed)
    for table, page in zip(tabled, listed, strict=True):
        assert table["columns"] == list(ASSET_TABLE_COLUMNS)
        assert table["rows"] == [as_cells(edge["node"]) for edge in page["edges"]]
        assert table["pageInfo"] == page["pageInfo"]


def test_a_table_holds_the_columns_asked_for_in_their_order(catalog: Catalog) -> None:
    columns = ["total_size", "modalities", "name", "acquired_at"]
    table = catalog.data(TABLE, c=columns, n=MAX_TABLE_ROWS)["assetTable"]
    listed = catalog.data(ASSETS, n=500)["assets"]["edges"]
    assert table["columns"] == columns
    assert table["rows"] == [
        [cells[ASSET_TABLE_COLUMNS.index(c)] for c in columns]
        for cells in map(as_cells, [e["node"] for e in listed])
    ]
    assert table["pageInfo"]["hasNextPage"] is False


def test_a_table_continues_where_a_page_of_assets_ended(catalog: Catalog) -> None:
    first = catalog.data(ASSETS, n=10)["assets"]
    rest = catalog.data(TABLE, a=first["pageInfo"]["endCursor"], c=["name"])["assetTable"]
    every = catalog.data(TABLE, c=["name"])["assetTable"]["rows"]
    assert [e["node"]["name"] for e in first["edges"]] + [row[0] for row in rest["rows"]] == [
        r[0] for r in every
    ]


def test_a_table_counts_what_it_matches_only_when_asked(catalog: Catalog) -> None:
    query = "query($f: AssetFilter) { assetTable(filter: $f, first: 2) { totalCount rows } }"
    spec = {"kind": "PRIMARY"}
    counted = catalog.data(query, f=spec)["assetTable"]
    expected = catalog.data("query($f: AssetFilter) { assets(filter: $f) { totalCount } }", f=spec)
    assert counted["totalCount"] == expected["assets"]["totalCount"] > 2
    assert len(counted["rows"]) == 2


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"n": MAX_TABLE_ROWS + 1},
            f"first must be between 0 and {MAX_TABLE_ROWS}, not {MAX_TABLE_ROWS + 1}",
        ),
        ({"n": -1}, f"first must be between 0 and {MAX_TABLE_ROWS}, not -1"),
        ({"c": ["name", "subjectId"]}, "no column named 'subjectId': the columns are name, kind, subject_id"),
        ({"a": "not a cursor"}, "is not one this API handed out"),
    ],
)
def test_bad_input_is_refused_with_a_message(
    catalog: Catalog, variables: dict[str, Any], message: str
) -> None:
    body = catalog.gql(TABLE, **variables)
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert message in error["message"]


def test_a_table_costs_its_cells_not_its_rows(catalog: Catalog) -> None:
    whole = "{ a: assetTable(first: 10000) { rows } }"
    assert "errors" not in catalog.gql(whole)
    many = "{ " + " ".join(f"t{i}: assetTable(first: 10000) {{ rows }}" for i in range(7)) + " }"
    body = catalog.gql(many)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


def test_no_match_is_an_empty_table_with_its_columns(catalog: Catalog) -> None:
    table = catalog.data(TABLE, f={"name": "ecephys_1_2001-01-01_00-00-00"}, c=["name", "acquired_at"])
    assert table["assetTable"] == {
        "columns": ["name", "acquired_at"],
        "rows": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }
