"""Query cost: an estimate of how many values a query can resolve, checked with its
variables before execution, so that nested pages (500 assets × 500 files × …) are refused
before they touch the database."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from catalog.limits import MAX_COST
from catalog.schemas.enums import FacetField

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

PAGED: Mapping[str, tuple[str, int]] = {
    "assets": ("first", 50),
    "files": ("first", 50),
    "facets": ("limit", 100),
    "aggregate": ("first", 100),
}
"""Fields whose argument says how many items each returns, with its default."""
FACET_LISTS = ("fields", "metadataFields")
"""facets returns ``limit`` values for each facet these arguments name (every field when neither is given)."""
FANNED: Mapping[str, int] = {"provenance": 1_000, "derivedFrom": 20, "derivatives": 20, "modalities": 10}
"""Lists without a page size: a fixed estimate of their length."""


class QueryCost(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            cost = estimate(document.definitions, context.operation_name, context.variables or {})
            if cost > MAX_COST:
                message = f"query cost {cost} exceeds the limit of {MAX_COST}: ask for smaller pages"
                context.result = ExecutionResult(data=None, errors=[GraphQLError(message)])
        yield


def estimate(definitions: Any, operation_name: str | None, variables: Mapping[str, Any]) -> int:
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    return max((_selection_cost(o.selection_set, fragments, variables, 0) for o in chosen), default=0)


def _selection_cost(
    selections: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    depth: int,
) -> int:
    if selections is None or depth > 64:
        return 0
    total = 0
    for node in selections.selections:
        if isinstance(node, FieldNode):
            total += 1 + _multiplier(node, variables) * _selection_cost(
                node.selection_set, fragments, variables, depth + 1
            )
        elif isinstance(node, InlineFragmentNode):
            total += _selection_cost(node.selection_set, fragments, variables, depth + 1)
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            total += _selection_cost(
                fragments[node.name.value].selection_set, fragments, variables, depth + 1
            )
    return total


def _multiplier(node: FieldNode, variables: Mapping[str, Any]) -> int:
    name = node.name.value
    if name in FANNED:
        return FANNED[name]
    if name not in PAGED:
        return 1
    argument, default = PAGED[name]
    arguments = {given.name.value: _value(given.value, variables) for given in node.arguments or ()}
    size = arguments.get(argument)
    count = int(size) if isinstance(size, int) and size > 0 else default
    if name == "facets":
        lists = [arguments.get(key) for key in FACET_LISTS]
        named = sum(len(found) for found in lists if isinstance(found, list))
        count *= named if any(found is not None for found in lists) else len(FacetField)
    return count


def _value(node: Any, variables: Mapping[str, Any]) -> Any:
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    return value_from_ast_untyped(node)
