"""The web application: every route of ``catalog.web`` (the API, downloads and the web catalog),
its errors mapped once, bodies read within a limit, abandoned requests cancelled, database reads
within a time budget, and the lifespan that owns the engine and the stores."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.routing import Route

from catalog.config import Settings
from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.db.migrate import ensure_schema
from catalog.storage.registry import StoreRegistry
from catalog.web.authentication import ActAs, BearerTokens, refused
from catalog.web.bodies import BodyLimit
from catalog.web.disconnects import CancelOnDisconnect
from catalog.web.downloads import download_endpoint
from catalog.web.errors import HANDLERS
from catalog.web.files import local_file_endpoint
from catalog.web.graphql import CatalogGraphQL
from catalog.web.health import healthz, readyz_endpoint
from catalog.web.manifests import manifest_endpoint
from catalog.web.ui import WebCatalog
from catalog.web.uploads import UPLOADS, upload_endpoint

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    db = Database(
        settings.database_url,
        budget=settings.request_timeout,
        read_url=settings.database_read_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    stores = StoreRegistry(settings)
    vocabulary = Vocabulary(settings.extra_modalities)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        migrations = Database(settings.database_url, pool_size=1, max_overflow=0)  # unbounded: may take long
        try:
            await ensure_schema(migrations)
        finally:
            await migrations.dispose()
        yield
        await stores.close()
        await db.dispose()

    web_catalog = WebCatalog()
    routes = [
        Route("/graphql", CatalogGraphQL(settings, db, stores, vocabulary), methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz_endpoint(db, stores)),
        Route("/manifest", manifest_endpoint(db, stores, vocabulary, settings.manifest_batch)),
        Route("/download/{asset}/{path:path}", download_endpoint(db, stores)),
        Route("/files/{key:path}", local_file_endpoint(db, stores), methods=["GET", "HEAD"]),
        Route(f"{UPLOADS}{{key:path}}", upload_endpoint(db, stores), methods=["PUT"]),
        *web_catalog.routes,
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers=dict(HANDLERS),
        middleware=[
            Middleware(
                AuthenticationMiddleware,
                backend=BearerTokens(db, anonymous_read=settings.anonymous_read),
                on_error=refused,
            ),
            Middleware(ActAs),
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes, exempt=(UPLOADS,)),
            Middleware(CancelOnDisconnect),
        ],
    )
    app.router.default = web_catalog.fallback  # client routes of the web catalog
    app.state.settings, app.state.db, app.state.stores = settings, db, stores
    return app
