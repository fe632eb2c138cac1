"""A request whose client went away stops its work: its database statements are cancelled
instead of running on for nobody. A search page that moves on (a facet ticked again, an asset
opened) abandons requests all the time; left running, their counts compete with the requests
the user now waits for."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

DISCONNECT: Message = {"type": "http.disconnect"}


class CancelOnDisconnect:
    """ASGI middleware: the application runs as a task, and a pump reads the client's messages
    for it; when the client disconnects before the response is complete, the task is cancelled
    (asyncpg then cancels the statement in PostgreSQL)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        inbox: asyncio.Queue[Message | BaseException] = asyncio.Queue()
        gone = asyncio.Event()
        answered = False  # the whole response was sent: what runs after it is not abandoned work

        async def sending(message: Message) -> None:
            nonlocal answered
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True

        async def relayed() -> Message:
            if gone.is_set() and inbox.empty():
                return DISCONNECT
            message = await inbox.get()
            if isinstance(message, BaseException):
                raise message
            return message

        async def serve() -> None:
            await self.app(scope, relayed, sending)

        work = asyncio.create_task(serve())

        async def pump() -> None:
            while True:
                try:
                    message = await receive()
                except Exception as error:  # a refusal of the body (too large) belongs to the app
                    inbox.put_nowait(error)
                    return
                inbox.put_nowait(message)
                if message["type"] == "http.disconnect":
                    gone.set()
                    if not answered:
                        work.cancel()
                    return

        pumping = asyncio.create_task(pump())
        try:
            await work
        except asyncio.CancelledError:
            if not gone.is_set():
                raise  # the server itself is cancelling this request
        finally:
            pumping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pumping
