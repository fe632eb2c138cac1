"""An httpx transport to an ASGI application in this process whose responses stream: the body
reaches the client a chunk at a time as the application sends it, with backpressure, where
httpx's own ``ASGITransport`` holds a whole body before answering (a multi-gigabyte file of a
local store would sit in memory during a download).

A client that closes a response early is a client that went away: the application receives
``http.disconnect`` and its task is cancelled. An application that fails before answering raises
its error to the caller, as ``ASGITransport`` does; one that fails part-way through a body ends
the stream with ``httpx.ReadError``, what a client of a real server sees of a cut connection."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.types import ASGIApp, Message

BUFFERED = 8
"""Body chunks held between the application and the client before the application waits."""
_END = object()


class StreamingASGITransport(httpx.AsyncBaseTransport):
    def __init__(
        self, app: ASGIApp, *, root_path: str = "", client: tuple[str, int] = ("127.0.0.1", 0)
    ) -> None:
        self.app, self.root_path, self.client = app, root_path, client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        exchange = _Exchange(self.app, self._scope(request), request)
        return await exchange.start()

    def _scope(self, request: httpx.Request) -> dict[str, Any]:
        url = request.url
        return {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(name.lower(), value) for name, value in request.headers.raw],
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query,
            "server": (url.host, url.port),
            "client": self.client,
            "root_path": self.root_path,
        }


class _Exchange:
    """One request: the application runs as a task, its body chunks passed through a queue."""

    def __init__(self, app: ASGIApp, scope: dict[str, Any], request: httpx.Request) -> None:
        self._app, self._scope, self._request = app, scope, request
        self._chunks = aiter(request.stream)  # type: ignore[arg-type]
        self._request_read = False
        self._started = asyncio.Event()
        self._gone = asyncio.Event()
        self._queue: asyncio.Queue[Any] = asyncio.Queue(BUFFERED)
        self._head: dict[str, Any] = {}
        self._ended = False
        self._failure: BaseException | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> httpx.Response:
        self._task = asyncio.create_task(self._run())
        await self._started.wait()
        if "status" not in self._head:
            await self._task
            raise self._failure or RuntimeError("the application answered nothing")
        return httpx.Response(self._head["status"], headers=self._head.get("headers", []), stream=_Body(self))

    async def _run(self) -> None:
        try:
            await self._app(self._scope, self._receive, self._send)
        except Exception as error:  # the caller hears of it: before the answer, or as a cut body
            self._failure = error
        finally:
            self._started.set()
        if not self._ended:
            await self._queue.put(_END)

    async def _receive(self) -> Message:
        if not self._request_read:
            try:
                chunk = await anext(self._chunks)
            except StopAsyncIteration:
                self._request_read = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.request", "body": chunk, "more_body": True}
        await self._gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._head = dict(message)
            self._started.set()
        elif message["type"] == "http.response.body" and not self._ended:
            if (chunk := message.get("body", b"")) and self._request.method != "HEAD":
                await self._queue.put(chunk)
            if not message.get("more_body", False):
                self._ended = True
                await self._queue.put(_END)

    async def chunks(self) -> AsyncIterator[bytes]:
        while (chunk := await self._queue.get()) is not _END:
            yield chunk
        if self._failure is not None and not self._ended:
            raise httpx.ReadError("the application stopped before the end of its response")

    async def close(self) -> None:
        """The client is done: the application hears it went away, and is stopped unless it
        finished its response (what runs after that is left to end)."""
        self._gone.set()
        if self._task is None:
            return
        if not self._ended:
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self._ended and self._failure is not None:
            raise self._failure


class _Body(httpx.AsyncByteStream):
    def __init__(self, exchange: _Exchange) -> None:
        self._exchange = exchange

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._exchange.chunks():
            yield chunk

    async def aclose(self) -> None:
        await self._exchange.close()
