"""The root Query: parses arguments, calls the repo layer, wraps rows in types."""

from __future__ import annotations

import strawberry

from catalog.graphql.context import Info
from catalog.graphql.pagination import decode_cursor, encode_cursor, page_size
from catalog.graphql.types import Asset, AssetEdge, PageInfo
from catalog.repo import assets


@strawberry.type
class AssetConnection:
    edges: list[AssetEdge]
    page_info: PageInfo

    @strawberry.field(description="Counted only when asked for.")
    async def total_count(self, info: Info) -> int:
        async with info.context.db.reader() as session:
            return await assets.count_visible(session)


@strawberry.type
class Query:
    @strawberry.field(description="One asset by its name; null when there is none.")
    async def asset(self, info: Info, name: str) -> Asset | None:
        async with info.context.db.reader() as session:
            row = await assets.by_name(session, name)
        return Asset(row=row) if row is not None else None

    @strawberry.field(description="Assets in name order, a page at a time (keyset cursors).")
    async def assets(self, info: Info, first: int | None = 50, after: str | None = None) -> AssetConnection:
        size = page_size(first)
        after_name = str(decode_cursor(after)[0]) if after else None
        async with info.context.db.reader() as session:
            rows = await assets.first_page(session, size + 1, after_name)
        edges = [AssetEdge(cursor=encode_cursor([row.name]), node=Asset(row=row)) for row in rows[:size]]
        return AssetConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None
            ),
        )
