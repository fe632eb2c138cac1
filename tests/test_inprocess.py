"""The in-process ASGI transport: a body reaches the client as the application sends it, the
request's body reaches the application, and failures and early closes end as over a network."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx
import pytest

from catalog.inprocess import StreamingASGITransport

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

URL = "http://catalog.test"


def client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=StreamingASGITransport(app), base_url=URL)  # type: ignore[arg-type]


async def start(send: Send, status: int = 200) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"x-kind", b"test")]})


async def test_the_body_streams_as_the_application_sends_it() -> None:
    """The second chunk is sent only once the client has read the first: a transport that held
    the whole body would wait for ever."""
    first_read = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await start(send)
        await send({"type": "http.response.body", "body": b"first ", "more_body": True})
        await first_read.wait()
        await send({"type": "http.response.body", "body": b"second", "more_body": False})

    received = []
    async with asyncio.timeout(10), client(app) as http, http.stream("GET", "/files/x") as response:
        async for chunk in response.aiter_bytes():
            received.append(chunk)
            first_read.set()

    assert (response.status_code, response.headers["x-kind"]) == (200, "test")
    assert b"".join(received) == b"first second"


async def test_the_request_and_its_body_reach_the_application() -> None:
    seen = {}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        seen.update(path=scope["path"], query=scope["query_string"], client=scope["client"])
        await start(send, 201)
        await send({"type": "http.response.body", "body": body[::-1]})

    transport = StreamingASGITransport(app, client=("command line", 0))
    async with httpx.AsyncClient(transport=transport) as http:
        response = await http.post(f"{URL}/graphql?x=1", content=b"query")

    assert (response.status_code, response.content) == (201, b"yreuq")
    assert seen == {"path": "/graphql", "query": b"x=1", "client": ("command line", 0)}


async def test_a_failure_before_the_answer_is_raised_to_the_caller() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise LookupError("the application broke")

    async with client(app) as http:
        with pytest.raises(LookupError, match="the application broke"):
            await http.get("/graphql")


async def test_a_failure_part_way_through_a_body_is_a_cut_connection() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await start(send)
        await send({"type": "http.response.body", "body": b"part", "more_body": True})
        raise LookupError("the file changed")

    async with client(app) as http:
        with pytest.raises(httpx.ReadError):
            await http.get("/files/x")


async def test_a_client_that_closes_early_stops_the_application() -> None:
    stopped = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await start(send)
        try:
            while True:  # an endless body: it never ends by itself
                await send({"type": "http.response.body", "body": b"x" * 1024, "more_body": True})
        finally:
            stopped.set()

    async with asyncio.timeout(10), client(app) as http:
        async with http.stream("GET", "/files/x") as response:
            async for _ in response.aiter_bytes():
                break
        await stopped.wait()
