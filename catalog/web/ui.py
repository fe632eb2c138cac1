"""The web catalog: the single-page app built from ``frontend/`` into ``catalog/ui`` (shipped in
the package, as Phoenix and Prefect ship theirs), served at ``/``.

Its files under ``/static`` carry a content hash in their names, so caches keep them for a year;
``index.html`` is revalidated on every visit so a new release is picked up at once. Every other
path a browser navigates to answers ``index.html`` too, so a client route (``/assets/NAME``)
pasted from a chat message opens the same view. API clients keep the JSON 404 of unknown paths."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from catalog.web.errors import error_page, wants_page

if TYPE_CHECKING:
    from starlette.responses import Response
    from starlette.types import Receive, Scope, Send

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
"""Where ``npm run build`` in ``frontend/`` writes the app."""
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class HashedFiles(StaticFiles):
    """Static files whose names change with their content: cached for good."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        if response.status_code in {200, 304}:
            response.headers["Cache-Control"] = IMMUTABLE
        return response


class WebCatalog:
    """The web catalog's routes, and the answer to paths no route matched (``fallback``, the
    router's default): ``index.html`` for a browser, the JSON 404 for anyone else."""

    def __init__(self, ui_dir: Path = UI_DIR) -> None:
        self.index = ui_dir / "index.html"
        self.routes: list[BaseRoute] = [
            Mount("/static", HashedFiles(directory=ui_dir / "static", check_dir=False), name="static"),
            Route("/", self.app_shell),
        ]

    async def app_shell(self, request: Request) -> Response:
        if request.method not in {"GET", "HEAD"} or not wants_page(request):
            raise HTTPException(404, "no such route")
        if not self.index.is_file():
            return error_page(
                503,
                "UI_NOT_BUILT",
                "The web catalog was not built: run `npm ci && npm run build` in frontend/ "
                "(or `bash .ci/setup`). The API at /graphql works without it.",
            )
        return FileResponse(self.index, headers={"Cache-Control": REVALIDATE})

    async def fallback(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.app_shell(Request(scope, receive))
        await response(scope, receive, send)
