"""Lineage: one recursive statement walks provenance upstream, downstream or both ways from an
asset, giving the fewest hops to each visible asset, the edges among them, and whether the
depth limit cut the graph short."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
import strawberry
from factories import write_asset
from sqlalchemy import event

from catalog import access
from catalog.access import Viewer
from catalog.config import Settings
from catalog.conventions.names import AssetKind
from catalog.graphql.context import Context, Info
from catalog.graphql.errors import CodedSchema
from catalog.graphql.provenance import ProvenanceGraph, resolve_provenance
from catalog.limits import MAX_PROVENANCE_NODES
from catalog.repo import assets, provenance
from catalog.repo.provenance import Lineage
from catalog.schemas.enums import ProvenanceDirection
from catalog.schemas.filters import AssetFilter
from catalog.services import rules
from catalog.services.ingest import FolderIngest
from catalog.storage.registry import StoreRegistry

if TYPE_CHECKING:
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.local import LocalStore

Graph = Mapping[str, Iterable[str]]
"""Asset name → the names of its inputs (a name that is no key stays unregistered)."""

CHAIN: Graph = {"raw": [], "sorted": ["raw"], "curated": ["sorted"]}
DIAMOND: Graph = {"raw": [], "left": ["raw"], "right": ["raw"], "merged": ["left", "right"]}


async def register(db: Database, graph: Graph, *, pending: Iterable[str] = ()) -> dict[str, int]:
    """Each key as an asset naming its inputs: visible, PRIMARY when it has no inputs, except
    the ``pending`` ones, claimed and not yet visible."""
    pending = set(pending)
    async with db.transaction() as session:
        ids = await assets.insert_ready(
            session,
            [
                {"name": name, "kind": "DERIVED" if inputs else "PRIMARY", "process_label": f"{name}-process"}
                for name, inputs in graph.items()
                if name not in pending
            ],
        )
        for name in pending:
            ids[name] = await assets.claim(
                session, name=name, kind="DERIVED", token="t", now=datetime.now(UTC)
            )
        await provenance.add(
            session,
            [
                (ids[name], input_name, "name", None)
                for name, inputs in graph.items()
                for input_name in inputs
            ],
        )
    return ids


async def walk(
    db: Database,
    root_id: int,
    direction: str = "UPSTREAM",
    depth: int = 50,
    node_filter: AssetFilter | None = None,
    limit: int = MAX_PROVENANCE_NODES,
) -> Lineage:
    async with db.reader() as session:
        return await provenance.lineage(
            session,
            db.dialect,
            root_id,
            direction=ProvenanceDirection(direction),
            depth=depth,
            node_filter=node_filter,
            limit=limit,
        )


def hops(found: Lineage) -> list[tuple[str, int]]:
    """The registered nodes with their distance, after checking each carries its own asset."""
    assert all(node.asset is None or node.asset.name == node.name for node in found.nodes)
    return [(node.name, node.hops) for node in found.nodes if node.asset is not None]


def unregistered(found: Lineage) -> list[tuple[str, int]]:
    return [(node.name, node.hops) for node in found.nodes if node.asset is None]


def links(found: Lineage) -> set[tuple[str, str]]:
    """The edges as (derived, input) pairs, after checking that none is given twice."""
    assert len(set(found.edges)) == len(found.edges), found.edges
    return {(source, target) for source, target, _ in found.edges}


@contextmanager
def counting_statements(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_upstream_of_a_chain_gives_each_input_at_its_distance(db: Database) -> None:
    ids = await register(db, CHAIN)

    found = await walk(db, ids["curated"], "UPSTREAM")

    assert hops(found) == [("sorted", 1), ("raw", 2)]
    assert found.edges == [("curated", "sorted", "curated-process"), ("sorted", "raw", "sorted-process")]
    assert not found.truncated


async def test_downstream_of_a_chain_gives_each_derivative_and_never_the_root(db: Database) -> None:
    ids = await register(db, CHAIN)

    found = await walk(db, ids["raw"], "DOWNSTREAM")

    assert hops(found) == [("sorted", 1), ("curated", 2)]
    assert links(found) == {("sorted", "raw"), ("curated", "sorted")}


async def test_a_diamond_meets_its_source_once_with_every_edge_once(db: Database) -> None:
    ids = await register(db, DIAMOND)
    async with db.transaction() as session:  # the same edge again, from another metadata file
        await provenance.add(session, [(ids["merged"], "left", "data_description", None)])

    found = await walk(db, ids["merged"], "UPSTREAM")

    assert hops(found) == [("left", 1), ("right", 1), ("raw", 2)]
    assert links(found) == {("merged", "left"), ("merged", "right"), ("left", "raw"), ("right", "raw")}


async def test_the_shortest_of_several_paths_gives_the_hops(db: Database) -> None:
    ids = await register(db, {**CHAIN, "curated": ["sorted", "raw"]})

    found = await walk(db, ids["curated"], "UPSTREAM")

    assert hops(found) == [("raw", 1), ("sorted", 1)]
    assert links(found) == {("curated", "sorted"), ("curated", "raw"), ("sorted", "raw")}


async def test_the_depth_limit_cuts_the_graph_and_says_so(db: Database) -> None:
    ids = await register(db, CHAIN)

    cut = await walk(db, ids["curated"], "UPSTREAM", depth=1)
    whole = await walk(db, ids["curated"], "UPSTREAM", depth=2)

    assert (hops(cut), links(cut), cut.truncated) == ([("sorted", 1)], {("curated", "sorted")}, True)
    assert (hops(whole), whole.truncated) == ([("sorted", 1), ("raw", 2)], False)


async def test_a_limit_that_leaves_out_nothing_truncates_nothing(db: Database) -> None:
    """The outermost node's derivative was already reached by a shorter path: nothing is cut."""
    ids = await register(db, {"raw": [], "a": ["raw"], "b": ["a", "raw"]})

    found = await walk(db, ids["raw"], "DOWNSTREAM", depth=1)

    assert hops(found) == [("a", 1), ("b", 1)]
    assert links(found) == {("a", "raw"), ("b", "a"), ("b", "raw")}
    assert not found.truncated


@pytest.mark.parametrize("depth", [1, 2, 50])
async def test_a_cycle_ends_with_the_fewest_hops(db: Database, depth: int) -> None:
    ids = await register(db, {"a": ["b"], "b": ["a"]})

    found = await walk(db, ids["a"], "UPSTREAM", depth=depth)

    assert hops(found) == [("b", 1)]
    assert links(found) == {("a", "b"), ("b", "a")}
    assert not found.truncated


async def test_a_longer_cycle_is_cut_only_before_it_closes(db: Database) -> None:
    ids = await register(db, {"a": ["b"], "b": ["c"], "c": ["a"]})

    assert (await walk(db, ids["a"], "UPSTREAM", depth=1)).truncated
    closed = await walk(db, ids["a"], "UPSTREAM", depth=2)
    assert hops(closed) == [("b", 1), ("c", 2)]
    assert links(closed) == {("a", "b"), ("b", "c"), ("c", "a")}
    assert not closed.truncated


async def test_both_walks_each_way_from_the_root_not_across_siblings(db: Database) -> None:
    ids = await register(db, {**CHAIN, "sibling": ["raw"]})

    found = await walk(db, ids["sorted"], "BOTH")

    assert hops(found) == [("curated", 1), ("raw", 1)]
    assert links(found) == {("sorted", "raw"), ("curated", "sorted")}
    assert not found.truncated


async def test_both_is_truncated_when_either_walk_is_cut(db: Database) -> None:
    ids = await register(db, {**CHAIN, "published": ["curated"]})

    found = await walk(db, ids["sorted"], "BOTH", depth=1)

    assert hops(found) == [("curated", 1), ("raw", 1)]
    assert found.truncated


async def test_an_input_never_registered_is_a_node_without_asset(db: Database) -> None:
    ids = await register(db, {"raw": ["not-registered-yet"], "sorted": ["raw", "also-missing"]})

    cut = await walk(db, ids["sorted"], "UPSTREAM", depth=1)
    whole = await walk(db, ids["sorted"], "UPSTREAM", depth=2)

    assert (hops(cut), unregistered(cut), cut.truncated) == ([("raw", 1)], [("also-missing", 1)], True)
    assert unregistered(whole) == [("also-missing", 1), ("not-registered-yet", 2)]
    assert links(whole) == {("sorted", "raw"), ("sorted", "also-missing"), ("raw", "not-registered-yet")}
    assert not whole.truncated


async def test_pending_assets_are_neither_returned_nor_walked_through(db: Database) -> None:
    ids = await register(db, {**CHAIN, "late": ["raw"]}, pending=["sorted", "late"])

    upstream = await walk(db, ids["curated"], "UPSTREAM")
    downstream = await walk(db, ids["raw"], "DOWNSTREAM")
    of_pending = await walk(db, ids["sorted"], "BOTH")

    assert (hops(upstream), upstream.edges) == ([], [])
    assert (hops(downstream), downstream.edges) == ([], [])
    assert of_pending == Lineage(nodes=[], edges=[], truncated=False)
    assert unregistered(upstream) == unregistered(downstream) == []


async def test_a_node_filter_narrows_the_nodes_but_not_the_walk(db: Database) -> None:
    ids = await register(db, CHAIN)

    primaries = await walk(db, ids["curated"], "UPSTREAM", node_filter=AssetFilter(kind=AssetKind.PRIMARY))
    derived = await walk(db, ids["curated"], "UPSTREAM", node_filter=AssetFilter(kind=AssetKind.DERIVED))

    assert (hops(primaries), primaries.edges) == ([("raw", 2)], [])
    assert (hops(derived), links(derived)) == ([("sorted", 1)], {("curated", "sorted")})


async def test_folders_ingested_with_declared_inputs_form_the_lineage(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    raw = "ecephys_655568_2022-04-26_11-48-09"
    behavior = "behavior_655568_2022-04-26_11-48-09"
    sorted_ = f"{raw}_sorted_2022-08-11_22-11-32"
    curated = f"{sorted_}_curated_2022-09-01_10-00-00"
    ingest = FolderIngest(db, local_store, vocabulary)
    for name in (raw, behavior, sorted_):
        await ingest(write_asset(tmp_path, name))
    folder = write_asset(tmp_path, curated)
    description = {"name": curated, "input_data_name": behavior, "data_level": "derived"}
    (folder / "data_description.json").write_text(json.dumps(description))
    await ingest(folder)
    async with db.reader() as session:
        root = await assets.by_name(session, curated)
    assert root is not None

    found = await walk(db, root.id, "UPSTREAM")

    assert hops(found) == [(behavior, 1), (sorted_, 1), (raw, 2)]
    assert set(found.edges) == {
        (curated, sorted_, "curated"),
        (curated, behavior, "curated"),
        (sorted_, raw, "sorted"),
    }


RAW = "exaSPIM_703070_2024-07-09_12-52-33"
FLATFIELD = f"{RAW}_flatfield-correction_2024-07-18_12-43-27"
FUSION = f"{FLATFIELD}_fusion_2024-08-02_17-11-59"
SEGMENTED = f"{FUSION}_segmented_2024-09-01_10-00-00"


def by_name(*names: str) -> Graph:
    """Each name with the input its name encodes (the name without its last three tokens), as
    registration records it."""
    return {name: [name.rsplit("_", 3)[0]] if name.count("_") > 3 else [] for name in names}


async def test_upstream_goes_through_an_intermediate_never_registered_to_the_primary(db: Database) -> None:
    ids = await register(db, by_name(RAW, FUSION))

    found = await walk(db, ids[FUSION], "UPSTREAM")

    assert (unregistered(found), hops(found)) == ([(FLATFIELD, 1)], [(RAW, 2)])
    assert found.edges == [
        (FUSION, FLATFIELD, f"{FUSION}-process"),
        (FLATFIELD, RAW, "flatfield-correction"),  # the unregistered name's own process label
    ]


async def test_downstream_of_the_primary_finds_what_an_unregistered_intermediate_led_to(db: Database) -> None:
    ids = await register(db, by_name(RAW, FUSION))

    found = await walk(db, ids[RAW], "DOWNSTREAM")

    assert (unregistered(found), hops(found)) == ([(FLATFIELD, 1)], [(FUSION, 2)])
    assert links(found) == {(FUSION, FLATFIELD), (FLATFIELD, RAW)}
    assert not found.truncated


async def test_two_missing_intermediates_in_a_row_are_walked_both_ways(db: Database) -> None:
    ids = await register(db, by_name(RAW, SEGMENTED))

    upstream = await walk(db, ids[SEGMENTED], "UPSTREAM")
    downstream = await walk(db, ids[RAW], "DOWNSTREAM")

    assert (unregistered(upstream), hops(upstream)) == ([(FUSION, 1), (FLATFIELD, 2)], [(RAW, 3)])
    assert (unregistered(downstream), hops(downstream)) == ([(FLATFIELD, 1), (FUSION, 2)], [(SEGMENTED, 3)])
    expected = {(SEGMENTED, FUSION), (FUSION, FLATFIELD), (FLATFIELD, RAW)}
    assert links(upstream) == links(downstream) == expected


async def test_the_depth_limit_counts_unregistered_names_as_hops(db: Database) -> None:
    ids = await register(db, by_name(RAW, SEGMENTED))

    cut = await walk(db, ids[RAW], "DOWNSTREAM", depth=2)

    assert (unregistered(cut), hops(cut), cut.truncated) == ([(FLATFIELD, 1), (FUSION, 2)], [], True)


async def test_an_intermediate_registered_later_takes_the_place_of_its_name(db: Database) -> None:
    ids = await register(db, by_name(RAW, FUSION))
    before = await walk(db, ids[RAW], "DOWNSTREAM")
    ids |= await register(db, by_name(FLATFIELD))

    after = await walk(db, ids[RAW], "DOWNSTREAM")

    assert (unregistered(after), hops(after)) == ([], [(FLATFIELD, 1), (FUSION, 2)])
    assert links(after) == links(before)


async def test_a_pending_intermediate_ends_the_walk_as_before(db: Database) -> None:
    """A claimed name is taken: not shown as unregistered, not walked through."""
    ids = await register(db, by_name(RAW, FLATFIELD, FUSION), pending=[FLATFIELD])

    upstream = await walk(db, ids[FUSION], "UPSTREAM")
    downstream = await walk(db, ids[RAW], "DOWNSTREAM")

    assert (upstream.nodes, downstream.nodes) == ([], [])


async def test_a_node_filter_matches_registered_assets_only(db: Database) -> None:
    ids = await register(db, by_name(RAW, FUSION))

    found = await walk(db, ids[FUSION], "UPSTREAM", node_filter=AssetFilter(kind=AssetKind.PRIMARY))

    assert (unregistered(found), hops(found), found.edges) == ([], [(RAW, 2)], [])


async def test_derived_from_and_derivatives_skip_unregistered_intermediates(db: Database) -> None:
    ids = await register(db, by_name(RAW, SEGMENTED, f"{RAW}_sorted_2024-07-10_00-00-00"))

    async with db.reader() as session:
        inputs = await provenance.inputs_by_derived(session, [ids[SEGMENTED]])
        derivatives = await provenance.derivatives_by_input(session, db.dialect, [ids[RAW]])

    assert [asset.name for asset in inputs[ids[SEGMENTED]]] == [RAW]
    assert [asset.name for asset in derivatives[ids[RAW]]] == sorted(
        [f"{RAW}_sorted_2024-07-10_00-00-00", SEGMENTED]
    )


def placeholders(found: Lineage) -> list[tuple[str, int, AssetKind | None]]:
    """The redacted nodes, after checking none carries its asset."""
    assert all(node.asset is None for node in found.nodes if node.redacted)
    return [(node.name, node.hops, node.kind) for node in found.nodes if node.redacted]


async def private(db: Database, *names: str) -> None:
    for name in names:
        await rules.set_access(db, asset=name, groups=["lab-a"])


MEMBER = Viewer("member", access.Role.READER, frozenset({"lab-a"}))


async def test_an_asset_its_viewer_may_not_read_is_a_placeholder_the_walk_stops_at(db: Database) -> None:
    ids = await register(db, {**CHAIN, "analysed": ["curated"]})
    await private(db, "sorted")

    upstream = await walk(db, ids["analysed"], "UPSTREAM")
    downstream = await walk(db, ids["raw"], "DOWNSTREAM")
    with access.acting_as(MEMBER):
        member = await walk(db, ids["raw"], "DOWNSTREAM")

    assert (hops(upstream), placeholders(upstream)) == (
        [("curated", 1)],
        [("redacted-1", 2, AssetKind.DERIVED)],
    )
    assert links(upstream) == {("analysed", "curated"), ("curated", "redacted-1")}
    assert (hops(downstream), placeholders(downstream)) == ([], [("redacted-1", 1, AssetKind.DERIVED)])
    assert downstream.edges == [("redacted-1", "raw", None)]
    assert hops(member) == [("sorted", 1), ("curated", 2), ("analysed", 3)]


async def test_a_placeholder_shows_only_the_edge_that_reached_it(db: Database) -> None:
    """Upstream, its own inputs are its metadata: hidden, even when the walk reached them otherwise."""
    ids = await register(db, DIAMOND)
    await private(db, "left")

    found = await walk(db, ids["merged"], "UPSTREAM")

    assert hops(found) == [("right", 1), ("raw", 2)]
    assert placeholders(found) == [("redacted-1", 1, AssetKind.DERIVED)]
    assert links(found) == {("merged", "redacted-1"), ("merged", "right"), ("right", "raw")}


async def test_two_placeholders_are_never_linked(db: Database) -> None:
    ids = await register(db, {"raw": [], "a": ["raw"], "b": ["a"], "c": ["a", "b"]})
    await private(db, "a", "b")

    found = await walk(db, ids["c"], "UPSTREAM")

    assert placeholders(found) == [("redacted-1", 1, AssetKind.DERIVED), ("redacted-2", 1, AssetKind.DERIVED)]
    assert links(found) == {("c", "redacted-1"), ("c", "redacted-2")}


async def test_a_node_filter_never_returns_a_placeholder(db: Database) -> None:
    """Whether a hidden asset matches would tell of its fields."""
    ids = await register(db, DIAMOND)
    await private(db, "left")

    found = await walk(db, ids["raw"], "DOWNSTREAM", node_filter=AssetFilter(kind=AssetKind.DERIVED))

    assert (hops(found), placeholders(found)) == ([("right", 1), ("merged", 2)], [])


async def test_a_placeholder_at_the_depth_limit_cuts_nothing(db: Database) -> None:
    """The walk would not go on through it anyway: what lies behind it is not the limit's doing."""
    ids = await register(db, CHAIN)
    await private(db, "sorted")

    found = await walk(db, ids["raw"], "DOWNSTREAM", depth=1)

    assert (placeholders(found), found.truncated) == ([("redacted-1", 1, AssetKind.DERIVED)], False)


def layered(size: int) -> dict[str, list[str]]:
    """A DAG where asset i derives from assets (i - 1) // 2 and (i - 1) // 3: many paths, ~10 deep."""
    return {
        f"n{i:04d}": sorted({f"n{(i - 1) // 2:04d}", f"n{(i - 1) // 3:04d}"}) if i else []
        for i in range(size)
    }


def fewest_hops(graph: Graph, root: str, depth: int) -> dict[str, int]:
    """The expected answer, by breadth-first search in Python over the same graph, downstream."""
    derivatives: dict[str, list[str]] = {}
    for name, inputs in graph.items():
        for input_name in inputs:
            derivatives.setdefault(input_name, []).append(name)
    found, frontier = {root: 0}, [root]
    for distance in range(1, depth + 1):
        frontier = [d for name in frontier for d in derivatives.get(name, []) if d not in found]
        found.update((name, distance) for name in frontier)
    del found[root]
    return found


@pytest.mark.parametrize("depth", [50, 4])
async def test_a_thousand_asset_graph_takes_one_statement(db: Database, depth: int) -> None:
    graph = layered(1000)
    ids = await register(db, graph)

    with counting_statements(db) as statements:
        found = await walk(db, ids["n0000"], "DOWNSTREAM", depth=depth)

    assert len(statements) == 1
    assert dict(hops(found)) == fewest_hops(graph, "n0000", depth)
    assert found.truncated == (depth == 4)
    kept = {name for name, _ in hops(found)} | {"n0000"}
    assert links(found) == {(name, i) for name in kept for i in graph[name] if i in kept}


def ladder(size: int) -> dict[str, list[str]]:
    """Asset i derives from i - 1 and i - 2: a row of diamonds, where asset i lies at every
    distance from i / 2 to i, by paths that multiply with i."""
    return {f"n{i:03d}": [f"n{j:03d}" for j in (i - 1, i - 2) if j >= 0] for i in range(size)}


@pytest.mark.parametrize("depth", [50, 20])
async def test_a_diamond_heavy_graph_gives_each_node_once_at_its_fewest_hops(
    db: Database, depth: int
) -> None:
    graph = ladder(100)
    ids = await register(db, graph)

    with counting_statements(db) as statements:
        found = await walk(db, ids["n000"], "DOWNSTREAM", depth=depth)

    assert len(statements) == 1
    assert len(hops(found)) == len({name for name, _ in hops(found)})
    assert dict(hops(found)) == fewest_hops(graph, "n000", depth)
    assert found.truncated == (depth == 20)
    kept = {name for name, _ in hops(found)} | {"n000"}
    assert links(found) == {(name, i) for name in kept for i in graph[name] if i in kept}


async def test_the_limit_of_names_keeps_the_nearest_and_says_it_cut(db: Database) -> None:
    ids = await register(db, {**DIAMOND, "published": ["merged"]})

    whole = await walk(db, ids["raw"], "DOWNSTREAM", limit=4)
    cut = await walk(db, ids["raw"], "DOWNSTREAM", limit=3)
    within_a_distance = await walk(db, ids["raw"], "DOWNSTREAM", limit=1)

    assert (hops(whole), whole.truncated) == (
        [("left", 1), ("right", 1), ("merged", 2), ("published", 3)],
        False,
    )
    assert (hops(cut), cut.truncated) == ([("left", 1), ("right", 1), ("merged", 2)], True)
    assert links(cut) == {("left", "raw"), ("right", "raw"), ("merged", "left"), ("merged", "right")}
    assert (hops(within_a_distance), within_a_distance.truncated) == ([("left", 1)], True)


async def test_the_limit_of_names_counts_each_way_apart(db: Database) -> None:
    ids = await register(db, {**CHAIN, "published": ["curated"]})

    found = await walk(db, ids["sorted"], "BOTH", limit=1)

    assert (hops(found), found.truncated) == ([("curated", 1), ("raw", 1)], True)


async def test_the_limit_of_names_counts_unregistered_names(db: Database) -> None:
    ids = await register(db, by_name(RAW, SEGMENTED))

    found = await walk(db, ids[RAW], "DOWNSTREAM", limit=2)

    assert (unregistered(found), hops(found), found.truncated) == ([(FLATFIELD, 1), (FUSION, 2)], [], True)


async def test_downstream_finds_only_the_unregistered_names_that_extend_what_it_reached(db: Database) -> None:
    """Another primary's gapped lineage, and a name that merely starts like the root's, stay out."""
    other = "exaSPIM_703071_2024-07-09_12-52-33"
    lookalike = f"{RAW}0_fusion_2024-08-02_17-11-59_segmented_2024-09-01_10-00-00"
    ids = await register(
        db, by_name(RAW, SEGMENTED, other, f"{other}_a_2024-07-10_00-00-00_b_2024-07-11_00-00-00")
    )
    ids |= await register(db, {lookalike: [lookalike.rsplit("_", 3)[0]]})

    found = await walk(db, ids[RAW], "DOWNSTREAM")

    assert (unregistered(found), hops(found)) == ([(FLATFIELD, 1), (FUSION, 2)], [(SEGMENTED, 3)])
    assert links(found) == {(SEGMENTED, FUSION), (FUSION, FLATFIELD), (FLATFIELD, RAW)}
    assert not found.truncated


@strawberry.type
class ProvenanceQuery:
    """A stand-in for the Asset field the schema will carry, to serve the resolver over GraphQL."""

    @strawberry.field
    async def provenance(
        self, info: Info, asset_id: int, direction: ProvenanceDirection, depth: int
    ) -> ProvenanceGraph:
        return await resolve_provenance(asset_id, info, direction, depth, None)


QUERY = """query($id: Int!, $depth: Int!) { provenance(assetId: $id, direction: UPSTREAM, depth: $depth) {
  truncated nodes { hops asset { name kind } } edges { source target process } } }"""


@pytest.fixture
async def context(db: Database, vocabulary: Vocabulary, tmp_path: Path) -> AsyncIterator[Context]:
    settings = Settings(database_url=db.url, storage_url=str(tmp_path / "store"))
    stores = StoreRegistry(settings)
    context = Context.for_request(settings, db, stores, vocabulary)
    yield context
    await context.close()
    await stores.close()


async def test_the_resolver_serves_the_graph(db: Database, context: Context) -> None:
    ids = await register(db, CHAIN)
    schema = strawberry.Schema(query=ProvenanceQuery)

    result = await schema.execute(QUERY, {"id": ids["curated"], "depth": 1}, context_value=context)

    assert result.errors is None
    assert result.data == {
        "provenance": {
            "truncated": True,
            "nodes": [{"hops": 1, "asset": {"name": "sorted", "kind": "DERIVED"}}],
            "edges": [{"source": "curated", "target": "sorted", "process": "curated-process"}],
        }
    }


@pytest.mark.parametrize("depth", [0, 51])
async def test_a_depth_out_of_range_is_refused(db: Database, context: Context, depth: int) -> None:
    ids = await register(db, CHAIN)
    schema = CodedSchema(query=ProvenanceQuery)

    result = await schema.execute(QUERY, {"id": ids["curated"], "depth": depth}, context_value=context)

    assert result.errors is not None
    assert result.errors[0].message == f"depth must be between 1 and 50, not {depth}"
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}
