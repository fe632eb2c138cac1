"""Provenance edges: derived asset → the names of its inputs, with where each edge came from.

An input is named, not referenced: it may never be registered (intermediates are often not
kept). Such a name still links what it names to the input its own name encodes (a derived name
is ``<input name>_<process>_<date>_<time>``), computed in SQL, never stored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Result,
    Select,
    SQLColumnExpression,
    String,
    Subquery,
    and_,
    case,
    cast,
    delete,
    exists,
    false,
    func,
    insert,
    inspect,
    literal,
    null,
    or_,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.util import ClauseAdapter

from catalog.conventions.names import TOKEN_CHARACTERS, AssetKind, parse_name_or_none
from catalog.db.dialects.base import Names
from catalog.db.models import Asset, AssetState, ProvenanceEdge
from catalog.limits import MAX_PROVENANCE_NODES
from catalog.repo.filters import condition
from catalog.repo.visibility import readable, visible, withheld
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


async def remove_inputs(session: AsyncSession, derived_ids: Sequence[int]) -> None:
    """Drop the edges of assets whose metadata is replaced (rewritten from the new version)."""
    if derived_ids:
        await session.execute(delete(ProvenanceEdge).where(ProvenanceEdge.derived_id.in_(derived_ids)))


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
    """The registered, visible inputs of each derived asset (one statement for many). Past an input
    no asset has, the input its name encodes stands in, and so on up to a registered name."""
    recorded = select(ProvenanceEdge.derived_id, _as_name(ProvenanceEdge.input_name).label("name")).where(
        ProvenanceEdge.derived_id.in_(ids)
    )
    start = recorded.cte("up", recursive=True)
    implied = _implied_input(start.c.name)
    up = start.union(
        select(start.c.derived_id, implied)
        .outerjoin(Asset, Asset.name == start.c.name)
        .where(Asset.id.is_(None), implied.is_not(None))
    )
    inputs = visible().subquery()
    query = (
        select(up.c.derived_id, aliased(Asset, inputs))
        .join(inputs, inputs.c.name == up.c.name)
        .distinct()
        .order_by(up.c.derived_id, inputs.c.name)
    )
    found: dict[int, list[Asset]] = {}
    for derived_id, asset in await session.execute(query):
        found.setdefault(derived_id, []).append(asset)
    return found


async def derivatives_by_input(
    session: AsyncSession, dialect: Dialect, ids: Sequence[int]
) -> dict[int, list[Asset]]:
    """The visible assets derived directly from each asset (one statement for many), and those
    derived from a name no asset has whose name encodes it (at any remove)."""
    sources = select(Asset.id.label("source_id"), _as_name(Asset.name).label("name")).where(Asset.id.in_(ids))
    start = sources.cte("down", recursive=True)

    def names() -> Names:
        named = sources.subquery()
        return Names(named, named.c.name)

    gaps = _gaps(dialect, names)
    down = start.union(select(start.c.source_id, gaps.c.name).join(gaps, gaps.c.input_name == start.c.name))
    derived = visible().subquery()
    query = (
        select(down.c.source_id, aliased(Asset, derived))
        .join(ProvenanceEdge, ProvenanceEdge.input_name == down.c.name)
        .join(derived, derived.c.id == ProvenanceEdge.derived_id)
        .distinct()
        .order_by(down.c.source_id, derived.c.name)
    )
    found: dict[int, list[Asset]] = {}
    for source_id, asset in await session.execute(query):
        found.setdefault(source_id, []).append(asset)
    return found


_NAME = String(255)
"""The one type of every name a walk carries: PostgreSQL wants a recursive term's columns typed as
its start's, and a name computed by ``rtrim`` is text."""

_STAMP = "!_____-__-__!___-__-__"
"""LIKE (escape ``!``) for ``_<yyyy-mm-dd>_<HH-MM-SS>``, the end of every name."""
_STAMP_LENGTH = 20
_DERIVED = f"%{_STAMP}!_%{_STAMP}"
"""LIKE for a name with two stamps: a derived name."""


def _as_name(name: SQLColumnExpression[str]) -> ColumnElement[str]:
    return cast(name, _NAME)


def _implied_input(name: ColumnElement[str]) -> ColumnElement[str]:
    """The input a derived name encodes: it without its last ``_<process>_<date>_<time>``; NULL
    for a primary name. Portable SQL: drop the stamp, then ``rtrim`` with the characters a token
    may hold strips the process label, for a token never holds ``_``. A cheap LIKE (two stamps)
    guards the string work, which costs microseconds a name."""
    head = func.substr(name, 1, func.length(name) - _STAMP_LENGTH, type_=_NAME)
    stripped = func.rtrim(func.rtrim(head, TOKEN_CHARACTERS, type_=_NAME), "_", type_=_NAME)
    input_name = case((stripped.like(f"%{_STAMP}", escape="!"), stripped), else_=null())
    return _as_name(case((name.like(_DERIVED, escape="!"), input_name), else_=null()))


_Named = aliased(Asset, name="named")
"""An asset looked up by a name a walk computed, beside ``Asset``, the one ``readable`` and
``withheld`` speak of."""


def _gaps(dialect: Dialect, names: Callable[[], Names]) -> CTE:
    """(name, input_name) of every derived name that no asset has in any state, that a visible
    asset gives as an input or that such a name encodes, with the input its own name encodes:
    those that extend one of ``names`` (a fresh FROM item of them at each call). Walking
    downstream needs them listed: nothing stored leads from a name to the unregistered names that
    extend it, but such a name starts with it, and an input name's code-point order (the index
    ``ix_provenance_edges_input_binary`` on PostgreSQL) finds the edges that name one: looked up
    for each name apart, so that no planner reads every edge instead."""
    extended = names()
    input_name = ProvenanceEdge.input_name.collate(dialect.binary)
    extending = (
        select(dialect.name_list(_as_name(ProvenanceEdge.input_name)))
        .join(Asset, Asset.id == ProvenanceEdge.derived_id)
        .where(
            input_name >= extended.name + "_",
            input_name < extended.name + "`",  # the character after "_"
            ProvenanceEdge.input_name.like(_DERIVED, escape="!"),
            readable(),
            _unregistered(ProvenanceEdge.input_name),
        )
        .correlate(extended.source)
        .scalar_subquery()
    )
    named = dialect.names_in(extending)
    implied = _implied_input(named.name)
    gaps = (
        select(_as_name(named.name).label("name"), implied.label("input_name"))
        .select_from(extended.source)
        .join(named.source, true())
        .where(implied.is_not(None))
        .cte("gaps", recursive=True, nesting=True)
    )
    encoded = _implied_input(gaps.c.input_name)
    return gaps.union(
        select(gaps.c.input_name, encoded).where(_unregistered(gaps.c.input_name), encoded.is_not(None))
    )


def _unregistered(name: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """No asset has the name, in any state: looked up name by name (a scalar subquery, which no
    planner turns into a join with every asset's name)."""
    return select(_Named.id).where(_Named.name == name).scalar_subquery().is_(None)


@dataclass(frozen=True, slots=True)
class Node:
    """A name the walk reached: a visible asset; or (``asset`` None) a name that no asset has, given
    as an input by a visible asset or encoded in such a name (an intermediate never registered); or
    (``redacted``) an asset its viewer may not read, named by a placeholder unique in its lineage,
    whose kind alone is told and through which the walk went no further."""

    name: str
    hops: int  # the fewest edges between it and the root
    asset: Asset | None
    kind: AssetKind | None  # None for a name no asset has that does not parse
    process_label: str | None  # the asset's, or the one its name gives
    processed_at: datetime | None  # likewise; a name's unknown local zone read as UTC
    redacted: bool = False


@dataclass(frozen=True, slots=True)
class Lineage:
    """The part of the provenance graph around one asset that a depth-limited walk reached."""

    nodes: list[Node]  # root excluded, by hops then name
    edges: list[tuple[str, str, str | None]]  # (derived name, input name, the derived's process label)
    truncated: bool  # the depth limit, or the limit of names, left a further name unreached


def _hidden() -> ColumnElement[bool]:
    """Whether a node is an asset its viewer may not read: a placeholder, a dead end. A pending
    asset is no node at all, and the steps below leave it out."""
    return case((withheld(), literal(True)), else_=literal(False))


def _open() -> ColumnElement[bool]:
    """Whether the walk goes on through a name, ``Asset`` being the asset of that name if any:
    through any but a placeholder."""
    return or_(Asset.id.is_(None), ~withheld())


Step = Callable[["Dialect", Callable[[], Names]], Select[str]]
"""One hop from a set of names (a fresh FROM item of them at each call) to the names of their
neighbours, with repeats. No hop leaves a placeholder."""


def _inputs_of(dialect: Dialect, names: Callable[[], Names]) -> Select[str]:
    """One hop upstream: the inputs that a registered asset's edges name, or the input that the
    name of an unregistered one encodes."""
    walked = names()
    encoded = case((Asset.id.is_(None), _implied_input(walked.name)))
    name = _as_name(func.coalesce(ProvenanceEdge.input_name, encoded))
    return (
        select(name.label("name"))
        .select_from(walked.source)
        .outerjoin(Asset, Asset.name == walked.name)
        .outerjoin(ProvenanceEdge, ProvenanceEdge.derived_id == Asset.id)
        .outerjoin(_Named, _Named.name == name)
        .where(_open(), name.is_not(None), or_(_Named.id.is_(None), _Named.state == AssetState.READY))
    )


def _derivatives_of(dialect: Dialect, names: Callable[[], Names]) -> Select[str]:
    """One hop downstream: the registered assets whose edges name one of ``names``, and the
    unregistered names that encode one (``_gaps``)."""
    walked = names()
    recorded = (
        select(_as_name(_Named.name).label("name"))
        .select_from(walked.source)
        .outerjoin(Asset, Asset.name == walked.name)
        .join(ProvenanceEdge, ProvenanceEdge.input_name == walked.name)
        .join(_Named, and_(_Named.id == ProvenanceEdge.derived_id, _Named.state == AssetState.READY))
        .where(_open())
    )
    gaps = _gaps(dialect, names)
    opened = names()
    through = select(opened.name).select_from(opened.source).outerjoin(Asset, Asset.name == opened.name)
    encoding = select(gaps.c.name).where(gaps.c.input_name.in_(through.where(_open())))
    return union_all(recorded, encoding).subquery().select()


DIRECTIONS: dict[ProvenanceDirection, tuple[str, ...]] = {
    ProvenanceDirection.UPSTREAM: ("upstream",),
    ProvenanceDirection.DOWNSTREAM: ("downstream",),
    ProvenanceDirection.BOTH: ("upstream", "downstream"),
}
STEPS: dict[str, Step] = {"upstream": _inputs_of, "downstream": _derivatives_of}


def _walk(dialect: Dialect, root_id: int, way: str, depth: int, limit: int) -> CTE:
    """(hops, new, before): a row per distance from a visible root, each with the names first
    reached at it (``new``) and those reached nearer (``before``), as ``name_list`` values, one
    step further than ``depth`` (what the limit cut). Breadth first, each name is walked once,
    at its fewest hops, whatever paths lead to it; a distance reads at most ``limit`` + 1 new
    names (the first by name), and the walk stops past ``limit`` names."""
    root = visible().with_only_columns(
        literal(0, Integer).label("hops"),
        dialect.name_list(_as_name(Asset.name)).label("new"),
        dialect.no_names().label("before"),
    )
    walk = root.where(Asset.id == root_id).cte(way, recursive=True)
    step = STEPS[way](dialect, lambda: dialect.names_in(walk.c.new))
    met = (dialect.names_in(walk.c.before), dialect.names_in(walk.c.new))
    found = step.subquery()
    new = (
        select(found.c.name)
        .where(*(found.c.name.not_in(select(m.name).select_from(m.source)) for m in met))
        .distinct()
        .order_by(found.c.name)
        .limit(limit + 1)
        .subquery()
    )
    reached = dialect.name_count(walk.c.before) + dialect.name_count(walk.c.new)
    return walk.union_all(
        select(
            walk.c.hops + 1,
            select(dialect.name_list(new.c.name)).scalar_subquery(),
            dialect.joined_names(walk.c.before, walk.c.new),
        ).where(walk.c.hops <= depth, dialect.name_count(walk.c.new) > 0, reached <= limit + 1)
    )


def _nodes(dialect: Dialect, walk: CTE, depth: int, limit: int) -> Subquery:
    """(name, hops) of the walk's names within ``depth`` hops, the root's included: the nearest
    ``limit`` + 1 of them (by hops, then name)."""
    names = dialect.names_in(walk.c.new)
    return (
        select(_as_name(names.name).label("name"), walk.c.hops)
        .select_from(walk)
        .join(names.source, true())
        .where(walk.c.hops <= depth)
        .order_by(walk.c.hops, names.name)
        .limit(limit + 1)
        .subquery()
    )


def _cut(dialect: Dialect, walk: CTE, depth: int, limit: int, reached: CTE) -> ColumnElement[bool]:
    """Whether the walk left a name out: past ``limit`` names, or one step past ``depth`` a name
    that no walk reached (a name beyond a placeholder is no name the limit left out)."""
    beyond = dialect.names_in(walk.c.new)
    too_many = dialect.name_count(walk.c.before) + dialect.name_count(walk.c.new) > limit + 1
    return or_(
        exists(select(walk.c.hops).where(walk.c.hops <= depth, too_many)),
        exists(
            select(walk.c.hops)
            .select_from(walk)
            .join(beyond.source, true())
            .where(walk.c.hops == depth + 1, beyond.name.not_in(select(reached.c.name)))
        ),
    )


def _reached_from(dialect: Dialect, walk: CTE, depth: int) -> Select[str, str]:
    """(placeholder, via) for each node of a downstream walk a placeholder derives from: the one
    edge of it its lineage shows. A placeholder is reached from every open node nearer than
    ``depth`` whose name one of its edges gives."""
    walked = dialect.names_in(walk.c.new)
    return (
        select(_as_name(Asset.name).label("name"), _as_name(walked.name).label("via"))
        .select_from(walk)
        .join(walked.source, true())
        .outerjoin(_Named, _Named.name == walked.name)
        .join(ProvenanceEdge, ProvenanceEdge.input_name == walked.name)
        .join(Asset, Asset.id == ProvenanceEdge.derived_id)
        .where(walk.c.hops < depth, withheld(), or_(_Named.id.is_(None), ~_adapted_withheld()))
    )


def _adapted_withheld() -> ColumnElement[bool]:
    """``withheld`` of ``_Named`` rather than ``Asset``."""
    adapted: ColumnElement[bool] = ClauseAdapter(inspect(_Named).selectable).traverse(withheld())
    return adapted


async def lineage(
    session: AsyncSession,
    dialect: Dialect,
    root_id: int,
    *,
    direction: ProvenanceDirection,
    depth: int,
    node_filter: AssetFilter | None = None,
    limit: int = MAX_PROVENANCE_NODES,
) -> Lineage:
    """The nodes within ``depth`` hops of a visible root and the edges among them, in one statement.

    ``direction`` is UPSTREAM (inputs), DOWNSTREAM (derivatives) or BOTH (each walk from the
    root in its own direction). A name no asset has is a node too, and the walk goes on through
    it to the names it encodes (upstream) or that encode it (downstream), as if it were
    registered. ``node_filter`` chooses the assets returned, not the ones walked through: an
    input two hops away is found behind a filtered-out one; it matches registered assets only.
    Each walk keeps its nearest ``limit`` names (by hops, then name) and is truncated past them."""
    walks = {way: _walk(dialect, root_id, way, depth, limit) for way in DIRECTIONS[direction]}
    near = [_nodes(dialect, walk, depth, limit) for walk in walks.values()]
    every = union_all(*(select(nodes.c.name, nodes.c.hops) for nodes in near)).subquery()
    reached = select(every.c.name, func.min(every.c.hops).label("hops")).group_by(every.c.name).cte("reached")
    # The walk lands only on registered assets and on names no asset has: the join needs no other test.
    kept = (
        select(Asset, reached.c.name.label("node_name"), reached.c.hops, _hidden().label("hidden"))
        .select_from(reached)
        .outerjoin(Asset, Asset.name == reached.c.name)
    )
    if node_filter is not None:  # never tested on a placeholder: whether it matches is its own
        kept = kept.where(
            or_(
                Asset.id == root_id, and_(Asset.id.is_not(None), ~withheld(), condition(dialect, node_filter))
            )
        )
    downstream = walks.get("downstream")
    reached_from = (
        _reached_from(dialect, downstream, depth)
        if downstream is not None
        else select(cast(null(), _NAME).label("name"), cast(null(), _NAME).label("via")).where(false())
    ).subquery("reached_from")
    truncated = or_(*(_cut(dialect, walk, depth, limit, reached) for walk in walks.values()))
    rows = await session.execute(_nodes_with_inputs(kept.cte("kept"), reached_from, truncated))
    return _assemble(rows)


NAME_SEPARATOR = " "
"""Joins the input names of one asset in a row: a name never holds a space (conventions/names)."""


def _nodes_with_inputs(
    kept: CTE, reached_from: Subquery, truncated: ColumnElement[bool]
) -> Select[Asset | None, str, int, bool, str | None, str | None, bool]:
    """A row per kept node with its inputs' names joined in strings: nodes and edges at once,
    without repeating an asset's columns for each of its inputs. A registered node's inputs are
    its edges' (all of them, looked up by the node's id: the caller keeps those of kept nodes);
    an unregistered one's, the input its name encodes; a placeholder's, only the nodes the walk
    reached it from (its other edges are its own, hidden)."""
    kept_inputs = kept.alias("kept_inputs")
    recorded = (
        select(func.aggregate_strings(ProvenanceEdge.input_name, NAME_SEPARATOR))
        .where(ProvenanceEdge.derived_id == kept.c.id, ~kept.c.hidden)
        .scalar_subquery()
    )
    encoded = _implied_input(kept.c.node_name)
    implied = (
        select(kept.c.node_name.label("derived_name"), encoded.label("input_name"))
        .join(kept_inputs, kept_inputs.c.node_name == encoded)
        .where(kept.c.id.is_(None))
    )
    walked = (
        select(kept.c.node_name, reached_from.c.via)
        .join(reached_from, reached_from.c.name == kept.c.node_name)
        .join(kept_inputs, kept_inputs.c.node_name == reached_from.c.via)
    )
    links = union(implied, walked).subquery()
    inputs = (
        select(
            links.c.derived_name, func.aggregate_strings(links.c.input_name, NAME_SEPARATOR).label("names")
        )
        .group_by(links.c.derived_name)
        .subquery()
    )
    return (
        select(
            aliased(Asset, kept),
            kept.c.node_name,
            kept.c.hops,
            kept.c.hidden,
            recorded.label("recorded"),
            inputs.c.names,
            truncated.label("truncated"),
        )
        .outerjoin(inputs, inputs.c.derived_name == kept.c.node_name)
        .order_by(kept.c.hops, kept.c.node_name)
    )


def _told(
    asset: Asset | None, name: str, *, hidden: bool
) -> tuple[AssetKind | None, str | None, datetime | None]:
    """A node's kind, process label and processing time: the asset's, or what a name no asset has
    gives; of a placeholder, its kind alone."""
    if asset is not None:
        kind = AssetKind(asset.kind)
        return (kind, None, None) if hidden else (kind, asset.process_label, asset.processed_at)
    parsed = parse_name_or_none(name)
    if parsed is None:
        return None, None, None
    processed = parsed.processed.replace(tzinfo=UTC) if parsed.processed else None
    return parsed.kind, parsed.process_label, processed


PLACEHOLDER = "redacted-{}"
"""The name a lineage gives an asset its viewer may not read: numbered in the order of its nodes,
never a name an asset can have (a name starts with a modality and a subject: conventions/names)."""


def _assemble(rows: Result[Asset | None, str, int, bool, str | None, str | None, bool]) -> Lineage:
    found = rows.all()
    kept = {r[1] for r in found}
    placeholders = {name: PLACEHOLDER.format(i) for i, name in enumerate((r[1] for r in found if r[3]), 1)}
    nodes: list[Node] = []
    edges: list[tuple[str, str, str | None]] = []
    truncated = False  # the same on every row; no row at all when the root is not visible
    for asset, name, hops, hidden, recorded, names, cut in found:
        truncated = bool(cut)
        shown = placeholders.get(name, name)
        kind, process, processed = _told(asset, name, hidden=bool(hidden))
        if hops:
            nodes.append(Node(shown, hops, None if hidden else asset, kind, process, processed, bool(hidden)))
        given = {n for joined in (recorded, names) if joined for n in joined.split(NAME_SEPARATOR)}
        inputs = sorted(placeholders.get(n, n) for n in given & kept)  # an edge once, whoever gave it
        edges.extend((shown, input_name, process) for input_name in inputs)
    return Lineage(nodes, edges, truncated)
