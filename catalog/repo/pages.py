"""Keyset pagination for any ordering: the sort key of the last row seen, never an offset.

NULLs sort last whatever the direction, and the asset id breaks ties, so every ordering is
total and a page boundary is stable under inserts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlalchemy.orm import InstrumentedAttribute

from catalog.db.models import Asset
from catalog.db.types import UTCDateTime
from catalog.errors import Invalid

ORDERABLE: dict[str, InstrumentedAttribute[Any]] = {
    "NAME": Asset.name,
    "ACQUIRED_AT": Asset.acquired_at,
    "REGISTERED_AT": Asset.registered_at,
    "SUBJECT_ID": Asset.subject_id,
    "PROJECT": Asset.project,
    "SPECIES": Asset.species,
    "KIND": Asset.kind,
    "DATA_LEVEL": Asset.data_level,
    "QC_STATUS": Asset.qc_status,
    "FILE_COUNT": Asset.file_count,
    "TOTAL_SIZE": Asset.total_size,
    "ACQUISITION_DURATION": Asset.acquisition_duration,
    "SUBJECT_AGE_AT_ACQUISITION": Asset.subject_age_at_acquisition,
    "PROCESSING_DURATION": Asset.processing_duration,
}


@dataclass(frozen=True, slots=True)
class Order:
    field: str
    descending: bool = False

    @property
    def column(self) -> InstrumentedAttribute[Any]:
        return ORDERABLE[self.field]


DEFAULT_ORDER = (Order("NAME"),)


def order_by(orders: Sequence[Order]) -> list[ColumnElement[Any]]:
    clauses: list[ColumnElement[Any]] = []
    for order in orders:
        direction = order.column.desc() if order.descending else order.column.asc()
        clauses.append(direction.nulls_last())  # an index (col DESC NULLS LAST, id) serves it
    return [*clauses, Asset.id.asc()]


def sort_key(row: Asset, orders: Sequence[Order]) -> list[Any]:
    """What a cursor holds: per ordering a null flag and the value, then the id."""
    key: list[Any] = []
    for order in orders:
        value = getattr(row, order.column.key)
        key += [int(value is None), value.isoformat() if isinstance(value, (date, datetime)) else value]
    return [*key, row.id]


def after(orders: Sequence[Order], key: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``key`` in the order: a lexicographic comparison spelled out in SQL."""
    if len(key) != 2 * len(orders) + 1:
        raise Invalid("the cursor does not belong to this ordering")
    steps: list[tuple[ColumnElement[bool], ColumnElement[bool]]] = []  # (equal, beyond) per key part
    for index, order in enumerate(orders):
        flag, value = key[2 * index], _typed(order, key[2 * index + 1])
        column = order.column
        if flag:
            steps.append((column.is_(None), false()))
            continue
        beyond = column < value if order.descending else column > value
        steps.append((column == value, or_(beyond, column.is_(None))))
    steps.append((true(), Asset.id > key[-1]))
    disjuncts: list[ColumnElement[bool]] = []
    prefix: list[ColumnElement[bool]] = []
    for equal, beyond in steps:
        disjuncts.append(and_(*prefix, beyond))
        prefix.append(equal)
    return or_(*disjuncts)


def _typed(order: Order, value: Any) -> Any:
    if isinstance(order.column.type, UTCDateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value
