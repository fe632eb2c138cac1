"""aggregate: the questions asked of metadata ("how many, per what, how long, how old")
answered in one request, computed in the database."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from catalog.graphql.context import Info
from catalog.repo import aggregates
from catalog.schemas.aggregates import AggregateOrder, GroupKey, HavingPredicate, Measure
from catalog.schemas.filters import AssetFilter


@strawberry.type
class AggregateRow:
    keys: list[JSON | None]
    values: list[float | None]


@strawberry.type
class AggregateResult:
    rows: list[AggregateRow]
    truncated: bool = strawberry.field(description="More groups matched than `first`.")


async def resolve_aggregate(
    info: Info,
    spec: AssetFilter | None,
    group_by: list[GroupKey] | None,
    measures: list[Measure],
    having: list[HavingPredicate] | None,
    order_by: list[AggregateOrder] | None,
    first: int,
) -> AggregateResult:
    db = info.context.db
    async with db.reader() as session:
        rows, truncated = await aggregates.aggregate(
            session,
            db.dialect,
            info.context.filter(spec),
            group_by or [],
            measures,
            having or [],
            order_by or [],
            first,
        )
    return AggregateResult(
        rows=[AggregateRow(keys=row.keys, values=row.values) for row in rows], truncated=truncated
    )
