"""What every resolver of one request shares: settings, database, stores, fresh loaders, and the
viewer the request acts as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from strawberry.extensions import SchemaExtension
from strawberry.types import Info as StrawberryInfo

from catalog.access import ANONYMOUS, Viewer
from catalog.graphql.loaders import Loaders, create_loaders
from catalog.schemas.filters import AssetFilter, prepared
from catalog.schemas.zones import UTC_ZONE
from catalog.services.answers import Answers

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
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
    answers: Answers

    @classmethod
    def for_request(
        cls,
        settings: Settings,
        db: Database,
        stores: StoreRegistry,
        vocabulary: Vocabulary,
        viewer: Viewer = ANONYMOUS,
        answers: Answers | None = None,
    ) -> Context:
        mine = db.for_request(settings.sessions_per_request)
        kept = answers if answers is not None else Answers(0)
        return cls(settings, mine, stores, vocabulary, create_loaders(mine), viewer, kept)

    async def close(self) -> None:
        """The request is answered: its database sessions go back to the pool."""
        await self.db.release()

    def filter(self, spec: AssetFilter | None, zone: ZoneInfo = UTC_ZONE) -> AssetFilter | None:
        """A filter argument as the data layer takes it (checked, terms spelled as this catalog does,
        times without an offset read in the request's time zone)."""
        return prepared(spec, self.vocabulary, zone)


class ReleaseSessions(SchemaExtension):
    """Closes what a request's reads kept open once its operation is answered: the edge of every
    request, however it ended."""

    async def on_operation(self) -> AsyncIterator[None]:
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                await context.close()


Info = StrawberryInfo[Context, None]
