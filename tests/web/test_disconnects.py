"""A request whose client goes away stops its work, over real HTTP (uvicorn): the application
task is cancelled, so its database statements are too; a request whose client waits is answered,
and what runs after a complete answer is not cut short."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import httpx
import pytest
from servers import UvicornServer

from catalog.web.disconnects import CancelOnDisconnect

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send


class SlowApp:
    """Reads the body, then works for ``seconds`` before answering; records how it ended."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = threading.Event()
        self.cancelled = threading.Event()
        self.finished = threading.Event()
        self.after_answer = threading.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        import asyncio

        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": f"{message['type']}.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        while (await receive()).get("more_body", False):
            pass
        self.started.set()
        try:
            await asyncio.sleep(self.seconds)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )
        await send({"type": "http.response.body", "body": b"done"})
        self.finished.set()
        await asyncio.sleep(0.3)  # work after the answer, like a background task
        self.after_answer.set()


def test_an_abandoned_request_is_cancelled() -> None:
    app = SlowApp(seconds=30)
    with UvicornServer(CancelOnDisconnect(app)) as server:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(server.base_url, content=b"x" * 100_000, timeout=httpx.Timeout(5, read=0.5))
        assert app.started.is_set()
        assert app.cancelled.wait(timeout=5), "the work went on after the client left"
    assert not app.finished.is_set()


def test_a_waiting_client_is_answered_and_work_after_the_answer_completes() -> None:
    app = SlowApp(seconds=0.2)
    with UvicornServer(CancelOnDisconnect(app)) as server:
        response = httpx.post(server.base_url, content=b"query", timeout=10)
        assert (response.status_code, response.text) == (200, "done")
        deadline = time.monotonic() + 5
        while not app.after_answer.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert app.after_answer.is_set(), "work after a complete answer was cut short"
    assert not app.cancelled.is_set()
