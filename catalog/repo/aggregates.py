"""Aggregates: group the assets a filter selects by dimensions or metadata values and
measure each group, in one SQL statement on either dialect.

The statement reads in three steps. ``grouped`` holds each (asset, group keys) pair once; a
multi-valued key (modality, a path crossing arrays) puts an asset in several groups. Each
measure is a grouped subquery over it (column measures read the asset row once per group,
path measures the values the path reaches). The measures are joined on the keys (NULL keys
included), filtered by HAVING, ordered and cut to ``first`` rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Float, and_, cast, func, literal, select, true

from catalog.db.models import Asset, AssetState, MetadataDocument
from catalog.errors import Invalid
from catalog.limits import MAX_AGGREGATE_ROWS, MAX_GROUPS, MAX_MEASURES
from catalog.repo import facets
from catalog.repo.filters import condition
from catalog.schemas.enums import Comparison, FacetField

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.sql.selectable import CTE, Subquery

    from catalog.db.dialects import Dialect
    from catalog.schemas.aggregates import AggregateOrder, GroupKey, HavingPredicate, Measure
    from catalog.schemas.filters import AssetFilter
    from catalog.schemas.paths import MetadataPath

COLUMN_MEASURES = {
    "ACQUISITION_DURATION": Asset.acquisition_duration,
    "SUBJECT_AGE_AT_ACQUISITION": Asset.subject_age_at_acquisition,
    "PROCESSING_DURATION": Asset.processing_duration,
    "FILE_COUNT": Asset.file_count,
    "TOTAL_SIZE": Asset.total_size,
}
BUCKETS = {"YEAR": 4, "MONTH": 7, "DAY": 10}
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
HAVING_OPS = {
    Comparison.EQ: "__eq__",
    Comparison.NE: "__ne__",
    Comparison.LT: "__lt__",
    Comparison.LTE: "__le__",
    Comparison.GT: "__gt__",
    Comparison.GTE: "__ge__",
}


@dataclass(frozen=True, slots=True)
class Row:
    keys: list[Any]
    values: list[float | None]


async def aggregate(
    session: AsyncSession,
    dialect: Dialect,
    spec: AssetFilter | None,
    groups: Sequence[GroupKey],
    measures: Sequence[Measure],
    having: Sequence[HavingPredicate] = (),
    orders: Sequence[AggregateOrder] = (),
    first: int = 100,
) -> tuple[list[Row], bool]:
    """Rows of (group keys, measure values) and whether ``first`` cut them."""
    _check(groups, measures, having, orders, first)
    where = condition(dialect, spec)
    key_names = [f"k{i}" for i in range(len(groups))]
    if all(key.field is not None for key in groups) and all(m.path is None for m in measures):
        query, base, value_columns, types = _single_pass(dialect, where, groups, measures, key_names)
    else:
        query, base, value_columns, types = _joined_measures(dialect, where, groups, measures, key_names)
    for rule in having:
        column = value_columns[rule.measure]
        query = query.where(getattr(column, HAVING_OPS[rule.op])(rule.value))
    query = query.order_by(*_ordering(base, key_names, value_columns, orders)).limit(first + 1)
    rows = [row._mapping for row in (await session.execute(query)).all()]
    found = [
        Row(
            keys=[
                dialect.reached_value(row[name], row[types[name]]) if name in types else row[name]
                for name in key_names
            ],
            values=[row[f"v{j}"] for j in range(len(measures))],
        )
        for row in rows[:first]
    ]
    return found, len(rows) > first


def _single_pass(
    dialect: Dialect,
    where: ColumnElement[bool],
    groups: Sequence[GroupKey],
    measures: Sequence[Measure],
    key_names: list[str],
) -> tuple[Any, Any, list[Any], dict[str, str]]:
    """Typed keys and typed measures only: one GROUP BY over the assets. Each (asset, keys)
    row is unique (the key tables' primary keys), so assets are counted without DISTINCT."""
    query: Any = select().select_from(Asset)
    keys = []
    for name, key in zip(key_names, groups, strict=True):
        value, joined = facets.dimension(dialect, _field(key), keep_missing=True)
        query = joined(query)
        keys.append(value.label(name))
    values = [cast(_single_pass_value(m), Float).label(f"v{j}") for j, m in enumerate(measures)]
    grouped = (
        query.add_columns(*keys, *values)
        .where(Asset.state == AssetState.READY, where)
        .group_by(*keys)
        .subquery("groups")
    )
    value_columns = [grouped.c[f"v{j}"] for j in range(len(measures))]
    return select(grouped), grouped, value_columns, {}


def _single_pass_value(measure: Measure) -> Any:
    subjects = measure.field == "SUBJECT" or measure.unit == "SUBJECTS"
    if measure.field in ("ASSET", "SUBJECT"):
        return func.count(Asset.subject_id.distinct()) if subjects else func.count()
    column = COLUMN_MEASURES[measure.field or ""]
    if measure.op == "COUNT":
        return func.count(Asset.subject_id.distinct()) if subjects else func.count(column)
    if measure.op == "COUNT_DISTINCT":
        return func.count(column.distinct())
    return getattr(func, measure.op.lower())(column)


def _joined_measures(
    dialect: Dialect,
    where: ColumnElement[bool],
    groups: Sequence[GroupKey],
    measures: Sequence[Measure],
    key_names: list[str],
) -> tuple[Any, Any, list[Any], dict[str, str]]:
    """Path keys or path measures: the grouping computed once, each measure grouped over it and
    joined back on the keys."""
    grouped, types = _grouped(dialect, where, groups)
    hidden = [types[name] for name in key_names if name in types]  # SQLite: JSON types of path keys
    # Without keys there is one group, of everything: one row to join the measures to.
    keys = [grouped.c[name] for name in key_names + hidden] or [literal(1).label("everything")]
    base = select(*keys).distinct().subquery("groups")
    query: Any = select(*(base.c[name] for name in key_names + hidden)).select_from(base)
    value_columns = []
    for index, measure in enumerate(measures):
        measured = _measure(dialect, grouped, key_names + hidden, measure).subquery(f"m{index}")
        query = query.outerjoin(measured, _same_keys(base, measured, key_names + hidden))
        value = measured.c.v
        if measure.op in ("COUNT", "COUNT_DISTINCT"):
            value = func.coalesce(value, 0)
        value_columns.append(cast(value, Float).label(f"v{index}"))
    return query.add_columns(*value_columns), base, value_columns, types


def _check(
    groups: Sequence[GroupKey],
    measures: Sequence[Measure],
    having: Sequence[HavingPredicate],
    orders: Sequence[AggregateOrder],
    first: int,
) -> None:
    if not measures or len(measures) > MAX_MEASURES:
        raise Invalid(f"give between 1 and {MAX_MEASURES} measures")
    if len(groups) > MAX_GROUPS:
        raise Invalid(f"group by at most {MAX_GROUPS} keys")
    if not 0 < first <= MAX_AGGREGATE_ROWS:
        raise Invalid(f"first must be between 1 and {MAX_AGGREGATE_ROWS}")
    for key in groups:
        if (key.field is None) == (key.path is None):
            raise Invalid("a group key takes exactly one of field and path")
        if key.bucket is not None and key.path is None:
            raise Invalid(
                "bucket groups a metadata path's dates; for acquisition dates group by YEAR or MONTH"
            )
    for measure in measures:
        if (measure.field is None) == (measure.path is None):
            raise Invalid(f"measure {measure.op} takes exactly one of field and path")
        if measure.unit == "ELEMENTS" and (measure.path is None or measure.op != "COUNT"):
            raise Invalid("ELEMENTS counts the array elements a path reaches: use COUNT with a path")
        if measure.field in ("ASSET", "SUBJECT") and measure.op not in ("COUNT", "COUNT_DISTINCT"):
            raise Invalid(f"{measure.field} can only be counted")
    for rule in having:
        if not 0 <= rule.measure < len(measures):
            raise Invalid(f"having refers to measure {rule.measure}, which does not exist")
    for order in orders:
        if (order.measure is None) == (order.key is None):
            raise Invalid("an ordering takes exactly one of measure and key")
        if order.measure is not None and not 0 <= order.measure < len(measures):
            raise Invalid(f"orderBy refers to measure {order.measure}, which does not exist")
        if order.key is not None and not 0 <= order.key < len(groups):
            raise Invalid(f"orderBy refers to group key {order.key}, which does not exist")


def _field(key: GroupKey) -> FacetField:
    if key.field is None:
        raise Invalid("a group key takes exactly one of field and path")
    return key.field


def _path(key: GroupKey) -> MetadataPath:
    if key.path is None:
        raise Invalid("a group key takes exactly one of field and path")
    return key.path


def _grouped(
    dialect: Dialect, where: ColumnElement[bool], groups: Sequence[GroupKey]
) -> tuple[CTE, dict[str, str]]:
    """Each matching asset once per combination of its group keys: (asset_id, subject_id, k0, ...),
    and the names of the columns holding a path key's JSON type where the dialect needs it."""
    query: Any = select(Asset.id.label("asset_id"), Asset.subject_id.label("subject_id")).select_from(Asset)
    query = query.where(Asset.state == AssetState.READY, where)
    columns: list[Any] = []
    types: dict[str, str] = {}
    for index, key in enumerate(groups):
        name = f"k{index}"
        if key.field is not None:
            value, joined = facets.dimension(dialect, key.field, keep_missing=True)
            query = joined(query)
            columns.append(value.label(name))
            continue
        # Outer joins: an asset without the document or without a value is in the NULL group.
        path = _path(key)
        document = MetadataDocument.__table__.alias(f"d{index}")
        found = dialect.reached(document.c.content, path.path)
        on = and_(
            document.c.asset_id == Asset.id,
            document.c.document == path.document,
            document.c.is_current.is_(True),
        )
        reached_here = found.condition
        if key.bucket is not None:
            reached_here = and_(reached_here, dialect.matches(dialect.as_text(found), ISO_DATE))
        query = query.join(document, on, isouter=True).join(found.source, reached_here, isouter=True)
        if key.bucket is not None:
            columns.append(func.substr(dialect.as_text(found), 1, BUCKETS[key.bucket]).label(name))
        else:
            columns.append(found.value.label(name))
            json_type = dialect.reached_type(found)
            if json_type is not None:  # needed to read the value back (SQLite's booleans are 0/1)
                types[name] = f"t{index}"
                columns.append(json_type.label(types[name]))
    # A CTE, computed once: every measure reads it.
    return query.add_columns(*columns).distinct().cte("grouped"), types


def _measure(dialect: Dialect, grouped: CTE, key_names: list[str], measure: Measure) -> Any:
    keys: list[Any] = [grouped.c[name] for name in key_names]
    if measure.path is None:
        return _column_measure(grouped, keys, measure).group_by(*keys)
    document = MetadataDocument.__table__.alias("md")
    found = dialect.reached(document.c.content, measure.path.path, scalars_only=measure.unit != "ELEMENTS")
    counted = {"ASSETS": grouped.c.asset_id, "SUBJECTS": grouped.c.subject_id}
    if measure.op == "COUNT" and measure.unit == "ELEMENTS":
        value: Any = func.count()
    elif measure.op == "COUNT":
        value = func.count(counted[measure.unit].distinct())
    elif measure.op == "COUNT_DISTINCT":
        value = func.count(found.value.distinct())
    else:
        value = getattr(func, measure.op.lower())(dialect.as_number(found))
    return (
        select(*keys, value.label("v"))
        .select_from(grouped)
        .join(
            document,
            and_(
                document.c.asset_id == grouped.c.asset_id,
                document.c.document == measure.path.document,
                document.c.is_current.is_(True),
            ),
        )
        .join(found.source, true())
        .where(found.condition)
        .group_by(*keys)
    )


def _column_measure(grouped: CTE, keys: list[Any], measure: Measure) -> Any:
    if measure.field in ("ASSET", "SUBJECT") or (
        measure.op in ("COUNT", "COUNT_DISTINCT") and measure.field is None
    ):
        counted = (
            grouped.c.subject_id
            if measure.field == "SUBJECT" or measure.unit == "SUBJECTS"
            else grouped.c.asset_id
        )
        return select(*keys, func.count(counted.distinct()).label("v")).select_from(grouped)
    column = COLUMN_MEASURES[measure.field or ""]
    joined = select(*keys).select_from(grouped).join(Asset, Asset.id == grouped.c.asset_id)
    if measure.op == "COUNT":
        value: Any = func.count(column)
    elif measure.op == "COUNT_DISTINCT":
        value = func.count(column.distinct())
    else:
        value = getattr(func, measure.op.lower())(column)
    return joined.add_columns(value.label("v"))


def _same_keys(base: Subquery, measured: Subquery, key_names: list[str]) -> ColumnElement[bool]:
    """Keys equal, NULL included: a group of assets without a value is a group too."""
    if not key_names:
        return true()
    return and_(*(base.c[name].is_not_distinct_from(measured.c[name]) for name in key_names))


def _ordering(
    base: Subquery, key_names: list[str], values: list[Any], orders: Sequence[AggregateOrder]
) -> list[Any]:
    """The orderings asked for, then every key (so the row order is total); NULLs last."""
    clauses = []
    for order in orders:
        target = values[order.measure] if order.measure is not None else base.c[key_names[order.key or 0]]
        clauses += [target.is_(None), target.desc() if order.descending else target.asc()]
    for name in key_names:
        clauses += [base.c[name].is_(None), base.c[name].asc()]
    return clauses or [literal(1)]
