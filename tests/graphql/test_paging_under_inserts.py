"""A cursor is a position in the order, not an offset: registering assets while a client
pages neither repeats nor skips the assets it has not seen yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import RECORDS, Catalog
from factories import write_asset

from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.services.ingest import FolderIngest
from catalog.storage import open_store

if TYPE_CHECKING:
    from pathlib import Path

PAGE = """query($a: String, $o: [AssetOrder!]) { assets(first: 2, after: $a, orderBy: $o) {
  edges { node { name } } pageInfo { hasNextPage endCursor } } }"""


async def register(catalog: Catalog, folder: Path) -> None:
    db = Database(catalog.settings.database_url)
    store = open_store(catalog.settings)
    await FolderIngest(db, store, Vocabulary())(folder)
    await store.close()
    await db.dispose()


async def test_assets_registered_mid_way_do_not_shift_the_pages(catalog: Catalog, tmp_path: Path) -> None:
    seen: list[str] = []
    after = None
    inserted = False
    while True:
        page = catalog.data(PAGE, a=after, o=[{"field": "NAME", "direction": "ASC"}])["assets"]
        seen += [edge["node"]["name"] for edge in page["edges"]]
        if not inserted:  # one asset sorting before everything seen, one after
            await register(catalog, write_asset(tmp_path, "000001_2020-01-01_00-00-00"))
            await register(catalog, write_asset(tmp_path, "zz_999999_2030-01-01_00-00-00"))
            inserted = True
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == [*sorted(RECORDS), "zz_999999_2030-01-01_00-00-00"]
