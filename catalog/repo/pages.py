"""Keyset pagination for any ordering: the sort key of the last row seen, never an offset.

NULLs sort last whatever the direction, and the asset id breaks ties, so every ordering is
total and a page boundary is stable under inserts."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, false, or_, true

from catalog.db.models import Asset
from catalog.db.types import MAX_BIGINT, UTCDateTime
from catalog.errors import Invalid
from catalog.schemas.enums import AssetOrderField

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sqlalchemy.orm import InstrumentedAttribute

    from catalog.schemas.orders import AssetOrder

ORDERABLE: dict[AssetOrderField, InstrumentedAttribute[Any]] = {
    AssetOrderField.NAME: Asset.name,
    AssetOrderField.ACQUIRED_AT: Asset.acquired_at,
    AssetOrderField.REGISTERED_AT: Asset.registered_at,
    AssetOrderField.SUBJECT_ID: Asset.subject_id,
    AssetOrderField.PROJECT: Asset.project,
    AssetOrderField.SPECIES: Asset.species,
    AssetOrderField.KIND: Asset.kind,
    AssetOrderField.DATA_LEVEL: Asset.data_level,
    AssetOrderField.QC_STATUS: Asset.qc_status,
    AssetOrderField.FILE_COUNT: Asset.file_count,
    AssetOrderField.TOTAL_SIZE: Asset.total_size,
    AssetOrderField.ACQUISITION_DURATION: Asset.acquisition_duration,
    AssetOrderField.SUBJECT_AGE_AT_ACQUISITION: Asset.subject_age_at_acquisition,
    AssetOrderField.PROCESSING_DURATION: Asset.processing_duration,
    AssetOrderField.SESSION_TYPE: Asset.session_type,
    AssetOrderField.GENOTYPE: Asset.genotype,
    AssetOrderField.DATE_OF_BIRTH: Asset.date_of_birth,
    AssetOrderField.RECORD_CREATED: Asset.record_created,
    AssetOrderField.RECORD_MODIFIED: Asset.record_modified,
    AssetOrderField.COMPLETENESS: Asset.completeness,
}
"""The column each ordering sorts by."""


def order_by(orders: Sequence[AssetOrder]) -> list[ColumnElement[Any]]:
    clauses: list[ColumnElement[Any]] = []
    for order in orders:
        column = ORDERABLE[order.field]
        direction = column.desc() if order.descending else column.asc()
        clauses.append(direction.nulls_last())  # an index (col DESC NULLS LAST, id) serves it
    return [*clauses, Asset.id.asc()]


def sort_key(row: Asset, orders: Sequence[AssetOrder]) -> list[Any]:
    """What a cursor holds: per ordering a null flag and the value, then the id."""
    return column_key({name: [getattr(row, name)] for name in key_columns(orders)}, 0, orders)


def column_key(columns: Mapping[str, Sequence[Any]], index: int, orders: Sequence[AssetOrder]) -> list[Any]:
    """``sort_key`` of the row at ``index`` of a page read a column at a time."""
    key: list[Any] = []
    for order in orders:
        value = columns[ORDERABLE[order.field].key][index]
        key += [int(value is None), value.isoformat() if isinstance(value, (date, datetime)) else value]
    return [*key, columns["id"][index]]


def key_columns(orders: Sequence[AssetOrder]) -> set[str]:
    """The columns of a cursor's key in this order."""
    return {"id", *(ORDERABLE[order.field].key for order in orders)}


def after(orders: Sequence[AssetOrder], key: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``key`` in the order: a lexicographic comparison spelled out in SQL."""
    if len(key) != 2 * len(orders) + 1 or not _an_id(key[-1]):
        raise Invalid("the cursor does not belong to this ordering")
    steps: list[tuple[ColumnElement[bool], ColumnElement[bool]]] = []  # (equal, beyond) per key part
    for index, order in enumerate(orders):
        flag = key[2 * index]
        column = ORDERABLE[order.field]
        if flag not in (0, 1) or isinstance(flag, bool):
            raise _foreign()
        if flag:
            steps.append((column.is_(None), false()))
            continue
        value = _typed(order, key[2 * index + 1])
        beyond = column < value if order.descending else column > value
        steps.append((column == value, or_(beyond, column.is_(None))))
    steps.append((true(), Asset.id > key[-1]))
    disjuncts: list[ColumnElement[bool]] = []
    prefix: list[ColumnElement[bool]] = []
    for equal, beyond in steps:
        disjuncts.append(and_(*prefix, beyond))
        prefix.append(equal)
    return or_(*disjuncts)


def _typed(order: AssetOrder, value: Any) -> Any:
    """A cursor's value as its column holds it; a value no row of that column could hold means a
    cursor this API did not hand out."""
    column_type = ORDERABLE[order.field].type
    if isinstance(column_type, UTCDateTime):
        try:
            moment = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise _foreign() from None
        if moment.tzinfo is None:
            raise _foreign()
        return moment
    expected = column_type.python_type
    if expected is date:
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise _foreign() from None
    fits = {
        str: isinstance(value, str),
        int: _an_int(value),
        float: _an_int(value) or isinstance(value, float),
    }.get(expected, False)
    if not fits:
        raise _foreign()
    return value


def _an_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_BIGINT - 1 <= value <= MAX_BIGINT


def _an_id(value: Any) -> bool:
    return _an_int(value) and value >= 0


def _foreign() -> Invalid:
    return Invalid("the cursor does not belong to this ordering")
