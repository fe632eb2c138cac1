"""The provenance graph around one asset: how far it reached, and the edges among its nodes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from catalog.errors import Invalid
from catalog.graphql.context import Info
from catalog.limits import MAX_PROVENANCE_DEPTH
from catalog.repo import provenance
from catalog.schemas.enums import ProvenanceDirection
from catalog.schemas.filters import AssetFilter

if TYPE_CHECKING:
    from catalog.graphql.types import Asset


@strawberry.type
class ProvenanceNode:
    hops: int = strawberry.field(description="The fewest edges between it and the asset asked about.")
    asset: Annotated["Asset", strawberry.lazy("catalog.graphql.types")]


@strawberry.type
class ProvenanceEdge:
    source: str = strawberry.field(description="The derived asset's name.")
    target: str = strawberry.field(description="The name of its input.")
    process: str | None = strawberry.field(description="The derived asset's process label.")


@strawberry.type
class ProvenanceGraph:
    nodes: list[ProvenanceNode]
    edges: list[ProvenanceEdge]
    truncated: bool = strawberry.field(description="The depth limit left some further asset out.")


async def resolve_provenance(
    asset_id: int,
    info: Info,
    direction: ProvenanceDirection,
    depth: int,
    node_filter: AssetFilter | None,
) -> ProvenanceGraph:
    """The lineage of one asset; ``node_filter`` narrows the nodes returned, not the walk."""
    from catalog.graphql.types import Asset  # types.py imports this module for its field

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
        nodes=[ProvenanceNode(hops=hops, asset=Asset(row=row)) for row, hops in found.nodes],
        edges=[ProvenanceEdge(source=s, target=t, process=p) for s, t, p in found.edges],
        truncated=found.truncated,
    )
