"""GraphQL input values read from plain JSON, coerced exactly as GraphQL coerces a query's
variables, so a route that takes an input as JSON (``/manifest?filter=``) accepts and refuses
the same values the API does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from graphql.utilities import coerce_input_value, validate_input_value
from strawberry.types.arguments import convert_argument

from catalog.errors import Invalid
from catalog.graphql.schema import schema

if TYPE_CHECKING:
    from graphql import GraphQLError, GraphQLInputType

T = TypeVar("T")


def coerce(value: object, input_type: type[T], where: str) -> T:
    """``value`` (parsed JSON) as an instance of the strawberry input class ``input_type``."""
    definition = input_type.__strawberry_definition__  # type: ignore[attr-defined]  # set by @strawberry.input
    graphql_type = cast("GraphQLInputType", schema._schema.get_type(definition.name))

    errors: list[str] = []

    def refuse(error: GraphQLError, path: Any) -> None:
        errors.append(".".join(str(step) for step in [where, *path]) + f": {error.message}")

    validate_input_value(value, graphql_type, refuse)
    if errors:
        raise Invalid("; ".join(errors[:5]))
    coerced = coerce_input_value(value, graphql_type)
    converter = schema.schema_converter
    return cast("T", convert_argument(coerced, input_type, converter.scalar_registry, schema.config))
