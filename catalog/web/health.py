"""Probes: ``/healthz`` says the process is alive; ``/readyz`` that it can serve, its database
and its store both answering (503 with a code when one does not)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import JSONResponse, Response

from catalog.errors import Unavailable

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request

    from catalog.db.engine import Database
    from catalog.storage.registry import StoreRegistry


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def readyz_endpoint(db: Database, stores: StoreRegistry) -> Callable[[Request], Awaitable[Response]]:
    async def readyz(_request: Request) -> Response:
        await db.ping()
        try:
            await stores.default.stat(PROBE_KEY)
        except Exception as error:  # whatever the backend raises, the store is not answering
            raise Unavailable("the object store cannot be reached right now: retry shortly") from error
        return JSONResponse({"status": "ready"})

    return readyz


PROBE_KEY = "catalog-readiness-probe"
"""A key that is looked up, never written: any answer, found or not, means the store is there."""
