"""Aggregates: group the matching assets and measure each group."""

from __future__ import annotations

import strawberry

from catalog.schemas.enums import AggregateOp, Comparison, CountUnit, DateBucket, FacetField, MeasureField
from catalog.schemas.paths import MetadataPath


@strawberry.input(description="A dimension (field) or any metadata value (path), one of the two.")
class GroupKey:
    field: FacetField | None = None
    path: MetadataPath | None = None
    bucket: DateBucket | None = strawberry.field(
        default=None, description="Group a path's ISO dates by day, month or year."
    )


@strawberry.input(
    description="What to compute per group: a typed field or the values a metadata path reaches."
)
class Measure:
    op: AggregateOp
    field: MeasureField | None = None
    path: MetadataPath | None = None
    unit: CountUnit = strawberry.field(
        default=CountUnit.ASSETS,
        description="What COUNT counts: assets, distinct subjects, or array elements.",
    )


@strawberry.input(description="Keep groups whose measure (by its index in measures) compares so.")
class HavingPredicate:
    measure: int
    op: Comparison
    value: float


@strawberry.input(
    description="Order by a measure or a group key (by index); groups are always ordered by their keys last."
)
class AggregateOrder:
    measure: int | None = None
    key: int | None = None
    descending: bool = False
