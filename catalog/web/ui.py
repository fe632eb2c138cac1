"""The web catalog: the single-page app built from ``frontend/`` into ``catalog/ui`` (shipped in
the package, as Phoenix and Prefect ship theirs), served at ``/``.

Its files under ``/static`` carry a content hash in their names, so caches keep them for a year
(and they go out gzipped); ``index.html`` is revalidated on every visit so a new release is picked
up at once. Every other path a browser navigates to answers ``index.html`` too, so a client route
(``/assets/NAME``) pasted from a chat message opens the same view. API clients keep the JSON 404
of unknown paths."""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from catalog.web.errors import error_page, wants_page

if TYPE_CHECKING:
    import os
    from os import PathLike

    from starlette.types import Receive, Scope, Send

UI_DIR = Path(__file__).resolve().parent.parent / "ui"
"""Where ``npm run build`` in ``frontend/`` writes the app."""
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class HashedFiles(StaticFiles):
    """Static files whose names change with their content: cached for good, and sent gzipped to
    clients that accept it (compressed once per file, as the content never changes)."""

    def file_response(
        self,
        full_path: PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["cache-control"] = IMMUTABLE
        response.headers["vary"] = "accept-encoding"
        path = Path(full_path)
        if (
            response.status_code != 200
            or path.suffix not in _COMPRESSIBLE
            or "gzip" not in Headers(scope=scope).get("accept-encoding", "")
        ):
            return response
        kept = ("content-type", "cache-control", "vary", "etag", "last-modified")
        headers = {name: response.headers[name] for name in kept if name in response.headers}
        headers["content-encoding"] = "gzip"
        return Response(_gzipped(path, stat_result.st_mtime_ns, stat_result.st_size), headers=headers)


_COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".map", ".txt"}


@functools.lru_cache(maxsize=256)
def _gzipped(path: Path, _mtime_ns: int, _size: int) -> bytes:
    """The file gzipped; its modification time and size key the cache, so a rebuild is seen."""
    return gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)


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
