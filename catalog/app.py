"""The web application: GraphQL, health, and signed downloads from a local store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from catalog.config import Settings
from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.db.migrate import ensure_schema
from catalog.downloads import local_file_endpoint
from catalog.graphql.context import Context
from catalog.graphql.schema import schema
from catalog.http import download_endpoint, manifest_endpoint
from catalog.storage.local import LocalStore
from catalog.storage.registry import StoreRegistry


class CatalogGraphQL(GraphQL[Context, None]):
    def __init__(
        self, settings: Settings, db: Database, stores: StoreRegistry, vocabulary: Vocabulary
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.settings, self.db, self.stores, self.vocabulary = settings, db, stores, vocabulary

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context.for_request(self.settings, self.db, self.stores, self.vocabulary)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    db = Database(settings.database_url)
    stores = StoreRegistry(settings)
    vocabulary = Vocabulary(settings.extra_modalities)
    graphql = CatalogGraphQL(settings, db, stores, vocabulary)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await ensure_schema(db)
        yield
        await stores.close()
        await db.dispose()

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    routes: list[Any] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/manifest", manifest_endpoint(settings, db, stores, vocabulary)),
        Route("/download/{asset}/{path:path}", download_endpoint(settings, db, stores)),
    ]
    if isinstance(stores.default, LocalStore):
        routes.append(
            Route("/files/{key:path}", local_file_endpoint(stores.default), methods=["GET", "HEAD"])
        )
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.settings, app.state.db, app.state.stores = settings, db, stores
    return app
