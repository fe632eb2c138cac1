"""``to_dataframe()`` reads ``assetTable``, pages of 10,000 rows of plain values, into the same
typed table that ``assets`` pages make, value for value and dtype for dtype; from a server without
``assetTable`` it reads those pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

from catalog.client import AsyncCatalog
from catalog.client.assets import ASSET_KINDS
from catalog.client.tables import frame

if TYPE_CHECKING:
    from conftest import Served

QUERIES: dict[str, dict[str, Any]] = {
    "every asset": {},
    "every asset, newest acquisition first": {"order_by": "-acquired_at"},
    "ecephys mice since 2023": {
        "modality": "ecephys",
        "species": "Mus musculus",
        "acquired_after": "2023-01-01",
    },
    "a day in Los Angeles": {
        "acquired_after": "2023-07-24",
        "acquired_before": "2023-07-25",
        "time_zone": "America/Los_Angeles",
    },
    "nothing": {"name": "ecephys_1_2001-01-01_00-00-00"},
    "by size, in pages of 7": {"order_by": "total_size", "page_size": 7},
}


@pytest.mark.parametrize("query", sorted(QUERIES))
async def test_the_table_read_from_assetTable_is_the_one_read_from_pages(
    registered: Served, query: str
) -> None:
    async with AsyncCatalog(registered.url) as acat:
        result = acat.assets(**QUERIES[query])
        paged = frame(await result.records(), ASSET_KINDS)
        registered.requests.clear()
        tabled = await result.to_dataframe()

    pd.testing.assert_frame_equal(tabled, paged)
    assert len(registered.graphql_requests()) == 1


async def test_a_server_without_assetTable_is_read_a_page_at_a_time(registered: Served) -> None:
    async with AsyncCatalog(registered.url) as acat:
        expected = await acat.assets(order_by="-acquired_at").to_dataframe()
        acat._fields["Query"] = frozenset({"assets"})  # as an older server's schema answers
        registered.requests.clear()
        older = await acat.assets(order_by="-acquired_at", page_size=50).to_dataframe()

    pd.testing.assert_frame_equal(older, expected)
    assert len(registered.graphql_requests()) == -(-len(expected) // 50)
