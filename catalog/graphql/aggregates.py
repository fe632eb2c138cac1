"""aggregate: the questions asked of metadata ("how many, per what, how long, how old")
answered in one request, computed in the database."""

from __future__ import annotations

import enum

import strawberry
from strawberry.scalars import JSON

from catalog.graphql.context import Info
from catalog.graphql.facets import CountUnit, FacetField, MetadataPath
from catalog.graphql.inputs import AssetFilter, PredicateOp, where_clause
from catalog.repo import aggregates


@strawberry.enum
class AggregateOp(enum.Enum):
    COUNT = "COUNT"
    COUNT_DISTINCT = "COUNT_DISTINCT"
    MIN = "MIN"
    MAX = "MAX"
    AVG = "AVG"
    SUM = "SUM"


@strawberry.enum
class MeasureField(enum.Enum):
    ASSET = "ASSET"
    SUBJECT = "SUBJECT"
    ACQUISITION_DURATION = strawberry.enum_value("ACQUISITION_DURATION", description="Seconds.")
    SUBJECT_AGE_AT_ACQUISITION = strawberry.enum_value("SUBJECT_AGE_AT_ACQUISITION", description="Days.")
    PROCESSING_DURATION = strawberry.enum_value("PROCESSING_DURATION", description="Seconds.")
    FILE_COUNT = "FILE_COUNT"
    TOTAL_SIZE = strawberry.enum_value("TOTAL_SIZE", description="Bytes.")


@strawberry.enum
class DateBucket(enum.Enum):
    DAY = "DAY"
    MONTH = "MONTH"
    YEAR = "YEAR"


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
    op: PredicateOp
    value: float


@strawberry.input(
    description="Order by a measure or a group key (by index); groups are always ordered by their keys last."
)
class AggregateOrder:
    measure: int | None = None
    key: int | None = None
    descending: bool = False


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
    async with info.context.db.reader() as session:
        rows, truncated = await aggregates.aggregate(
            session,
            info.context.db.dialect,
            where_clause(info, spec),
            [_group(key) for key in group_by or []],
            [_measure(measure) for measure in measures],
            [aggregates.Having(h.measure, h.op.value, h.value) for h in having or []],
            [aggregates.Order(o.measure, o.key, o.descending) for o in order_by or []],
            first,
        )
    return AggregateResult(
        rows=[AggregateRow(keys=row.keys, values=row.values) for row in rows], truncated=truncated
    )


def _group(key: GroupKey) -> aggregates.GroupKey:
    return aggregates.GroupKey(
        field=key.field.value if key.field else None,
        document=key.path.document if key.path else None,
        path=key.path.path if key.path else None,
        bucket=key.bucket.value if key.bucket else None,
    )


def _measure(measure: Measure) -> aggregates.Measure:
    return aggregates.Measure(
        op=measure.op.value,
        field=measure.field.value if measure.field else None,
        document=measure.path.document if measure.path else None,
        path=measure.path.path if measure.path else None,
        unit=measure.unit.value,
    )
