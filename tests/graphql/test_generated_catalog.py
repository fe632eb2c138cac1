"""The benchmarks' generator (``benchmarks/generate.py``) makes a catalog of the shape it promises,
through the catalog's own bulk registration, and the API reads it: counts add up, derived chains
and diamonds are linked, imaging assets hold zarr chunk trees, documents answer metadata filters."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import Catalog, local_settings, served
from servers import free_port
from sqlalchemy import func, select

from catalog.db.engine import Database
from catalog.db.models import Asset, File, MetadataDocument, ProvenanceEdge

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import generate

if TYPE_CHECKING:
    from collections.abc import Iterator

ASSETS = 2_000
FILES = 20_000


@pytest.fixture(scope="module")
async def generated(module_migrated_database_url: str) -> tuple[str, generate.Catalog]:
    catalog, loaded = await generate.generate_async(module_migrated_database_url, ASSETS, FILES, seed=7)
    assert (loaded.assets, loaded.files) == (ASSETS, FILES)
    return module_migrated_database_url, catalog


@pytest.fixture(scope="module")
def api(
    generated: tuple[str, generate.Catalog], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Catalog]:
    port = free_port()
    with served(local_settings(generated[0], tmp_path_factory.mktemp("store"), port), port) as running:
        yield running


def test_the_same_seed_plans_the_same_catalog() -> None:
    one, other = generate.plan_catalog(500, 5_000, 3), generate.plan_catalog(500, 5_000, 3)
    assert [(p.name, p.files, p.inputs) for p in one.plans] == [
        (p.name, p.files, p.inputs) for p in other.plans
    ]
    assert [p.name for p in generate.plan_catalog(500, 5_000, 4).plans] != [p.name for p in one.plans]


async def test_every_planned_asset_file_and_edge_is_registered(
    generated: tuple[str, generate.Catalog],
) -> None:
    url, catalog = generated
    db = Database(url)
    try:
        async with db.reader() as session:
            names = set(await session.scalars(select(Asset.name)))
            files = await session.scalar(select(func.count()).select_from(File))
            edges = {
                (name, input_name, source)
                for name, input_name, source in await session.execute(
                    select(Asset.name, ProvenanceEdge.input_name, ProvenanceEdge.source).join(
                        ProvenanceEdge, ProvenanceEdge.derived_id == Asset.id
                    )
                )
            }
            kinds = set(await session.scalars(select(MetadataDocument.document).distinct()))
    finally:
        await db.dispose()

    assert names == {plan.name for plan in catalog.plans}
    assert files == FILES == sum(plan.files for plan in catalog.plans)
    assert edges == {(plan.name, name, source) for plan in catalog.plans for name, source in plan.inputs}
    assert kinds >= {
        "subject",
        "data_description",
        "procedures",
        "session",
        "rig",
        "acquisition",
        "processing",
    }
    assert "quality_control" in kinds


def test_chains_and_diamonds_are_planned() -> None:
    plans = generate.plan_catalog(ASSETS, FILES, 7).plans
    by_name = {plan.name: plan for plan in plans}
    chained = [
        p for p in plans if p.derived and by_name.get(p.inputs[0][0]) and by_name[p.inputs[0][0]].derived
    ]
    diamonds = [p for p in plans if p.process == generate.DIAMOND]
    assert chained
    assert diamonds
    for merged in diamonds:
        inputs = {name for name, source in merged.inputs if source == "processing"}
        assert len(inputs) == 2
        assert {by_name[name].primary.name for name in inputs if by_name[name].primary} == {
            merged.primary.name
        }


def test_imaging_assets_hold_zarr_chunk_trees(api: Catalog, generated: tuple[str, generate.Catalog]) -> None:
    spim = next(p for p in generated[1].plans if p.platform.label == "SmartSPIM" and p.files > 50)
    query = (
        """query($name: String!) { asset(name: $name) { files(first: 100) { edges { node { path } } } } }"""
    )

    paths = [e["node"]["path"] for e in api.data(query, name=spim.name)["asset"]["files"]["edges"]]

    assert any(path.endswith(".ome.zarr/0/0/0/0/0/0") for path in paths)
    assert any(path.endswith(".ome.zarr/.zattrs") for path in paths)


def test_the_api_answers_over_the_generated_documents(
    api: Catalog, generated: tuple[str, generate.Catalog]
) -> None:
    catalog = generated[1]
    element: dict[str, Any] = {
        "document": "procedures",
        "path": "subject_procedures.procedures",
        "elementMatch": [{"path": "procedure_type", "op": "EQ", "value": generate.INJECTION}],
    }
    injected = {
        plan.name
        for plan in catalog.plans
        if any(
            procedure["procedure_type"] == generate.INJECTION
            for surgery in generate.procedures_document(plan.subject)["subject_procedures"]
            for procedure in surgery["procedures"]
        )
    }
    count = """query($filter: AssetFilter!) { assets(filter: $filter, first: 1) { totalCount } }"""
    tiles = {"document": "acquisition", "path": "tiles.channel.channel_name", "op": "EQ", "value": "488"}
    spim = {p.name for p in catalog.plans if p.platform.label in generate.SPIM_PLATFORMS}
    lineage = """query($name: String!) { asset(name: $name) { provenance(direction: UPSTREAM, depth: 5) {
      nodes { asset { name } } } } }"""
    merged = next(p for p in catalog.plans if p.process == generate.DIAMOND)

    assert api.data(count, filter={"metadata": [element]})["assets"]["totalCount"] == len(injected)
    assert api.data(count, filter={"metadata": [tiles]})["assets"]["totalCount"] == len(spim)
    assert api.data(count, filter={"qcStatus": "FAIL"})["assets"]["totalCount"] == sum(
        p.qc == "FAIL" for p in catalog.plans
    )
    upstream = {
        n["asset"]["name"]
        for n in api.data(lineage, name=merged.name)["asset"]["provenance"]["nodes"]
        if n["asset"]
    }
    assert {name for name, _ in merged.inputs} | {merged.primary.name} <= upstream


def test_a_catalog_loads_in_worker_processes_too(postgres: Any, tmp_path: Path) -> None:
    url = postgres.create_database("generated_in_workers")
    catalog, loaded = generate.generate(url, 300, 3_000, seed=11, workers=2)
    assert (loaded.assets, loaded.files, loaded.workers) == (300, 3_000, 2)
    assert loaded.edges == sum(len(set(p.inputs)) for p in catalog.plans)
