"""Who a request acts as: ``Authorization: Bearer TOKEN`` resolved once, at the edge, by
Starlette's authentication middleware. A bad or revoked token is 401 ``UNAUTHENTICATED``; no
token reads as ``ANONYMOUS`` where ``CATALOG_ANONYMOUS_READ`` allows it. Routes that serve no
data need no token: ``/healthz``, the web catalog's files (its shell asks for a token itself)
and ``/files`` links (signed: the link is the credential)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError, BaseUser

from catalog import access
from catalog.access import ANONYMOUS, Viewer
from catalog.errors import Unauthenticated
from catalog.services import tokens
from catalog.web.errors import refusal

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection
    from starlette.responses import Response
    from starlette.types import ASGIApp, Receive, Scope, Send

    from catalog.db.engine import Database

IN_PROCESS_VIEWER = "catalog.viewer"
"""The ASGI scope key naming the viewer of a request made from within this process (the command
line's client of its own database, ``catalog.local``). A server builds each scope from the HTTP
request, which cannot add keys to it, so only code that holds the application can set it."""
DATA_ROUTES = ("/graphql", "/manifest", "/download/", "/readyz")
"""The routes that need a token when anonymous reading is off."""
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="catalog"'}


class ViewerUser(BaseUser):
    """Starlette's user of a request: the catalog's viewer."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    @property
    def is_authenticated(self) -> bool:
        return not self.viewer.anonymous

    @property
    def display_name(self) -> str:
        return self.viewer.name


class BearerTokens(AuthenticationBackend):
    def __init__(self, db: Database, *, anonymous_read: bool) -> None:
        self.db, self.anonymous_read = db, anonymous_read

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser]:
        if isinstance(inside := conn.scope.get(IN_PROCESS_VIEWER), Viewer):
            return AuthCredentials([inside.role.value] if inside.role else []), ViewerUser(inside)
        header = conn.headers.get("authorization")
        if header is None:
            if not self.anonymous_read and conn.url.path.startswith(DATA_ROUTES):
                raise AuthenticationError("this catalog needs a token: send Authorization: Bearer TOKEN")
            return AuthCredentials(), ViewerUser(ANONYMOUS)
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError("send the token as Authorization: Bearer TOKEN")
        try:
            # From the primary: a token revoked is refused at once, not once a replica catches up.
            viewer = await tokens.authenticate(self.db.primary(), secret.strip())
        except Unauthenticated as error:
            raise AuthenticationError(error.message) from None
        return AuthCredentials([viewer.role.value] if viewer.role else []), ViewerUser(viewer)


def refused(_conn: HTTPConnection, error: Exception) -> Response:
    """A failed authentication in the JSON error contract, with the Bearer challenge."""
    response = refusal(Unauthenticated(str(error)))
    response.headers.update(CHALLENGE)
    return response


def in_process(app: ASGIApp, viewer: Viewer) -> ASGIApp:
    """``app`` answering every request as ``viewer``: for a client in this process that holds the
    application (and so the database) itself."""

    async def acting(scope: Scope, receive: Receive, send: Send) -> None:
        await app({**scope, IN_PROCESS_VIEWER: viewer}, receive, send)

    return acting


class ActAs:
    """Every request acts as its viewer (``access.acting_as``), so that the data layer, which
    decides what may be seen, knows who is asking on every route (and the API, through
    ``access.current``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        user = scope.get("user")
        client = scope.get("client")
        origin = client[0] if client else "unknown"
        with access.acting_as(user.viewer if isinstance(user, ViewerUser) else ANONYMOUS, origin):
            await self.app(scope, receive, send)
