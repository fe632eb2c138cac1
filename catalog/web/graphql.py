"""``/graphql``: the API (GET and POST), with GraphiQL for browsers. Bodies and variables are
read within bounds (``web/inputs.py``) and every refusal of the HTTP layer is the JSON error
shape of ``web/errors.py``, as on the other routes."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from cross_web import HTTPException
from starlette.requests import Request
from strawberry.asgi import GraphQL

from catalog import access
from catalog.errors import CatalogError, Invalid
from catalog.graphql.context import Context
from catalog.graphql.schema import schema
from catalog.limits import MAX_QUERY_CHARS
from catalog.services.answers import Answers
from catalog.web.encoding import encode
from catalog.web.errors import error_response, refusal
from catalog.web.inputs import check_json, read_json

if TYPE_CHECKING:
    from starlette.responses import Response
    from starlette.types import Receive, Scope, Send
    from starlette.websockets import WebSocket

    from catalog.config import Settings
    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.registry import StoreRegistry


class CatalogGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a fresh context (and loaders) per request."""

    def __init__(
        self, settings: Settings, db: Database, stores: StoreRegistry, vocabulary: Vocabulary
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.settings, self.db, self.stores, self.vocabulary = settings, db, stores, vocabulary
        self.answers = Answers(settings.kept_answers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except CatalogError as error:
            response = refusal(error)
        except HTTPException as error:
            response = error_response(error.status_code, HTTPStatus(error.status_code).name, error.reason)
        await response(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        viewer = access.current()  # set for the request by web/authentication.ActAs
        return Context.for_request(self.settings, self.db, self.stores, self.vocabulary, viewer, self.answers)

    def encode_json(self, data: object) -> bytes:
        return encode(data)

    def decode_json(self, data: str | bytes) -> object:
        """A request body (or GET's ``variables``): an object whose parts are within bounds."""
        value = read_json(data, "the request", checked=False)
        if not isinstance(value, dict):
            raise Invalid("the request must be a JSON object (batches are not served)")
        for key, part in value.items():
            if key == "query" and isinstance(part, str):
                _check_query(part)
            else:
                check_json(part, key)
        return value


def _check_query(query: str) -> None:
    if len(query) > MAX_QUERY_CHARS:
        raise Invalid(f"the query has more than {MAX_QUERY_CHARS} characters")
    if "\0" in query:
        raise Invalid("the query holds a NUL character")
