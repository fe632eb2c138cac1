"""The stores an asset's files may live in: the configured one, and others named by URL
(an indexed bucket or folder that is not the catalog's own), opened once and kept."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from catalog.errors import NotFound
from catalog.storage import ObjectStore, open_store
from catalog.storage.local import LocalStore

if TYPE_CHECKING:
    from catalog.config import Settings


class StoreRegistry:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.default = open_store(settings)
        self._stores: dict[str, ObjectStore] = {self.default.url: self.default}

    def for_url(self, url: str | None) -> ObjectStore:
        if url is None:
            raise NotFound("this asset's data is not in a store the catalog serves")
        if url not in self._stores:
            self._stores[url] = open_store(self.settings, url)
        return self._stores[url]

    def local(self, url: str | None) -> LocalStore | None:
        """The folder a ``/files`` URL names (None: the catalog's own), to check its signature
        with. Nothing is kept or read: the URL is anyone's until its signature is checked."""
        if url is None:
            return self.default if isinstance(self.default, LocalStore) else None
        if url in self._stores:
            known = self._stores[url]
            return known if isinstance(known, LocalStore) else None
        try:
            store = open_store(self.settings, url) if urlsplit(url).scheme == "file" else None
        except ValueError:  # no URL at all: an unclosed IPv6 bracket, a NUL in the path
            return None
        return store if isinstance(store, LocalStore) else None

    async def close(self) -> None:
        for store in self._stores.values():
            await store.close()
