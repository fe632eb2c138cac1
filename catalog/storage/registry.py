"""The stores an asset's files may live in: the configured one, and others named by URL
(an indexed bucket that is not the catalog's own), opened once and kept."""

from __future__ import annotations

from catalog.config import Settings
from catalog.errors import NotFound
from catalog.storage import ObjectStore, open_store


class StoreRegistry:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.default = open_store(settings)
        self._stores: dict[str, ObjectStore] = {self.default.url: self.default}

    def for_url(self, url: str | None) -> ObjectStore:
        if url is None:
            raise NotFound("this asset's data is not in a store the catalog serves")
        if url not in self._stores:
            self._stores[url] = open_store(self.settings.model_copy(update={"storage_url": url}))
        return self._stores[url]

    async def close(self) -> None:
        for store in self._stores.values():
            await store.close()
