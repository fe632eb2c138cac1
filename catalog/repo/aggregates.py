"""Aggregates: group the assets a filter selects by dimensions or metadata values and
measure each group, in one SQL statement on either dialect.

The statement reads in three steps. ``grouped`` holds each (asset, group keys) pair once; a
multi-valued key (modality, a path crossing arrays) puts an asset in several groups. Each
measure is a grouped subquery over it (column measures read the asset row once per group,
path measures the values the path reaches). The measures are joined on the keys (NULL keys
included), filtered by HAVING, ordered and cut to ``first`` rows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Float, String, and_, cast, func, literal, select, true

from catalog.db.models import Asset, MetadataDocument
from catalog.db.types import UTCDateTime
from catalog.errors import Invalid
from catalog.limits import MAX_AGGREGATE_ROWS, MAX_FORMULAS, MAX_GROUPS, MAX_MEASURES
from catalog.repo import documents, facets, paths, visibility
from catalog.repo.filters import condition
from catalog.repo.formulas import compile_expression, compile_formula
from catalog.repo.selections import Selection, conditions
from catalog.schemas.enums import Comparison, FacetField, MeasureField
from catalog.schemas.zones import UTC_ZONE

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from zoneinfo import ZoneInfo

    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.sql.selectable import CTE, Subquery

    from catalog.db.dialects import Dialect
    from catalog.db.dialects.base import Reached
    from catalog.schemas.aggregates import AggregateOrder, GroupKey, HavingPredicate, Measure
    from catalog.schemas.expressions import Reference
    from catalog.schemas.filters import AssetFilter
    from catalog.schemas.paths import MetadataPath

TIMES = {
    "ACQUIRED_AT": Asset.acquired_at,
    "ACQUIRED_END": Asset.acquired_end,
    "REGISTERED_AT": Asset.registered_at,
    "RECORD_CREATED": Asset.record_created,
    "RECORD_MODIFIED": Asset.record_modified,
    "DATE_OF_BIRTH": Asset.date_of_birth,
}
"""Measures of times and dates: counted, or their MIN and MAX read back as epoch seconds."""
COLUMN_MEASURES = {
    "ACQUISITION_DURATION": Asset.acquisition_duration,
    "SUBJECT_AGE_AT_ACQUISITION": Asset.subject_age_at_acquisition,
    "PROCESSING_DURATION": Asset.processing_duration,
    "FILE_COUNT": Asset.file_count,
    "TOTAL_SIZE": Asset.total_size,
    "COMPLETENESS": Asset.completeness,
    **TIMES,
}
DIMENSIONS = {
    field: FacetField(field.value)
    for field in (
        MeasureField.MODALITY,
        MeasureField.SPECIES,
        MeasureField.SEX,
        MeasureField.PROJECT,
        MeasureField.INSTITUTION,
        MeasureField.INVESTIGATOR,
        MeasureField.EXPERIMENTER,
        MeasureField.FUNDING,
        MeasureField.INSTRUMENT,
        MeasureField.SESSION_TYPE,
        MeasureField.GENOTYPE,
        MeasureField.DAY,
    )
}
"""Measures counting the distinct values of a dimension (``COUNT_DISTINCT`` of investigators)."""
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


def readable(measure: Measure, value: float | None, zone: ZoneInfo) -> Any:
    """A measure's value as a record shows it: a count as a whole number; a time's MIN or MAX
    (epoch seconds in ``values``) as ISO 8601 in ``zone``, a date's as its day."""
    if value is None or measure.op in ("COUNT", "COUNT_DISTINCT"):
        return None if value is None else int(value)
    if measure.field not in TIMES:
        return value
    if isinstance(TIMES[measure.field].type, UTCDateTime):
        return datetime.fromtimestamp(value, zone).isoformat()
    return datetime.fromtimestamp(value, UTC).date().isoformat()


async def aggregate(
    session: AsyncSession,
    dialect: Dialect,
    spec: AssetFilter | None,
    groups: Sequence[GroupKey],
    measures: Sequence[Measure],
    having: Sequence[HavingPredicate] = (),
    orders: Sequence[AggregateOrder] = (),
    first: int = 100,
    *,
    unwind: MetadataPath | None = None,
    formulas: Sequence[str] = (),
    zone: ZoneInfo = UTC_ZONE,
) -> tuple[list[Row], bool]:
    """Rows of (group keys, measure values then formula values) and whether ``first`` cut them.
    With ``unwind``, the things grouped and counted are the elements its path reaches (that
    satisfy its ``where``) in the matching assets, not the assets. Day, month and year keys are
    drawn on the calendar of ``zone``."""
    _check(groups, measures, having, orders, first, unwind, len(formulas))
    where = condition(dialect, spec)
    key_names = [f"k{i}" for i in range(len(groups))]
    if (
        unwind is None
        and all(key.field is not None for key in groups)
        and all(m.path is None and not _multiplies_rows(m) for m in measures)
    ):
        query, base, value_columns, types = _single_pass(dialect, where, groups, measures, key_names, zone)
    else:
        query, base, value_columns, types = _joined_measures(
            dialect, where, groups, measures, key_names, unwind, zone
        )
    compiled = [compile_formula(text, value_columns) for text in formulas]
    query = query.add_columns(
        *(formula.value.label(f"v{len(measures) + j}") for j, formula in enumerate(compiled))
    )
    value_columns = [*value_columns, *(formula.value for formula in compiled)]
    for rule in having:
        if rule.measure >= len(measures) and compiled[rule.measure - len(measures)].windowed:
            raise Invalid("having cannot test a formula with total(): order by it instead")
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
            values=[row[f"v{j}"] for j in range(len(value_columns))],
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
    zone: ZoneInfo,
) -> tuple[Any, Any, list[Any], dict[str, str]]:
    """Typed keys and typed measures only: one GROUP BY over the assets. Each (asset, keys)
    row is unique (the key tables' primary keys), so assets are counted without DISTINCT."""
    query: Any = select().select_from(Asset)
    keys = []
    for name, key in zip(key_names, groups, strict=True):
        value, joined = facets.dimension(dialect, _field(key), keep_missing=True, zone=zone)
        query = joined(query)
        keys.append(value.label(name))
    values = [
        cast(_single_pass_value(dialect, m, zone), Float).label(f"v{j}") for j, m in enumerate(measures)
    ]
    grouped = (
        query.add_columns(*keys, *values)
        .where(visibility.readable(), where)
        .group_by(*keys)
        .subquery("groups")
    )
    value_columns = [grouped.c[f"v{j}"] for j in range(len(measures))]
    return select(grouped), grouped, value_columns, {}


def _multiplies_rows(measure: Measure) -> bool:
    """A distinct count of a multi-valued dimension: its join would repeat each asset."""
    return measure.field in DIMENSIONS and facets.multi_valued(DIMENSIONS[measure.field])


def _single_pass_value(dialect: Dialect, measure: Measure, zone: ZoneInfo) -> Any:
    subjects = measure.field == "SUBJECT" or measure.unit == "SUBJECTS"
    if measure.field in ("ASSET", "SUBJECT"):
        return func.count(Asset.subject_id.distinct()) if subjects else func.count()
    if measure.field in DIMENSIONS:  # single-valued: a column of the asset row
        value, _ = facets.dimension(dialect, DIMENSIONS[measure.field], zone=zone)
        return func.count(value.distinct())
    if measure.op == "COUNT" and subjects:
        return func.count(Asset.subject_id.distinct())
    return _of_column(dialect, measure, COLUMN_MEASURES[measure.field or ""])


def _of_column(dialect: Dialect, measure: Measure, column: Any) -> Any:
    """COUNT, COUNT_DISTINCT, MIN, MAX, AVG or SUM of a typed column; a time's MIN and MAX as
    epoch seconds (``values`` are numbers)."""
    if measure.op == "COUNT":
        return func.count(column)
    if measure.op == "COUNT_DISTINCT":
        return func.count(column.distinct())
    value = getattr(func, measure.op.lower())(column)
    return dialect.epoch(value) if measure.field in TIMES else value


def _joined_measures(
    dialect: Dialect,
    where: ColumnElement[bool],
    groups: Sequence[GroupKey],
    measures: Sequence[Measure],
    key_names: list[str],
    unwind: MetadataPath | None,
    zone: ZoneInfo,
) -> tuple[Any, Any, list[Any], dict[str, str]]:
    """Path keys, path measures, dimension measures or unwound elements: the grouping computed
    once, each measure grouped over it and joined back on the keys."""
    grouped, types = _grouped(dialect, where, groups, unwind, zone)
    hidden = [types[name] for name in key_names if name in types]  # SQLite: JSON types of path keys
    # Without keys there is one group, of everything: one row to join the measures to.
    keys = [grouped.c[name] for name in key_names + hidden] or [literal(1).label("everything")]
    base = select(*keys).distinct().subquery("groups")
    # Unwound, an asset is in ``grouped`` once per element: asset measures read it once per group.
    per_asset: Any = grouped
    if unwind is not None:
        columns = [grouped.c.asset_id, grouped.c.subject_id, *(grouped.c[n] for n in key_names + hidden)]
        per_asset = select(*columns).distinct().subquery("per_asset")
    query: Any = select(*(base.c[name] for name in key_names + hidden)).select_from(base)
    value_columns = []
    for index, measure in enumerate(measures):
        if _reads_elements(measure) or (unwind is not None and _counts_elements(measure)):
            measured = _element_measure(dialect, grouped, key_names + hidden, measure).subquery(f"m{index}")
        else:
            measured = _measure(dialect, per_asset, key_names + hidden, measure, zone).subquery(f"m{index}")
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
    unwind: MetadataPath | None,
    formulas: int,
) -> None:
    if not measures or len(measures) > MAX_MEASURES:
        raise Invalid(f"give between 1 and {MAX_MEASURES} measures")
    if formulas > MAX_FORMULAS:
        raise Invalid(f"give at most {MAX_FORMULAS} formulas")
    if len(groups) > MAX_GROUPS:
        raise Invalid(f"group by at most {MAX_GROUPS} keys")
    if not 0 < first <= MAX_AGGREGATE_ROWS:
        raise Invalid(f"first must be between 1 and {MAX_AGGREGATE_ROWS}")
    if unwind is not None and (
        unwind.element_path is not None or unwind.length or unwind.absent_from is not None
    ):
        raise Invalid("unwind takes a document, a path and where: read values with element keys and measures")
    if unwind is not None and paths.is_unified(unwind):
        raise Invalid("unwind reads one document and path as written: unified paths are not unwound")
    for key in groups:
        if [key.field, key.path, key.element, key.expression].count(None) != 3:
            raise Invalid("a group key takes exactly one of field, path, element and expression")
        if key.bucket is not None and key.field is not None:
            raise Invalid(
                "bucket groups a metadata path's dates; typed times have their own fields "
                "(YEAR, MONTH, DAY, RECORD_CREATED_MONTH, DATE_OF_BIRTH_YEAR, ...)"
            )
        if (key.element is not None or key.expression is not None) and unwind is None:
            raise Invalid("a group key's element or expression reads from unwound elements: give unwind")
        if key.path is not None and key.path.where is not None and key.path.element_path is None:
            raise Invalid("a group key over matching elements reads a value from each: give elementPath")
    for measure in measures:
        _check_measure(measure, unwind)
    values = len(measures) + formulas
    for rule in having:
        if not 0 <= rule.measure < values:
            raise Invalid(f"having refers to measure {rule.measure}, which does not exist")
    for order in orders:
        if (order.measure is None) == (order.key is None):
            raise Invalid("an ordering takes exactly one of measure and key")
        if order.measure is not None and not 0 <= order.measure < values:
            raise Invalid(f"orderBy refers to measure {order.measure}, which does not exist")
        if order.key is not None and not 0 <= order.key < len(groups):
            raise Invalid(f"orderBy refers to group key {order.key}, which does not exist")


def _check_measure(measure: Measure, unwind: MetadataPath | None) -> None:
    given = [measure.field, measure.path, measure.element, measure.expression].count(None)
    if given < 3 or (given == 4 and not (unwind is not None and _counts_elements(measure))):
        raise Invalid(f"measure {measure.op} takes exactly one of field, path, element and expression")
    if _reads_elements(measure) and unwind is None:
        raise Invalid("a measure's element or expression reads from unwound elements: give unwind")
    if measure.unit == "ELEMENTS" and measure.op != "COUNT":
        raise Invalid("ELEMENTS counts the array elements a path reaches: use COUNT")
    if measure.unit == "ELEMENTS" and measure.field is not None:
        raise Invalid("ELEMENTS counts the array elements a path (or unwind) reaches, not a field")
    if measure.unit == "ELEMENTS" and measure.path is None and unwind is None:
        raise Invalid("ELEMENTS counts the array elements a path reaches: use COUNT with a path")
    if measure.field in ("ASSET", "SUBJECT") and measure.op not in ("COUNT", "COUNT_DISTINCT"):
        raise Invalid(f"{measure.field} can only be counted")
    if measure.field in DIMENSIONS and measure.op != "COUNT_DISTINCT":
        raise Invalid(f"{measure.field} is a dimension: count its distinct values with COUNT_DISTINCT")
    if measure.field in TIMES and measure.op in ("AVG", "SUM"):
        raise Invalid(f"{measure.field} is a time: measure it with MIN, MAX, COUNT or COUNT_DISTINCT")


def _counts_elements(measure: Measure) -> bool:
    """A COUNT of the unwound elements themselves (or of the assets or subjects holding them)."""
    return (
        measure.op == "COUNT"
        and measure.field is None
        and measure.path is None
        and not _reads_elements(measure)
    )


def _reads_elements(measure: Measure) -> bool:
    return measure.element is not None or measure.expression is not None


def _field(key: GroupKey) -> FacetField:
    if key.field is None:
        raise Invalid("a group key takes exactly one of field and path")
    return key.field


def _path(key: GroupKey) -> MetadataPath:
    if key.path is None:
        raise Invalid("a group key takes exactly one of field and path")
    return key.path


def _grouped(
    dialect: Dialect,
    where: ColumnElement[bool],
    groups: Sequence[GroupKey],
    unwind: MetadataPath | None,
    zone: ZoneInfo = UTC_ZONE,
) -> tuple[CTE, dict[str, str]]:
    """Each matching asset once per combination of its group keys: (asset_id, subject_id, k0, ...),
    and the names of the columns holding a path key's JSON type where the dialect needs it.
    Unwound, each matching element of each asset once per combination of its keys, with the
    element's position (``element``) and value (``element_value``)."""
    query: Any = select(Asset.id.label("asset_id"), Asset.subject_id.label("subject_id")).select_from(Asset)
    query = query.where(visibility.readable(), where)
    columns: list[Any] = []
    types: dict[str, str] = {}
    elements: Reached | None = None
    if unwind is not None:
        unwound = MetadataDocument.__table__.alias("u")
        with_content, content = documents.with_contents(unwound, "u_content")
        elements = dialect.matching_elements(content, unwind.path, conditions(unwind.where))
        query = query.join(with_content, _current(unwound, Asset.id, unwind.document)).join(
            elements.source, elements.condition
        )
        if elements.position is None:  # an element is told apart from its neighbours by it
            raise RuntimeError(f"{dialect.name}: matching_elements gives no element position")
        columns += [elements.position.label("element"), elements.value.label("element_value")]
    for index, key in enumerate(groups):
        name = f"k{index}"
        if key.field is not None:
            value, joined = facets.dimension(dialect, key.field, keep_missing=True, zone=zone)
            query = joined(query)
            columns.append(value.label(name))
            continue
        if key.expression is not None and elements is not None:
            columns.append(_expression(dialect, elements.value, Asset.id, key.expression).label(name))
            continue
        # Outer joins: an asset (or element) without the document or a value is in the NULL group.
        if key.element is not None and elements is not None:
            inner = dialect.reached(elements.value, key.element)
            selection = Selection((inner.source,), inner)
        else:
            selection = paths.selection(dialect, _path(key), Asset.id, name=f"d{index}")
        found = selection.found
        if key.bucket is not None:
            dated = and_(found.condition, dialect.matches(dialect.as_text(found), ISO_DATE))
            selection = replace(selection, found=replace(found, condition=dated))
        query = selection.join(query, outer=True)
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


def _current(document: Any, asset_id: Any, name: str) -> ColumnElement[bool]:
    """The current version of the asset's document ``name``."""
    return and_(document.c.asset_id == asset_id, document.c.document == name, document.c.is_current.is_(True))


def _measure(
    dialect: Dialect, grouped: Any, key_names: list[str], measure: Measure, zone: ZoneInfo = UTC_ZONE
) -> Any:
    keys: list[Any] = [grouped.c[name] for name in key_names]
    if measure.path is None:
        return _column_measure(dialect, grouped, keys, measure, zone).group_by(*keys)
    scalars_only = measure.unit != "ELEMENTS"
    selection = paths.selection(
        dialect, measure.path, grouped.c.asset_id, scalars_only=scalars_only, name="md"
    )
    query = select(*keys).select_from(grouped)
    value = _measured(dialect, grouped, measure, selection.found, func.count())
    return selection.join(query.add_columns(value.label("v"))).group_by(*keys)


def _element_measure(dialect: Dialect, grouped: CTE, key_names: list[str], measure: Measure) -> Any:
    """A measure of the unwound elements: counted, or the values ``element`` reads from each."""
    keys: list[Any] = [grouped.c[name] for name in key_names]
    # An element is (asset, position); in one group it is one row of ``grouped``.
    element = cast(grouped.c.asset_id, String) + "/" + cast(grouped.c.element, String)
    query = select(*keys).select_from(grouped)
    if measure.expression is not None:
        value = _expression(dialect, grouped.c.element_value, grouped.c.asset_id, measure.expression)
        if measure.op == "COUNT":  # the other aggregates skip NULL themselves
            query = query.where(value.is_not(None))
        return query.add_columns(_computed(grouped, measure, value, element).label("v")).group_by(*keys)
    if measure.element is None:
        found = None
    else:
        reached = dialect.reached(
            grouped.c.element_value, measure.element, scalars_only=measure.unit != "ELEMENTS"
        )
        query = query.join(reached.source, reached.condition)
        found = reached
    value = _measured(dialect, grouped, measure, found, func.count(element.distinct()))
    return query.add_columns(value.label("v")).group_by(*keys)


def _computed(grouped: CTE, measure: Measure, value: ColumnElement[Any], element: Any) -> Any:
    """The aggregate function of an expression measure over the elements where it has a value."""
    counted = {"ASSETS": grouped.c.asset_id, "SUBJECTS": grouped.c.subject_id, "ELEMENTS": element}
    if measure.op == "COUNT":
        return func.count(counted[measure.unit].distinct())
    if measure.op == "COUNT_DISTINCT":
        return func.count(value.distinct())
    return getattr(func, measure.op.lower())(value)


def _expression(dialect: Dialect, element: Any, asset_id: Any, text: str) -> ColumnElement[Any]:
    """An element expression: each path the first number (or, in days(), date) it reaches in
    the element, or with ``document:`` in that current document of the element's asset."""

    def first(reference: Reference, reading: Callable[[Any, str], ColumnElement[Any]]) -> ColumnElement[Any]:
        if reference.document is None:
            return reading(element, reference.path)
        document = MetadataDocument.__table__.alias("x")
        joined, content = documents.with_contents(document, "x_content")
        value = reading(content, reference.path)
        found: ColumnElement[Any] = (
            select(value)
            .select_from(joined)
            .where(_current(document, asset_id, reference.document))
            .limit(1)
            .scalar_subquery()
        )
        return found

    return compile_expression(
        text, lambda ref: first(ref, dialect.first_number), lambda ref: first(ref, dialect.first_days)
    )


def _measured(dialect: Dialect, grouped: Any, measure: Measure, found: Reached | None, elements: Any) -> Any:
    """The aggregate function of a path or element measure over the values ``found``."""
    counted = {"ASSETS": grouped.c.asset_id, "SUBJECTS": grouped.c.subject_id}
    if measure.op == "COUNT" and measure.unit == "ELEMENTS":
        return elements
    if measure.op == "COUNT":
        return func.count(counted[measure.unit].distinct())
    if found is None:
        raise Invalid(f"{measure.op} needs values: give an element path to read")
    if measure.op == "COUNT_DISTINCT":
        return func.count(found.value.distinct())
    return getattr(func, measure.op.lower())(dialect.as_number(found))


def _column_measure(dialect: Dialect, grouped: CTE, keys: list[Any], measure: Measure, zone: ZoneInfo) -> Any:
    if measure.field in ("ASSET", "SUBJECT") or (
        measure.op in ("COUNT", "COUNT_DISTINCT") and measure.field is None
    ):
        counted = (
            grouped.c.subject_id
            if measure.field == "SUBJECT" or measure.unit == "SUBJECTS"
            else grouped.c.asset_id
        )
        return select(*keys, func.count(counted.distinct()).label("v")).select_from(grouped)
    joined = select(*keys).select_from(grouped).join(Asset, Asset.id == grouped.c.asset_id)
    if measure.field in DIMENSIONS:
        value, with_values = facets.dimension(dialect, DIMENSIONS[measure.field], zone=zone)
        return with_values(joined).add_columns(func.count(value.distinct()).label("v"))
    return joined.add_columns(_of_column(dialect, measure, COLUMN_MEASURES[measure.field or ""]).label("v"))


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
