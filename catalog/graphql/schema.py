"""The schema with its guards: an abusive query is refused before it touches the database."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

import strawberry
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
from catalog.limits import MAX_ALIASES, MAX_QUERY_DEPTH, MAX_TOKENS
from catalog.schemas import enums

if TYPE_CHECKING:
    from graphql import ASTValidationRule

RULES: list[type[ASTValidationRule]] = [
    max_aliases.create_validator(MAX_ALIASES),
    query_depth_limiter.create_validator(MAX_QUERY_DEPTH, None),
]
"""Built once: a rule class made per request would defeat the validation cache (its key)."""


def _describe_enums() -> None:
    """Each enum of the request vocabulary is described by its docstring (strawberry converts a
    plain enum itself, as soon as an input class names it)."""
    for kind in vars(enums).values():
        if isinstance(kind, type) and issubclass(kind, StrEnum) and kind.__module__ == enums.__name__:
            if not hasattr(kind, "__strawberry_definition__"):
                strawberry.enum(kind)
            definition = kind.__strawberry_definition__  # type: ignore[attr-defined]  # set by strawberry.enum
            definition.description = " ".join(kind.__doc__.split()) if kind.__doc__ else None


_describe_enums()
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
