"""``assetTable``: the page ``assets`` answers, as rows of plain values. The same filter, order,
cursors and visibility, from the same statement, but no field is resolved one asset at a time:
a page of 10,000 assets is one request whose time is the database's and the JSON encoder's."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from catalog.errors import Invalid
from catalog.graphql.context import Info
from catalog.graphql.pagination import decode_cursor, encode_cursor, page_size
from catalog.graphql.types import PageInfo
from catalog.limits import MAX_TABLE_ROWS
from catalog.repo import assets
from catalog.repo.pages import sort_key
from catalog.schemas.filters import AssetFilter
from catalog.schemas.orders import DEFAULT_ORDER, AssetOrder
from catalog.schemas.zones import time_zone as zone_named

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Row

ASSET_TABLE_COLUMNS = (
    "name",
    "kind",
    "subject_id",
    "species",
    "sex",
    "genotype",
    "date_of_birth",
    "modalities",
    "project",
    "institution",
    "data_level",
    "session_type",
    "instrument_id",
    "qc_status",
    "process_label",
    "acquired_at",
    "acquired_end",
    "acquisition_duration",
    "subject_age_at_acquisition",
    "processing_duration",
    "investigators",
    "experimenters",
    "funding",
    "registered_at",
    "record_created",
    "record_modified",
    "location",
    "location_prefix",
    "file_count",
    "total_size",
    "completeness",
    "warnings",
    "missing",
)
"""The columns a table may hold, each named as the asset's column it reads (``subject_id``: the
Asset type's ``subject { subjectId }``); ``modalities`` lists abbreviations."""
LISTS = frozenset({"modalities", "investigators", "experimenters", "funding", "warnings", "missing"})
"""Columns holding a list per asset (empty, never null)."""
DEFAULT_TABLE_ROWS = 1_000
"""Rows of a table when ``first`` is not given."""


@strawberry.type(
    description="A page of assets as a table: a row per asset, a value per column, JSON-ready "
    "(times ISO 8601 in UTC, dates ISO 8601, lists as lists)."
)
class AssetTable:
    columns: list[str] = strawberry.field(description="The columns of each row, in their order.")
    rows: JSON = strawberry.field(description="A list per asset, its values in the order of columns.")
    page_info: PageInfo
    filter: strawberry.Private[AssetFilter | None]

    @strawberry.field(description="How many assets match; counted only when asked for.")
    async def total_count(self, info: Info) -> int:
        db = info.context.db
        async with db.reader() as session:
            return await assets.count(session, db.dialect, self.filter)


async def resolve_asset_table(
    info: Info,
    filter: AssetFilter | None = None,
    order_by: list[AssetOrder] | None = None,
    columns: Annotated[
        list[str] | None,
        strawberry.argument(description="Which columns, in which order (default: every one)."),
    ] = None,
    first: Annotated[
        int | None,
        strawberry.argument(description=f"Rows of this page, up to {MAX_TABLE_ROWS:,}."),
    ] = DEFAULT_TABLE_ROWS,
    after: str | None = None,
    time_zone: Annotated[
        str | None,
        strawberry.argument(description="As for assets: how the filter's dates without an offset are read."),
    ] = None,
) -> AssetTable:
    names = known(columns)
    size = page_size(first, MAX_TABLE_ROWS, DEFAULT_TABLE_ROWS)
    orders = order_by or DEFAULT_ORDER
    spec = info.context.filter(filter, zone_named(time_zone))
    key: list[Any] | None = decode_cursor(after) if after else None
    db = info.context.db
    async with db.reader() as session:
        found = await assets.page_values(
            session, db.dialect, spec, orders, size + 1, key, [n for n in names if n != "modalities"]
        )
        rows = found[:size]
        modalities = (
            await assets.modalities_by_asset(session, [row.id for row in rows])
            if "modalities" in names and rows
            else {}
        )
    return AssetTable(
        columns=list(names),
        rows=_table(rows, names, modalities),
        page_info=PageInfo(
            has_next_page=len(found) > size,
            end_cursor=encode_cursor(sort_key(rows[-1], orders)) if rows else None,
        ),
        filter=spec,
    )


def known(columns: Sequence[str] | None) -> tuple[str, ...]:
    if columns is None:
        return ASSET_TABLE_COLUMNS
    unknown = [name for name in columns if name not in ASSET_TABLE_COLUMNS]
    if unknown:
        raise Invalid(f"no column named {unknown[0]!r}: the columns are {', '.join(ASSET_TABLE_COLUMNS)}")
    return tuple(columns)


def _table(rows: Sequence[Row[Any]], names: Sequence[str], modalities: dict[int, list[str]]) -> JSON:
    """A list per row of its values of ``names``, JSON-ready: converted a column at a time, as
    reading and converting each cell by itself costs more than the query."""
    columns = [_column(rows, name, modalities) for name in names]
    # tuples are JSON arrays to the encoder, and cost no copy
    return cast("JSON", list(zip(*columns, strict=True)) if names else [() for _ in rows])


def _column(rows: Sequence[Row[Any]], name: str, modalities: dict[int, list[str]]) -> list[Any]:
    if not rows:
        return []
    if name == "modalities":
        return [modalities.get(asset_id, []) for asset_id in _values(rows, "id")]
    values = _values(rows, name)
    if name in LISTS:
        return [list(value or []) for value in values]
    if any(isinstance(value, (datetime, date)) for value in values):
        return [None if value is None else value.isoformat() for value in values]
    return values


def _values(rows: Sequence[Row[Any]], name: str) -> list[Any]:
    index = rows[0]._fields.index(name)
    return [row[index] for row in rows]
