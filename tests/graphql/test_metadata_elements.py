"""Asset.metadata with where: only the array elements a path reaches that satisfy every
condition, read from each element, computed in the database."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Catalog

NAME = "SLAP2_801381_2025-10-02_15-23-18"
QUERY = """query($n: String!, $w: [ElementPredicate!]) { asset(name: $n) {
  metadata(document: "procedures", path: "subject_procedures.procedures", where: $w) } }"""


def procedures(fixtures_dir: Path) -> list[dict[str, Any]]:
    record = json.loads((fixtures_dir / "records" / f"{NAME}.json").read_text())
    return [p for sp in record["procedures"]["subject_procedures"] for p in sp.get("procedures", [])]


def test_only_the_matching_elements_come_back_in_document_order(catalog: Catalog, fixtures_dir: Path) -> None:
    where = [{"path": "procedure_type", "op": "EQ", "value": "Nanoject injection"}]
    found = catalog.data(QUERY, n=NAME, w=where)["asset"]["metadata"]
    assert found == [p for p in procedures(fixtures_dir) if p.get("procedure_type") == "Nanoject injection"]


def test_conditions_hold_on_the_same_element_and_read_numbers_from_strings(
    catalog: Catalog, fixtures_dir: Path
) -> None:
    where = [
        {"path": "procedure_type", "op": "EQ", "value": "Nanoject injection"},
        {"path": "injection_volume", "op": "GT", "value": 220},
    ]
    found = catalog.data(QUERY, n=NAME, w=where)["asset"]["metadata"]
    assert found == [
        p
        for p in procedures(fixtures_dir)
        if p.get("procedure_type") == "Nanoject injection"
        and any(float(v) > 220 for v in p["injection_volume"])
    ]
    assert len(found) == 1


def test_no_match_is_an_empty_list_and_where_needs_a_path(catalog: Catalog) -> None:
    nothing = [{"path": "procedure_type", "op": "EQ", "value": "Perfusion of a unicorn"}]
    assert catalog.data(QUERY, n=NAME, w=nothing)["asset"]["metadata"] == []
    body = catalog.gql(
        'query($n: String!) { asset(name: $n) { metadata(document: "procedures", '
        'where: [{path: "x", op: EXISTS}]) } }',
        n=NAME,
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
