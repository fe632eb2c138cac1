"""Request bodies are read up to a limit: a larger one is refused with 413 before or while it
arrives, so no request can make the server read and parse tens of megabytes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from catalog.errors import Invalid, TooLarge
from catalog.web.errors import refusal

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """ASGI middleware: refuse bodies over ``max_bytes`` (by Content-Length, else as they stream),
    except on routes under ``exempt`` that bound their bodies themselves (uploads: a signed URL
    says how many bytes it takes)."""

    def __init__(self, app: ASGIApp, max_bytes: int, exempt: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        try:
            self._check_declared(scope)
        except (Invalid, TooLarge) as error:
            await refusal(error)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise self._too_large()
            return message

        await self.app(scope, limited, send)

    def _check_declared(self, scope: Scope) -> None:
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is None:
            return
        if not declared.isdigit() or len(declared) > 18:
            raise Invalid("Content-Length is not a byte count")
        if int(declared) > self.max_bytes:
            raise self._too_large()

    def _too_large(self) -> TooLarge:
        return TooLarge(f"the request body is larger than {self.max_bytes} bytes")
