"""``GET /download/{asset}/{path}``: a link that can be shared or written down; every visit
redirects to a fresh signed URL of the file's bytes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import RedirectResponse, Response

from catalog.services import manifests

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request

    from catalog.db.engine import Database
    from catalog.storage.registry import StoreRegistry


def download_endpoint(db: Database, stores: StoreRegistry) -> Callable[[Request], Awaitable[Response]]:
    async def download(request: Request) -> Response:
        asset, path = request.path_params["asset"], request.path_params["path"]
        url = await manifests.file_url(db, stores, asset, path)
        return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})

    return download
