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
from catalog.repo.pages import column_key
from catalog.schemas.filters import AssetFilter
from catalog.schemas.orders import DEFAULT_ORDER, AssetOrder
from catalog.schemas.zones import time_zone as zone_named

if TYPE_CHECKING:
    from collections.abc import Sequence

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
        found = await assets.page_columns(
            session, db.dialect, spec, orders, size + 1, key, [n for n in names if n != "modalities"]
        )
        page = {name: values[:size] for name, values in found.items()}
        ids = page["id"]
        modalities = await assets.modalities_by_asset(session, ids) if "modalities" in names and ids else {}
    return AssetTable(
        columns=list(names),
        rows=_table(page, names, modalities),
        page_info=PageInfo(
            has_next_page=len(found["id"]) > size,
            end_cursor=encode_cursor(column_key(page, len(ids) - 1, orders)) if ids else None,
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


def _table(page: dict[str, list[Any]], names: Sequence[str], modalities: dict[int, list[str]]) -> JSON:
    """A list per asset of its values of ``names``, JSON-ready, made a column at a time."""
    columns = [_column(page, name, modalities) for name in names]
    # tuples are JSON arrays to the encoder, and cost no copy
    return cast("JSON", list(zip(*columns, strict=True)) if names else [() for _ in page["id"]])


def _column(page: dict[str, list[Any]], name: str, modalities: dict[int, list[str]]) -> list[Any]:
    if name == "modalities":
        return [modalities.get(asset_id, []) for asset_id in page["id"]]
    values = page[name]
    if name in LISTS:
        return [value or [] for value in values]
    if isinstance(next((value for value in values if value is not None), None), (datetime, date)):
        return [None if value is None else value.isoformat() for value in values]
    return values
