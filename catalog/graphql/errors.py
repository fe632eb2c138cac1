"""Every GraphQL error carries ``extensions.code``, decided here once from what the error is
(never from its message text); unexpected ones are logged and masked as INTERNAL."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import strawberry
from graphql import GraphQLSyntaxError, Lexer, TokenKind
from graphql.error import GraphQLError

from catalog.errors import CatalogError
from catalog.graphql.guards import TOO_COMPLEX
from catalog.limits import MAX_TOKENS

if TYPE_CHECKING:
    from graphql import Source
    from strawberry.types import ExecutionContext

log = logging.getLogger(__name__)

BAD_USER_INPUT = "BAD_USER_INPUT"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


def with_code(error: GraphQLError) -> None:
    """Give ``error`` its ``extensions.code`` (in place: strawberry answers with these objects)."""
    original = error.original_error
    if isinstance(original, CatalogError):
        code, error.message = original.code, original.message
    elif isinstance(original, GraphQLError):  # the request's own values, e.g. a missing variable
        code, error.message = BAD_USER_INPUT, original.message
    elif original is not None:
        log.error("unexpected error in a resolver", exc_info=original)
        code, error.message = "INTERNAL", "Internal error."
    elif isinstance(error, GraphQLSyntaxError):
        code = TOO_COMPLEX if _too_many_tokens(error.source) else PARSE_FAILED
    else:
        code = (error.extensions or {}).get("code") or VALIDATION_FAILED
    error.extensions = {**(error.extensions or {}), "code": code}


def _too_many_tokens(source: Source | None) -> bool:
    """Whether the parser stopped at the token limit: the document lexes past it."""
    if source is None:
        return False
    lexer = Lexer(source)
    try:
        for _ in range(MAX_TOKENS + 1):
            if lexer.advance().kind is TokenKind.EOF:
                return False
    except GraphQLError:
        return False
    return True


class CodedSchema(strawberry.Schema):
    """A schema whose every error, from parsing to execution, leaves with its code: strawberry
    passes all of them through ``process_errors`` before it answers."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            with_code(error)
