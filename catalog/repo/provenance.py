"""Provenance edges: derived asset → the names of its inputs, with where each edge came from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import (
    CTE,
    ColumnElement,
    Exists,
    Integer,
    Result,
    Select,
    Subquery,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from catalog.db.models import Asset, ProvenanceEdge
from catalog.repo.assets import visible
from catalog.repo.filters import condition
from catalog.schemas.enums import ProvenanceDirection

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.db.dialects import Dialect
    from catalog.schemas.filters import AssetFilter


async def add(session: AsyncSession, edges: Sequence[tuple[int, str, str, str | None]]) -> None:
    """(derived id, input name, source, input location) rows."""
    if edges:
        await session.execute(
            insert(ProvenanceEdge).execution_options(render_nulls=True),
            [
                {"derived_id": d, "input_name": n, "source": s, "input_location": loc}
                for d, n, s, loc in edges
            ],
        )


async def inputs_of(session: AsyncSession, asset_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    rows = await session.execute(
        select(ProvenanceEdge.derived_id, ProvenanceEdge.input_name, ProvenanceEdge.source)
        .where(ProvenanceEdge.derived_id.in_(asset_ids))
        .order_by(ProvenanceEdge.input_name)
    )
    found: dict[int, list[tuple[str, str]]] = {}
    for derived_id, name, source in rows:
        found.setdefault(derived_id, []).append((name, source))
    return found


async def inputs_by_derived(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[Asset]]:
    """The registered, visible inputs of each derived asset (one statement for many)."""
    inputs = visible().subquery()
    query = (
        select(ProvenanceEdge.derived_id, aliased(Asset, inputs))
        .join(inputs, inputs.c.name == ProvenanceEdge.input_name)
        .where(ProvenanceEdge.derived_id.in_(ids))
        .distinct()
        .order_by(ProvenanceEdge.derived_id, inputs.c.name)
    )
    found: dict[int, list[Asset]] = {}
    for derived_id, asset in await session.execute(query):
        found.setdefault(derived_id, []).append(asset)
    return found


async def derivatives_by_input(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[Asset]]:
    """The visible assets derived directly from each asset (one statement for many)."""
    sources = aliased(Asset)
    derived = visible().subquery()
    query = (
        select(sources.id, aliased(Asset, derived))
        .join(ProvenanceEdge, ProvenanceEdge.input_name == sources.name)
        .join(derived, derived.c.id == ProvenanceEdge.derived_id)
        .where(sources.id.in_(ids))
        .distinct()
        .order_by(sources.id, derived.c.name)
    )
    found: dict[int, list[Asset]] = {}
    for source_id, asset in await session.execute(query):
        found.setdefault(source_id, []).append(asset)
    return found


@dataclass(frozen=True, slots=True)
class Lineage:
    """The part of the provenance graph around one asset that a depth-limited walk reached."""

    nodes: list[tuple[Asset, int]]  # (asset, fewest hops from the root), root excluded, by hops then name
    edges: list[tuple[str, str, str | None]]  # (derived name, input name, the derived's process label)
    truncated: bool  # the depth limit left a neighbour of the outermost nodes unreached


def _visible_names() -> Subquery:
    """Every hop lands on a visible asset: a pending one is neither returned nor walked through."""
    return visible().with_only_columns(Asset.id, Asset.name).subquery()


Step = Callable[[CTE], Select[int, str, int]]


def _inputs_of(walk: CTE) -> Select[int, str, int]:
    """One hop upstream: the visible inputs, by name, of the assets in ``walk``."""
    inputs = _visible_names()
    return (
        select(inputs.c.id, inputs.c.name, (walk.c.hops + 1).label("hops"))
        .join_from(walk, ProvenanceEdge, ProvenanceEdge.derived_id == walk.c.id)
        .join(inputs, inputs.c.name == ProvenanceEdge.input_name)
    )


def _derivatives_of(walk: CTE) -> Select[int, str, int]:
    """One hop downstream: the visible assets that name an asset of ``walk`` as their input."""
    derived = _visible_names()
    return (
        select(derived.c.id, derived.c.name, (walk.c.hops + 1).label("hops"))
        .join_from(walk, ProvenanceEdge, ProvenanceEdge.input_name == walk.c.name)
        .join(derived, derived.c.id == ProvenanceEdge.derived_id)
    )


STEPS: dict[str, Step] = {"upstream": _inputs_of, "downstream": _derivatives_of}
DIRECTIONS: dict[ProvenanceDirection, tuple[str, ...]] = {
    ProvenanceDirection.UPSTREAM: ("upstream",),
    ProvenanceDirection.DOWNSTREAM: ("downstream",),
    ProvenanceDirection.BOTH: ("upstream", "downstream"),
}


def _walk(root_id: int, name: str, depth: int) -> CTE:
    """(id, name, hops) of the visible assets within ``depth`` steps of the root, recursively.

    UNION (not UNION ALL) keeps each (asset, hops) pair once and ``depth`` bounds hops, so a
    cycle ends and a diamond does not multiply paths: at most one row per asset and distance."""
    root = visible().with_only_columns(Asset.id, Asset.name, literal(0, Integer).label("hops"))
    walk = root.where(Asset.id == root_id).cte(name, recursive=True)
    return walk.union(STEPS[name](walk).where(walk.c.hops < depth))


def _cut(walk: CTE, depth: int, reached: CTE) -> Exists:
    """Whether an asset at the depth limit has a neighbour that no walk reached."""
    beyond = STEPS[walk.name](walk)
    return exists(beyond.where(walk.c.hops == depth, beyond.selected_columns.id.not_in(select(reached.c.id))))


async def lineage(
    session: AsyncSession,
    dialect: Dialect,
    root_id: int,
    *,
    direction: ProvenanceDirection,
    depth: int,
    node_filter: AssetFilter | None = None,
) -> Lineage:
    """The assets within ``depth`` hops of a visible root and the edges among them, in one statement.

    ``direction`` is UPSTREAM (inputs), DOWNSTREAM (derivatives) or BOTH (each walk from the
    root in its own direction). ``node_filter`` chooses the assets returned, not the ones walked
    through: an input two hops away is found behind a filtered-out one."""
    walks = [_walk(root_id, name, depth) for name in DIRECTIONS[direction]]
    every = union_all(*(select(walk.c.id, walk.c.hops) for walk in walks)).subquery()
    reached = select(every.c.id, func.min(every.c.hops).label("hops")).group_by(every.c.id).cte("reached")
    kept = visible().add_columns(reached.c.hops).join(reached, reached.c.id == Asset.id)
    if node_filter is not None:
        kept = kept.where(or_(Asset.id == root_id, condition(dialect, node_filter)))
    truncated = or_(*(_cut(walk, depth, reached) for walk in walks))
    rows = await session.execute(_nodes_with_inputs(kept.cte("kept"), truncated))
    return _assemble(root_id, rows)


NAME_SEPARATOR = " "
"""Joins the input names of one asset in a row: a name never holds a space (conventions/names)."""


def _nodes_with_inputs(kept: CTE, truncated: ColumnElement[bool]) -> Select[Asset, int, str | None, bool]:
    """A row per kept asset with its kept inputs' names joined in one string: nodes and edges at
    once, without repeating an asset's columns for each of its inputs."""
    kept_inputs = kept.alias("kept_inputs")
    links = (
        select(ProvenanceEdge.derived_id, ProvenanceEdge.input_name)
        .join(kept_inputs, kept_inputs.c.name == ProvenanceEdge.input_name)
        .distinct()  # one edge per input, whichever sources recorded it
        .subquery()
    )
    inputs = (
        select(links.c.derived_id, func.aggregate_strings(links.c.input_name, NAME_SEPARATOR).label("names"))
        .group_by(links.c.derived_id)
        .subquery()
    )
    return (
        select(aliased(Asset, kept), kept.c.hops, inputs.c.names, truncated.label("truncated"))
        .outerjoin(inputs, inputs.c.derived_id == kept.c.id)
        .order_by(kept.c.hops, kept.c.name)
    )


def _assemble(root_id: int, rows: Result[Asset, int, str | None, bool]) -> Lineage:
    nodes: list[tuple[Asset, int]] = []
    edges: list[tuple[str, str, str | None]] = []
    truncated = False  # the same on every row; no row at all when the root is not visible
    for asset, hops, names, cut in rows:
        truncated = bool(cut)
        if asset.id != root_id:
            nodes.append((asset, hops))
        inputs = sorted(names.split(NAME_SEPARATOR)) if names else []
        edges.extend((asset.name, name, asset.process_label) for name in inputs)
    return Lineage(nodes, edges, truncated)
