"""The assets a query selects, read lazily: nothing is fetched until the result is iterated,
counted or turned into a table, and then a page at a time with the API's keyset cursors, so a
result of any size costs one page of memory to iterate. A table is read from ``assetTable``,
the same pages as rows of plain values, where the server has it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from catalog.client import documents
from catalog.client.columns import ASSET_COLUMNS, cells, record
from catalog.client.tables import columns_frame, frame
from catalog.errors import Invalid
from catalog.limits import MAX_TABLE_ROWS

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    import pandas as pd

    from catalog.client.aio import AsyncCatalog
    from catalog.client.loop import BackgroundLoop

ASSET_KINDS = {column.name: column.kind for column in ASSET_COLUMNS}
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


@dataclass(frozen=True, slots=True)
class Page:
    records: list[dict[str, Any]]
    next_cursor: str | None
    """Where the next page starts; None on the last page."""


class AsyncAssets:
    """The assets a filter selects, in the order asked for: ``async for asset in result``,
    ``await result.count()``, ``await result.to_dataframe()``."""

    def __init__(
        self,
        catalog: AsyncCatalog,
        spec: dict[str, Any] | None,
        order_by: list[dict[str, Any]] | None,
        page_size: int,
        time_zone: str | None,
    ) -> None:
        self._catalog = catalog
        self.filter = spec
        """The GraphQL ``AssetFilter`` the keywords made (None: every asset)."""
        self.time_zone = time_zone
        self._order_by, self._page_size = order_by, page_size
        self._count: int | None = None

    def __repr__(self) -> str:
        return f"<assets filter={self.filter!r}>"

    async def page(self, after: str | None = None) -> Page:
        """One page of records, starting after a cursor of the previous one."""
        data = await self._catalog.query(
            documents.ASSETS_PAGE,
            filter=self.filter,
            orderBy=self._order_by,
            first=self._page_size,
            after=after,
            timeZone=self.time_zone,
        )
        connection = data["assets"]
        info = connection["pageInfo"]
        return Page(
            [record(edge["node"], ASSET_COLUMNS) for edge in connection["edges"]],
            info["endCursor"] if info["hasNextPage"] else None,
        )

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        after: str | None = None
        while True:
            page = await self.page(after)
            for item in page.records:
                yield item
            if page.next_cursor is None:
                return
            after = page.next_cursor

    async def count(self) -> int:
        """How many assets match, counted however many (asked once, then remembered)."""
        if self._count is None:
            data = await self._counted()
            self._count = int(data["assets"]["totalCount"])
        return self._count

    async def _counted(self) -> dict[str, Any]:
        """The count asked exactly; of a server without estimates (known from its schema, or asked
        about after it refused ``exact``) asked plainly, which it always counts."""
        older = documents.ASSETS_COUNT_BEFORE_ESTIMATES
        exact = not self._catalog._lacks("AssetConnection", "totalCountEstimated")
        try:
            return await self._catalog.query(
                documents.ASSETS_COUNT if exact else older, filter=self.filter, timeZone=self.time_zone
            )
        except Invalid as error:
            if (
                not exact
                or error.code != VALIDATION_FAILED
                or "totalCountEstimated" in await self._catalog._fields_of("AssetConnection")
            ):
                raise
        return await self._catalog.query(older, filter=self.filter, timeZone=self.time_zone)

    async def records(self) -> list[dict[str, Any]]:
        """Every matching asset as ``{column: value}``."""
        return [item async for item in self]

    async def to_dataframe(self) -> pd.DataFrame:
        """Every matching asset as a row; see ``Assets.to_dataframe``."""
        columns = await self.columns()
        if columns is None:
            return frame(await self.records(), ASSET_KINDS)
        return columns_frame(
            {name: cells(columns[name], kind) for name, kind in ASSET_KINDS.items()}, ASSET_KINDS
        )

    async def columns(self) -> dict[str, list[Any]] | None:
        """Every matching asset's values, a list per column as the API wrote them, read from
        ``assetTable`` in pages of ``MAX_TABLE_ROWS``; None from a server without it."""
        found: dict[str, list[Any]] = {name: [] for name in ASSET_KINDS}
        after: str | None = None
        while True:
            table = await self._table(after)
            if table is None:
                return None
            for name, values in zip(table["columns"], zip(*table["rows"], strict=True), strict=False):
                found[name].extend(values)
            info = table["pageInfo"]
            if not info["hasNextPage"]:
                return found
            after = info["endCursor"]

    async def _table(self, after: str | None) -> dict[str, Any] | None:
        """One page of ``assetTable``; None when the server lacks it (known from its schema, or
        asked about after it refused the document)."""
        if self._catalog._lacks("Query", "assetTable"):
            return None
        try:
            data = await self._catalog.query(
                documents.ASSET_TABLE,
                filter=self.filter,
                orderBy=self._order_by,
                columns=list(ASSET_KINDS),
                first=MAX_TABLE_ROWS,
                after=after,
                timeZone=self.time_zone,
            )
        except Invalid as error:
            if error.code != VALIDATION_FAILED or "assetTable" in await self._catalog._fields_of("Query"):
                raise
            return None
        return dict(data["assetTable"])


class Assets:
    """The assets a filter selects, fetched a page at a time when read.

    ``for asset in result`` gives each as a dict of its columns, ``len(result)`` asks the
    catalog how many match, ``result.to_dataframe()`` reads them all into a table, and
    ``cat.download(result, "data/")`` fetches their files."""

    def __init__(self, core: AsyncAssets, loop: BackgroundLoop) -> None:
        self.core = core
        self._loop = loop

    def __repr__(self) -> str:
        return repr(self.core)

    @property
    def filter(self) -> dict[str, Any] | None:
        """The GraphQL ``AssetFilter`` the keywords made (None: every asset)."""
        return self.core.filter

    def __iter__(self) -> Iterator[dict[str, Any]]:
        after: str | None = None
        while True:
            page = self._loop.run(self.core.page(after))
            yield from page.records
            if page.next_cursor is None:
                return
            after = page.next_cursor

    def __len__(self) -> int:
        return self._loop.run(self.core.count())

    def to_dataframe(self) -> pd.DataFrame:
        """Every matching asset as a row, a column per entry of ``columns.ASSET_COLUMNS`` with a
        dtype by its kind: times aware datetimes (UTC), text of few values categorical (kind,
        species, modalities joined with ", ", project...), counts, sizes and ages nullable integers
        (``Int64``), durations and completeness floats. Read from ``assetTable``, 10,000 rows a
        request (``assets`` pages from a server without it). Needs pandas (``pip install 'catalog[client]'``)."""
        return self._loop.run(self.core.to_dataframe())
