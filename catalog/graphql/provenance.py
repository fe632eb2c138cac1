"""The provenance graph around one asset: how far it reached, and the edges among its nodes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from catalog.conventions.names import AssetKind
from catalog.errors import Invalid
from catalog.graphql.context import Info
from catalog.limits import MAX_PROVENANCE_DEPTH, MAX_PROVENANCE_NODES
from catalog.repo import provenance
from catalog.schemas.enums import ProvenanceDirection
from catalog.schemas.filters import AssetFilter

if TYPE_CHECKING:
    from catalog.graphql.types import Asset


@strawberry.type(
    description="An asset of the lineage, or a name that no asset has (an intermediate that was never "
    "registered): its name, and the process and time its name gives. An asset its viewer may not "
    "read is a redacted placeholder: its hops and kind, never its name, and the walk does not go "
    "on through it."
)
class ProvenanceNode:
    name: str = strawberry.field(
        description="Its name; for a redacted node a placeholder (redacted-1, ...) unique in this "
        "graph, which its edges use, never an asset's name."
    )
    hops: int = strawberry.field(description="The fewest edges between it and the asset asked about.")
    registered: bool = strawberry.field(
        description="Whether an asset has this name; if not, the walk went on through it."
    )
    redacted: bool = strawberry.field(
        description="An asset its viewer may not read: only hops and kind are told; its edges are "
        "those that reached it."
    )
    kind: AssetKind | None = strawberry.field(
        description="Primary or derived: the asset's, or the one its name gives (null if it gives none)."
    )
    process_label: str | None = strawberry.field(
        description="Its process label: the asset's, or the one its name gives."
    )
    processed_at: datetime | None = strawberry.field(
        description="When it was processed: the asset's time, or the one its name gives, in the "
        "name's unknown local zone read as UTC (as registration reads a name without metadata)."
    )
    asset: Annotated["Asset", strawberry.lazy("catalog.graphql.types")] | None = strawberry.field(
        description="Null when no asset has this name."
    )


def _node(node: provenance.Node) -> ProvenanceNode:
    from catalog.graphql.types import Asset  # types.py imports this module for its field

    return ProvenanceNode(
        name=node.name,
        hops=node.hops,
        registered=node.asset is not None or node.redacted,
        redacted=node.redacted,
        kind=node.kind,
        process_label=node.process_label,
        processed_at=node.processed_at,
        asset=Asset.of(node.asset) if node.asset is not None else None,
    )


@strawberry.type
class ProvenanceEdge:
    source: str = strawberry.field(description="The derived asset's name.")
    target: str = strawberry.field(description="The name of its input.")
    process: str | None = strawberry.field(description="The derived asset's process label.")


@strawberry.type
class ProvenanceGraph:
    nodes: list[ProvenanceNode]
    edges: list[ProvenanceEdge]
    truncated: bool = strawberry.field(
        description="The depth limit, or the limit of names one walk reaches "
        f"({MAX_PROVENANCE_NODES:,} each way, the nearest kept), left some further name out."
    )


async def resolve_provenance(
    asset_id: int,
    info: Info,
    direction: ProvenanceDirection,
    depth: int,
    node_filter: AssetFilter | None,
) -> ProvenanceGraph:
    """The lineage of one asset; ``node_filter`` narrows the nodes returned, not the walk."""
    if not 1 <= depth <= MAX_PROVENANCE_DEPTH:
        raise Invalid(f"depth must be between 1 and {MAX_PROVENANCE_DEPTH}, not {depth}")
    db = info.context.db
    async with db.reader() as session:
        found = await provenance.lineage(
            session,
            db.dialect,
            asset_id,
            direction=direction,
            depth=depth,
            node_filter=info.context.filter(node_filter),
        )
    return ProvenanceGraph(
        nodes=[_node(node) for node in found.nodes],
        edges=[ProvenanceEdge(source=s, target=t, process=p) for s, t, p in found.edges],
        truncated=found.truncated,
    )
