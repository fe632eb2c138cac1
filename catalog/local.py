"""The catalog of this machine's database through ``catalog.client``: the application runs in this
process and the client reaches it through an ASGI transport (``catalog.inprocess``: responses
stream) mounted at the settings' public URL, so that a command reads its own database exactly as it reads a server (one implementation).

GraphQL, ``/manifest`` and the signed ``/files`` links of a local store go to the application in
this process; any other URL (an S3 bucket's presigned links) goes over the network. Requests act
as the operator (an admin), as every other local command does: they hold the database itself."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import httpx

from catalog.access import OPERATOR
from catalog.app import create_app
from catalog.client import AsyncCatalog
from catalog.inprocess import StreamingASGITransport
from catalog.web.authentication import in_process

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from catalog.config import Settings

ORIGIN = ("command line", 0)
"""Where the requests come from, as the audit log names it."""


@asynccontextmanager
async def local_catalog(settings: Settings) -> AsyncIterator[AsyncCatalog]:
    """A client of the catalog ``settings`` describe, its application started (the database
    migrated to head, as on every command) and stopped around the block."""
    app = create_app(settings)
    public = httpx.URL(settings.public_url)
    transport = StreamingASGITransport(
        in_process(app, OPERATOR), root_path=public.path.rstrip("/"), client=ORIGIN
    )
    origin = f"{public.scheme}://{public.netloc.decode()}"
    # An ASGI transport sends no lifespan events: the application's lifespan is entered here instead.
    async with (
        app.router.lifespan_context(app),
        AsyncCatalog(settings.public_url, mounts={origin: transport}) as client,
    ):
        yield client
