"""The schema with its guards: an abusive query is refused before it touches the database (the
token limit while parsing, then ``guards.Guards``)."""

from __future__ import annotations

from enum import StrEnum

import strawberry
from strawberry.extensions import MaxTokensLimiter, ParserCache, ValidationCache

from catalog.graphql.context import ReleaseSessions
from catalog.graphql.errors import CodedSchema
from catalog.graphql.execution import PlainFieldsExecutionContext
from catalog.graphql.guards import Guards, Literals
from catalog.graphql.mutations import Mutation
from catalog.graphql.queries import Query
from catalog.limits import MAX_TOKENS
from catalog.schemas import enums


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
schema = CodedSchema(
    query=Query,
    mutation=Mutation,
    extensions=[
        lambda: ParserCache(maxsize=256),
        Literals,
        lambda: ValidationCache(maxsize=256),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        Guards,
        ReleaseSessions,
    ],
    execution_context_class=PlainFieldsExecutionContext,
)


def sdl() -> str:
    """The schema in SDL, as committed in ``schema.graphql`` (the contract clients build on)."""
    return schema.as_str() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
