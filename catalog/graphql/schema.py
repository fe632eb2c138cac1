"""The schema with its guards: an abusive query is refused before it touches the database."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from catalog.graphql.cost import QueryCost
from catalog.graphql.errors import ErrorCodes
from catalog.graphql.queries import Query

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 4000

schema = strawberry.Schema(
    query=Query,
    extensions=[
        ErrorCodes,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        QueryCost,
    ],
)


def sdl() -> str:
    """The schema in SDL, as committed in ``schema.graphql`` (the contract clients build on)."""
    return schema.as_str() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
