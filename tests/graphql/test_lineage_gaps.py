"""Lineage through intermediates never registered, on real names: a derived name is
``<input name>_<process>_<date>_<time>``, so a two-step name whose middle step was not kept still
leads to its primary, and the primary's downstream walk still finds it, through a node that says
it is not registered. Expected answers are read from the names with plain string operations."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import pytest
from conftest import local_settings, served
from servers import free_port

from catalog.conventions.modalities import Vocabulary
from catalog.db import migrate
from catalog.db.engine import Database
from catalog.services.imports import RecordImport, read_records

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from conftest import Catalog

STEP = re.compile(r"_([^_]+)_([0-9]{4}-[0-9]{2}-[0-9]{2})_([0-9]{2})-([0-9]{2})-([0-9]{2})\Z")
"""The last process suffix of a derived name: its label, date and time."""


def parent(name: str) -> str | None:
    """The name without its last process suffix; None for a primary name (a single date-time pair)."""
    found = STEP.search(name)
    head = name[: found.start()] if found else ""
    return head if re.search(r"_[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}\Z", head) else None


def chain(name: str) -> list[str]:
    """The name, its input, that one's input... down to the primary, in that order."""
    names = [name]
    while (up := parent(names[-1])) is not None:
        names.append(up)
    return names


def real_names(fixtures: Path) -> list[str]:
    return (fixtures / "names" / "asset_names.txt").read_text().split()


def gapped(names: list[str]) -> list[str]:
    """Real derived names whose direct input is neither in the list nor a primary."""
    known = set(names)
    return [n for n in names if (up := parent(n)) is not None and up not in known and parent(up) is not None]


def registered_with(names: list[str]) -> list[str]:
    """The gapped names, their primaries, and every real name anchored on one of those primaries."""
    primaries = {chain(n)[-1] for n in gapped(names)}
    return sorted({n for n in names if chain(n)[-1] in primaries} | primaries)


@pytest.fixture(scope="module")
async def lineage_catalog(
    module_migrated_database_url: str, tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path
) -> AsyncIterator[tuple[Catalog, list[str]]]:
    """Metadata-only records of the real names :func:`registered_with` picks, served over HTTP."""
    root = tmp_path_factory.mktemp("lineage")
    port = free_port()
    settings = local_settings(module_migrated_database_url, root, port)
    names = registered_with(real_names(fixtures_dir))
    export = root / "records.jsonl"
    export.write_text("".join(json.dumps({"name": n, "location": f"s3://open/{n}"}) + "\n" for n in names))
    db = Database(settings.database_url)
    await migrate.ensure_schema(db)
    report = await RecordImport(db, Vocabulary())(read_records(export))
    await db.dispose()
    assert (report.registered, report.errors) == (len(names), [])
    with served(settings, port) as running:
        yield running, names


GRAPH = """query($n: String!, $d: ProvenanceDirection!) { asset(name: $n) {
  derivedFrom { name } derivatives { name }
  provenance(direction: $d, depth: 50) {
    nodes { name hops registered processLabel processedAt asset { name files(first: 1) { edges { node { path } } } } }
    edges { source target process } truncated } } }"""


def asset(catalog: Catalog, name: str, direction: str) -> dict[str, Any]:
    found = catalog.data(GRAPH, n=name, d=direction)["asset"]
    assert found is not None, name
    return found


def test_the_real_names_hold_gapped_two_step_names(fixtures_dir: Path) -> None:
    found = gapped(real_names(fixtures_dir))
    assert len(found) >= 6
    assert (
        "exaSPIM_703070_2024-07-09_12-52-33_flatfield-correction_2024-07-18_12-43-27_fusion_2024-08-02_17-11-59"
        in found
    )


def test_every_gapped_name_connects_upstream_to_its_primary(
    lineage_catalog: tuple[Catalog, list[str]], fixtures_dir: Path
) -> None:
    catalog, names = lineage_catalog
    registered = set(names)
    for name in gapped(real_names(fixtures_dir)):
        links = chain(name)
        found = asset(catalog, name, "UPSTREAM")
        graph = found["provenance"]
        expected = {(n, hops, n in registered) for hops, n in enumerate(links) if hops}
        assert {(n["name"], n["hops"], n["registered"]) for n in graph["nodes"]} == expected, name
        assert {(e["source"], e["target"]) for e in graph["edges"]} == set(pairwise(links)), name
        assert [n["name"] for n in found["derivedFrom"]] == [links[-1]], name


def test_an_unregistered_node_gives_its_name_process_and_time_and_no_asset(
    lineage_catalog: tuple[Catalog, list[str]],
) -> None:
    catalog, _ = lineage_catalog
    fusion = "exaSPIM_703070_2024-07-09_12-52-33_flatfield-correction_2024-07-18_12-43-27_fusion_2024-08-02_17-11-59"
    flatfield = "exaSPIM_703070_2024-07-09_12-52-33_flatfield-correction_2024-07-18_12-43-27"

    nodes = asset(catalog, fusion, "UPSTREAM")["provenance"]["nodes"]
    edges = asset(catalog, fusion, "UPSTREAM")["provenance"]["edges"]

    assert nodes[0] == {
        "name": flatfield,
        "hops": 1,
        "registered": False,
        "processLabel": "flatfield-correction",
        "processedAt": "2024-07-18T12:43:27+00:00",
        "asset": None,
    }
    assert {
        "source": flatfield,
        "target": "exaSPIM_703070_2024-07-09_12-52-33",
        "process": "flatfield-correction",
    } in edges


def test_each_primary_downstream_finds_every_name_anchored_on_it(
    lineage_catalog: tuple[Catalog, list[str]], fixtures_dir: Path
) -> None:
    catalog, names = lineage_catalog
    registered = set(names)
    for primary in sorted({chain(n)[-1] for n in gapped(real_names(fixtures_dir))}):
        anchored = [n for n in names if n != primary and chain(n)[-1] == primary]
        expected = {
            (step, len(chain(step)) - 1, step in registered) for n in anchored for step in chain(n)[:-1]
        }
        found = asset(catalog, primary, "DOWNSTREAM")
        graph = found["provenance"]
        assert {(n["name"], n["hops"], n["registered"]) for n in graph["nodes"]} == expected, primary
        assert not graph["truncated"]
        direct = {n for n in anchored if next(s for s in chain(n)[1:] if s in registered) == primary}
        assert {n["name"] for n in found["derivatives"]} == direct, primary
