"""Every GraphQL error carries ``extensions.code``; unexpected ones are masked."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension

from catalog.errors import CatalogError

if TYPE_CHECKING:
    from collections.abc import Iterator

log = logging.getLogger(__name__)

TOO_COMPLEX = re.compile(
    r"exceeds maximum operation depth|aliases found|more than \d+ tokens|query cost", re.I
)


def with_code(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, CatalogError):
        code, message = original.code, original.message
    elif original is None:
        message = error.message
        code = "QUERY_TOO_COMPLEX" if TOO_COMPLEX.search(message) else "GRAPHQL_VALIDATION_FAILED"
    else:
        log.error("unexpected error in a resolver", exc_info=original)
        code, message = "INTERNAL", "Internal error."
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**(error.extensions or {}), "code": code},
    )


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [with_code(error) for error in result.errors]
