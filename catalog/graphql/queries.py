"""The root Query: parses arguments, calls the repo layer, wraps rows in types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types.nodes import SelectedField

from catalog.graphql.aggregates import AggregateResult, resolve_aggregate
from catalog.graphql.audit import AuditPage, resolve_audit_log
from catalog.graphql.context import Info
from catalog.graphql.facets import Facet, resolve_facets
from catalog.graphql.lookup import FileLocation, resolve_file_by_key, resolve_file_by_sha256
from catalog.graphql.manifests import Manifest, resolve_manifest
from catalog.graphql.pagination import decode_cursor, encode_cursor, page_size
from catalog.graphql.tables import AssetTable, resolve_asset_table
from catalog.graphql.types import Asset, AssetEdge, PageInfo, ViewerInfo
from catalog.repo import assets
from catalog.repo.assets import Total
from catalog.repo.pages import sort_key
from catalog.schemas.aggregates import AggregateOrder, GroupKey, HavingPredicate, Measure
from catalog.schemas.enums import CountUnit, FacetField
from catalog.schemas.filters import AssetFilter
from catalog.schemas.orders import DEFAULT_ORDER, AssetOrder
from catalog.schemas.paths import MetadataPath
from catalog.schemas.zones import time_zone as zone_named

if TYPE_CHECKING:
    from strawberry.types.nodes import Selection

TIME_ZONE = strawberry.argument(
    description="An IANA time zone (e.g. America/Los_Angeles; default UTC): the filter's dates "
    "without an offset are read in it, and day, month and year buckets follow its calendar."
)


EXACT = strawberry.argument(
    description="Count every matching asset, however many: never an estimate (slower on a broad filter)."
)


@strawberry.type
class AssetConnection:
    edges: list[AssetEdge]
    page_info: PageInfo
    filter: strawberry.Private[AssetFilter | None]
    total: strawberry.Private[Total | None]
    """Found with the page when the request asked for totalCount; None otherwise."""

    @strawberry.field(
        description="How many assets match; counted only when asked for. On PostgreSQL, when the "
        "planner expects more matches than the catalog's threshold (CATALOG_ESTIMATE_COUNTS_ABOVE, "
        "default 100,000), the planner's estimate unless exact is true: see totalCountEstimated. "
        "SQLite always counts."
    )
    async def total_count(self, info: Info, exact: Annotated[bool, EXACT] = False) -> int:
        # exact is read by the page's resolver, which counts with the page (_exact_count_asked)
        return (await self._total(info)).count

    @strawberry.field(
        description="Whether totalCount, as this request asked for it, is an estimate rather than a "
        "count; false when totalCount was not asked for."
    )
    def total_count_estimated(self) -> bool:
        return self.total is not None and self.total.estimated

    async def _total(self, info: Info) -> Total:
        if self.total is None:  # asked for where the page's resolver did not look
            db = info.context.db
            async with db.reader() as session:
                self.total = Total(await assets.count(session, db.dialect, self.filter), estimated=False)
        return self.total


def _exact_count_asked(info: Info) -> bool | None:
    """Whether the request asks for ``totalCount`` of this connection exactly (``exact: true`` in
    any of its selections, fragments included); None when it does not ask for it at all."""
    asked = info.selected_fields[0].selections
    found = [field.arguments.get("exact", False) for field in _selected(asked, "totalCount")]
    return any(found) if found else None


def _selected(selections: list[Selection], name: str, *deeper: str) -> list[SelectedField]:
    """The fields the request selects at this path of names, through fragments: the page's
    resolver reads with the page what they will ask for (its count, its assets' modalities)."""
    found: list[SelectedField] = []
    for selection in selections:
        if not isinstance(selection, SelectedField):
            found += _selected(selection.selections, name, *deeper)
        elif selection.name == name:
            found += _selected(selection.selections, *deeper) if deeper else [selection]
    return found


@strawberry.type
class Query:
    audit_log: AuditPage = strawberry.field(
        resolver=resolve_audit_log,
        description="Every write (registrations, corrections, locations, access, tokens): admins only.",
    )
    file_by_sha256: list[FileLocation] = strawberry.field(
        resolver=resolve_file_by_sha256,
        description="The files whose content has this SHA-256 (64 hexadecimal digits, any case): which "
        "asset holds each and at which path, by asset name then path; only assets the viewer may read.",
    )
    file_by_key: list[FileLocation] = strawberry.field(
        resolver=resolve_file_by_key,
        description="The file a store key names (ASSET/path/in/it), or a URL in any of its asset's "
        "locations (s3://bucket/prefix/ASSET/path, file:///folder/ASSET/path); only assets the viewer may read.",
    )

    asset_table: AssetTable = strawberry.field(
        resolver=resolve_asset_table,
        description="The assets that assets answers (same filter, order, cursors and visibility), as a "
        "table of plain values: pages of up to 10,000 rows for data frames, without resolving each field.",
    )

    @strawberry.field(description="Who this request acts as (send Authorization: Bearer TOKEN).")
    def viewer(self, info: Info) -> ViewerInfo:
        viewer = info.context.viewer
        return ViewerInfo(name=viewer.name, role=viewer.role, groups=sorted(viewer.groups))

    @strawberry.field(description="One asset by its name; null when there is none.")
    async def asset(self, info: Info, name: str) -> Asset | None:
        async with info.context.db.reader() as session:
            row = await assets.by_name(session, name)
        return Asset.of(row) if row is not None else None

    @strawberry.field(
        description="Assets matching a filter, in any order, a page at a time (keyset cursors)."
    )
    async def assets(
        self,
        info: Info,
        filter: AssetFilter | None = None,
        order_by: list[AssetOrder] | None = None,
        first: int | None = 50,
        after: str | None = None,
        time_zone: Annotated[str | None, TIME_ZONE] = None,
    ) -> AssetConnection:
        size = page_size(first)
        orders = order_by or DEFAULT_ORDER
        spec = info.context.filter(filter, zone_named(time_zone))
        key: list[Any] | None = decode_cursor(after) if after else None
        db = info.context.db
        exact = _exact_count_asked(info)
        total: Total | None = None
        async with db.reader() as session:
            if exact is None:
                rows = await assets.page(session, db.dialect, spec, orders, size + 1, key)
            else:
                threshold = None if exact else info.context.settings.estimate_counts_above
                rows, total = await assets.counted_page(
                    session, db.dialect, spec, orders, size + 1, key, estimate_above=threshold
                )
            page = rows[:size]
            primed = None
            if page and _selected(info.selected_fields[0].selections, "edges", "node", "modalities"):
                primed = await assets.modalities_by_asset(session, [row.id for row in page])
        edges = [
            AssetEdge(
                cursor=encode_cursor(sort_key(row, orders)),
                node=Asset.of(row, primed.get(row.id, []) if primed is not None else None),
            )
            for row in page
        ]
        return AssetConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None
            ),
            filter=spec,
            total=total,
        )

    @strawberry.field(
        description="Every file of the matching assets (optionally only paths matching a glob) with a "
        "signed URL, size and sha256; /manifest streams the same as TSV, JSON or an aria2c input file."
    )
    async def download_manifest(
        self, info: Info, filter: AssetFilter, path_glob: str | None = None, expires_in: int | None = None
    ) -> Manifest:
        return await resolve_manifest(info, filter, path_glob, expires_in)

    @strawberry.field(
        description="Counts per value of each dimension (of assets, or of distinct subjects) under the "
        "filter; with disjunctive, each facet ignores its own top-level filter fields (so a search page "
        "keeps showing the other values of a ticked facet) and says which it ignored."
    )
    async def facets(
        self,
        info: Info,
        filter: AssetFilter | None = None,
        fields: list[FacetField] | None = None,
        metadata_fields: list[MetadataPath] | None = None,
        limit: int = 100,
        unit: CountUnit = CountUnit.ASSETS,
        disjunctive: bool = False,
        time_zone: Annotated[str | None, TIME_ZONE] = None,
    ) -> list[Facet]:
        return await resolve_facets(
            info, filter, fields, metadata_fields, limit, unit, disjunctive, time_zone
        )

    @strawberry.field(description="Group the matching assets and measure each group, in the database.")
    async def aggregate(
        self,
        info: Info,
        measures: list[Measure],
        filter: AssetFilter | None = None,
        group_by: list[GroupKey] | None = None,
        having: list[HavingPredicate] | None = None,
        order_by: list[AggregateOrder] | None = None,
        first: int = 100,
        unwind: Annotated[
            MetadataPath | None,
            strawberry.argument(
                description="Group and count the elements this path reaches (that satisfy its where), not the assets."
            ),
        ] = None,
        formulas: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Values computed per group from the measures, e.g. 100 * m1 / total(m1); after them in values."
            ),
        ] = None,
        time_zone: Annotated[str | None, TIME_ZONE] = None,
    ) -> AggregateResult:
        return await resolve_aggregate(
            info,
            filter,
            group_by,
            measures,
            having,
            order_by,
            first,
            unwind=unwind,
            formulas=formulas or [],
            zone_name=time_zone,
        )
