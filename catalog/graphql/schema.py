"""The schema with its guards: an abusive query is refused before it touches the database."""

from __future__ import annotations

import strawberry
from graphql import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
    max_aliases,
    query_depth_limiter,
)

from catalog.graphql.cost import QueryCost
from catalog.graphql.errors import ErrorCodes
from catalog.graphql.queries import Query

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 4000

RULES: list[type[ASTValidationRule]] = [
    max_aliases.create_validator(MAX_ALIASES),
    query_depth_limiter.create_validator(MAX_DEPTH, None),
]
"""Built once: a rule class made per request would defeat the validation cache (its key)."""

schema = strawberry.Schema(
    query=Query,
    extensions=[
        ErrorCodes,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(RULES),
        QueryCost,
    ],
)


def sdl() -> str:
    """The schema in SDL, as committed in ``schema.graphql`` (the contract clients build on)."""
    return schema.as_str() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
