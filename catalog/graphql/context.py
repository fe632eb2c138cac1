"""What every resolver of one request shares: settings, database, stores, fresh loaders, and the
viewer the request acts as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from strawberry.types import Info as StrawberryInfo

from catalog.access import ANONYMOUS, Viewer
from catalog.graphql.loaders import Loaders, create_loaders
from catalog.schemas.filters import AssetFilter, prepared
from catalog.schemas.zones import UTC_ZONE

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from catalog.config import Settings
    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.registry import StoreRegistry


@dataclass(slots=True)
class Context:
    settings: Settings
    db: Database
    stores: StoreRegistry
    vocabulary: Vocabulary
    loaders: Loaders
    viewer: Viewer

    @classmethod
    def for_request(
        cls,
        settings: Settings,
        db: Database,
        stores: StoreRegistry,
        vocabulary: Vocabulary,
        viewer: Viewer = ANONYMOUS,
    ) -> Context:
        mine = db.for_request(settings.sessions_per_request)
        return cls(settings, mine, stores, vocabulary, create_loaders(mine), viewer)

    def filter(self, spec: AssetFilter | None, zone: ZoneInfo = UTC_ZONE) -> AssetFilter | None:
        """A filter argument as the data layer takes it (checked, terms spelled as this catalog does,
        times without an offset read in the request's time zone)."""
        return prepared(spec, self.vocabulary, zone)


Info = StrawberryInfo[Context, None]
