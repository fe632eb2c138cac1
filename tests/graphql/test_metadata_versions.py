"""Metadata versions over GraphQL: every real top-level record imported, then the 2.x record of an
asset first registered from its 1.x record, and a correction of another asset's project and
modalities. Queries (typed filters, metadata predicates, facets) read the current versions only;
``metadataVersions`` lists the history and ``metadata(version:)`` reads any version. Expected
answers are computed from the raw records with plain Python."""

from __future__ import annotations

import copy
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from conftest import Catalog, local_settings, served
from factories import RECORD_DOCUMENTS
from servers import free_port
from test_statement_count import counting_statements

from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.services.imports import Record, RecordImport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

NAME = "multiplane-ophys_804670_2025-09-17_10-26-00_processed_2025-09-18_18-01-45"
CORRECTED = "behavior_754559_2024-12-17_17-40-13"
PROJECT = "A corrected project"


def documents_of(record: dict[str, Any]) -> dict[str, Any]:
    """The metadata documents of a record: its core keys holding a JSON object."""
    return {name: record[name] for name in RECORD_DOCUMENTS if isinstance(record.get(name), dict)}


def upgraded(fixtures_dir: Path) -> dict[str, Any]:
    path = fixtures_dir / "records" / "other-sources" / "aind-metadata-viz" / f"{NAME}.json"
    return json.loads(path.read_text())


def corrected(record: dict[str, Any]) -> dict[str, Any]:
    """The correction this module imports: another project and one more modality."""
    fixed = copy.deepcopy(record)
    description = fixed["data_description"]
    description["project_name"] = PROJECT
    key = "modalities" if "modalities" in description else "modality"
    description[key] = [*description[key], {"name": "Electromyography", "abbreviation": "EMG"}]
    return fixed


@pytest.fixture(scope="module")
def first(fixtures_dir: Path) -> dict[str, dict[str, Any]]:
    """Every top-level record as first imported, by name."""
    records = [json.loads(p.read_text()) for p in sorted((fixtures_dir / "records").glob("*.json"))]
    return {record["name"]: record for record in records}


@pytest.fixture(scope="module")
def current(first: dict[str, dict[str, Any]], fixtures_dir: Path) -> dict[str, dict[str, Any]]:
    """Every record as it is now: the upgraded one and the corrected one replace theirs."""
    return {**first, NAME: upgraded(fixtures_dir), CORRECTED: corrected(first[CORRECTED])}


@pytest.fixture(scope="module")
async def versioned(
    module_migrated_database_url: str,
    first: dict[str, dict[str, Any]],
    current: dict[str, dict[str, Any]],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Catalog]:
    port = free_port()
    settings = local_settings(module_migrated_database_url, tmp_path_factory.mktemp("versions"), port)
    db = Database(settings.database_url)
    importer = RecordImport(db, Vocabulary())
    initial = await importer(Record(name, record) for name, record in first.items())
    later = await importer([Record("upgrade", current[NAME]), Record("correction", current[CORRECTED])])
    await db.dispose()
    assert (initial.registered, initial.errors) == (len(first), [])
    assert (later.registered, later.updated, later.errors) == (0, 2, [])
    with served(settings, port) as running:
        yield running


def names(catalog: Catalog, filter: dict[str, Any]) -> set[str]:
    data = catalog.data(
        "query($f: AssetFilter) { assets(filter: $f, first: 500) { edges { node { name } } } }", f=filter
    )
    return {edge["node"]["name"] for edge in data["assets"]["edges"]}


VERSIONS = """query($n: String!, $d: String!) { asset(name: $n) {
  metadataVersions(document: $d) { version createdAt schemaVersion current removed } } }"""


def test_a_changed_document_lists_both_versions_the_second_current(
    versioned: Catalog, first: dict[str, dict[str, Any]], current: dict[str, dict[str, Any]]
) -> None:
    found = versioned.data(VERSIONS, n=NAME, d="data_description")["asset"]["metadataVersions"]

    assert [(v["version"], v["schemaVersion"], v["current"], v["removed"]) for v in found] == [
        (1, first[NAME]["data_description"]["schema_version"], False, False),
        (2, current[NAME]["data_description"]["schema_version"], True, False),
    ]
    assert found[0]["createdAt"] < found[1]["createdAt"]


def test_a_document_the_newer_record_lacks_ends_with_a_version_saying_it_was_removed(
    versioned: Catalog, first: dict[str, dict[str, Any]], current: dict[str, dict[str, Any]]
) -> None:
    gone = set(documents_of(first[NAME])) - set(documents_of(current[NAME]))
    assert gone  # session and rig became acquisition and instrument in 2.x

    for document in sorted(gone):
        found = versioned.data(VERSIONS, n=NAME, d=document)["asset"]["metadataVersions"]
        assert [(v["version"], v["current"], v["removed"]) for v in found] == [
            (1, False, False),
            (2, False, True),
        ]
    for document in sorted(set(documents_of(current[NAME])) - set(documents_of(first[NAME]))):
        found = versioned.data(VERSIONS, n=NAME, d=document)["asset"]["metadataVersions"]
        assert [(v["version"], v["current"]) for v in found] == [(1, True)]


METADATA = """query($n: String!, $d: String!, $p: String, $v: Int) { asset(name: $n) {
  metadata(document: $d, path: $p, version: $v) } }"""


def test_metadata_reads_the_current_version_and_any_earlier_one(
    versioned: Catalog, first: dict[str, dict[str, Any]], current: dict[str, dict[str, Any]]
) -> None:
    def read(document: str, version: int | None = None, path: str | None = None) -> Any:
        return versioned.data(METADATA, n=NAME, d=document, p=path, v=version)["asset"]["metadata"]

    assert read("data_description") == current[NAME]["data_description"]
    assert read("data_description", 2) == current[NAME]["data_description"]
    assert read("data_description", 1) == first[NAME]["data_description"]
    assert read("session") is None
    assert read("session", 1) == first[NAME]["session"]
    assert read("session", 2) is None  # the version saying it was removed
    assert read("data_description", 9) is None
    assert read("subject", 1, "subject_id") == [first[NAME]["subject"]["subject_id"]]


def test_where_reads_the_elements_of_the_version_asked_for(
    versioned: Catalog, first: dict[str, dict[str, Any]]
) -> None:
    query = """query($n: String!, $v: Int) { asset(name: $n) { metadata(document: "session",
      path: "data_streams", where: [{path: "stream_start_time", op: EXISTS}], version: $v) } }"""
    streams = first[NAME]["session"]["data_streams"]

    assert versioned.data(query, n=NAME, v=1)["asset"]["metadata"] == [
        s for s in streams if "stream_start_time" in s
    ]
    assert versioned.data(query, n=NAME, v=None)["asset"]["metadata"] == []  # no current session


def test_a_version_needs_a_document(versioned: Catalog) -> None:
    body = versioned.gql("query($n: String!) { asset(name: $n) { metadata(version: 1) } }", n=NAME)

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_metadata_predicates_read_the_current_documents_only(
    versioned: Catalog, current: dict[str, dict[str, Any]]
) -> None:
    for document in ("session", "acquisition", "rig", "instrument"):
        predicate = {"document": document, "path": "schema_version", "op": "EXISTS"}
        expected = {
            name
            for name, record in current.items()
            if "schema_version" in (documents_of(record).get(document) or {})
        }
        assert names(versioned, {"metadata": [predicate]}) == expected, document
    assert NAME not in names(
        versioned, {"metadata": [{"document": "session", "path": "schema_version", "op": "EXISTS"}]}
    )
    assert NAME in names(
        versioned, {"metadata": [{"document": "acquisition", "path": "schema_version", "op": "EXISTS"}]}
    )


def test_typed_filters_follow_the_corrected_project_and_modalities(
    versioned: Catalog, first: dict[str, dict[str, Any]]
) -> None:
    old_project = first[CORRECTED]["data_description"]["project_name"]
    expected_old = {
        name
        for name, record in first.items()
        if name != CORRECTED
        and (documents_of(record).get("data_description") or {}).get("project_name") == old_project
    }

    assert names(versioned, {"project": PROJECT}) == {CORRECTED}
    assert names(versioned, {"project": old_project}) == expected_old
    assert CORRECTED in names(versioned, {"modality": ["EMG"]})


def test_facets_count_the_current_versions(versioned: Catalog, current: dict[str, dict[str, Any]]) -> None:
    data = versioned.data(
        """{ facets(fields: [PROJECT], metadataFields: [{document: "data_description", path: "schema_version"}],
              limit: 500) { field values { value count } } }"""
    )["facets"]
    by_field = {facet["field"]: {v["value"]: v["count"] for v in facet["values"]} for facet in data}
    projects = Counter(
        (documents_of(r).get("data_description") or {}).get("project_name") for r in current.values()
    )
    versions = Counter(
        (documents_of(r).get("data_description") or {}).get("schema_version") for r in current.values()
    )

    assert by_field["PROJECT"] == dict(projects)
    assert by_field["data_description:schema_version"] == dict(versions)


PAGE = """query($n: Int) { assets(first: $n) { edges { node { name
  metadataVersions(document: "data_description") { version current removed }
  metadata(document: "data_description", path: "project_name", version: 1) } } } }"""


def test_the_versions_of_a_page_cost_a_constant_number_of_statements(
    versioned: Catalog, first: dict[str, dict[str, Any]]
) -> None:
    with counting_statements(versioned) as one:
        assert len(versioned.data(PAGE, n=1)["assets"]["edges"]) == 1
    with counting_statements(versioned) as every:
        edges = versioned.data(PAGE, n=len(first))["assets"]["edges"]

    assert len(edges) == len(first)
    assert len(every) == len(one)
    node = next(edge["node"] for edge in edges if edge["node"]["name"] == CORRECTED)
    assert [v["version"] for v in node["metadataVersions"]] == [1, 2]
    assert node["metadata"] == [first[CORRECTED]["data_description"]["project_name"]]
