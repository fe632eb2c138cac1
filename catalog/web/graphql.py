"""``/graphql``: the API (GET and POST), with GraphiQL for browsers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.asgi import GraphQL

from catalog.graphql.context import Context
from catalog.graphql.schema import schema

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from catalog.config import Settings
    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.registry import StoreRegistry


class CatalogGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a fresh context (and loaders) per request."""

    def __init__(
        self, settings: Settings, db: Database, stores: StoreRegistry, vocabulary: Vocabulary
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.settings, self.db, self.stores, self.vocabulary = settings, db, stores, vocabulary

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context.for_request(self.settings, self.db, self.stores, self.vocabulary)
