"""aggregate: the questions asked of metadata ("how many, per what, how long, how old")
answered in one request, computed in the database."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from catalog.errors import Invalid
from catalog.graphql.context import Info
from catalog.repo import aggregates
from catalog.schemas.aggregates import AggregateOrder, GroupKey, HavingPredicate, Measure
from catalog.schemas.filters import AssetFilter
from catalog.schemas.paths import MetadataPath
from catalog.schemas.zones import time_zone


@strawberry.type
class AggregateRow:
    keys: list[JSON | None]
    values: list[float | None] = strawberry.field(
        description="The measures, then the formulas; a time's MIN or MAX as epoch seconds."
    )
    cells: strawberry.Private[list[Any]]
    names: strawberry.Private[list[str]]

    @strawberry.field(
        description="The row by name (the names of columns): keys, measures and formulas; a time's "
        "MIN or MAX as ISO 8601 in the request's time zone, a date's as its day."
    )
    def record(self) -> JSON:
        return cast("JSON", dict(zip(_unique(self.names), [*self.keys, *self.cells], strict=True)))


@strawberry.type
class AggregateResult:
    rows: list[AggregateRow]
    truncated: bool = strawberry.field(description="More groups matched than `first`.")
    names: strawberry.Private[list[str]]

    @strawberry.field(description="The name of each group key, measure and formula, in order (`as`).")
    def columns(self) -> list[str]:
        return _unique(self.names)


def _unique(names: list[str]) -> list[str]:
    """Names read by name must be told apart: a clash is refused only where names are read."""
    clashing = sorted({name for name in names if names.count(name) > 1})
    if clashing:
        raise Invalid(f"two columns are named {clashing[0]!r}: name one of them with `as`")
    return names


async def resolve_aggregate(
    info: Info,
    spec: AssetFilter | None,
    group_by: list[GroupKey] | None,
    measures: list[Measure],
    having: list[HavingPredicate] | None,
    order_by: list[AggregateOrder] | None,
    first: int,
    *,
    unwind: MetadataPath | None = None,
    formulas: list[str],
    zone_name: str | None = None,
) -> AggregateResult:
    db, zone = info.context.db, time_zone(zone_name)
    where = info.context.filter(spec, zone)

    async def compute() -> tuple[list[aggregates.Row], bool]:
        async with db.reader() as session:
            return await aggregates.aggregate(
                session,
                db.dialect,
                where,
                group_by or [],
                measures,
                having or [],
                order_by or [],
                first,
                unwind=unwind,
                formulas=formulas,
                zone=zone,
            )

    question = (
        "aggregate",
        repr((where, group_by, measures, having, order_by, unwind, formulas)),
        first,
        zone.key,
    )
    rows, truncated = await info.context.answers.get(db, question, compute)
    names = [*(key.name for key in group_by or []), *(m.name for m in measures), *formulas]
    return AggregateResult(
        rows=[
            AggregateRow(
                keys=row.keys,
                values=row.values,
                cells=[
                    *(aggregates.readable(m, v, zone) for m, v in zip(measures, row.values, strict=False)),
                    *row.values[len(measures) :],
                ],
                names=names,
            )
            for row in rows
        ],
        truncated=truncated,
        names=names,
    )
