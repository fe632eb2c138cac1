"""``GET /healthz``: the process is alive and serving."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import JSONResponse, Response

if TYPE_CHECKING:
    from starlette.requests import Request


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})
