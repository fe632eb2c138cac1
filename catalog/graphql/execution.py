"""The executor: a page's leaves read without graphql-core's per-field machinery.

graphql-core executes each field in about 65 Python calls (a resolve info, the resolver, the
awaitable checks, completing a non-null, then a leaf); a page of 50 assets has about a thousand
fields, most of them plain attributes holding a scalar, an enum or a list of them. For those
fields (strawberry's basic fields: no resolver, no arguments, no field extensions) this executor
reads the attribute and coerces it directly. Anything unusual on the way (a null where the schema
forbids one, a value the type cannot represent) is handed back to graphql-core, which answers
exactly as it always does, errors and their paths included: reading a plain attribute twice has
no effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    Undefined,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from graphql import GraphQLLeafType, GraphQLObjectType
    from graphql.execution.collect_fields import GroupedFieldSet
    from graphql.pyutils import AwaitableOrValue, Path


class _Unusual(Exception):
    """The fast path met something only graphql-core answers correctly."""


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """How to read one plain attribute field: its attribute, the leaf type's coercion, and which
    nulls the schema forbids."""

    read: Callable[[Any, str], Any]
    attribute: str
    coerce: Callable[[Any], Any]
    required: bool
    listed: bool
    items_required: bool

    def value(self, source: Any) -> Any:
        found = self.read(source, self.attribute)
        if found is None:
            if self.required:
                raise _Unusual
            return None
        if not self.listed:
            return self._one(found)
        if not isinstance(found, list | tuple):
            raise _Unusual
        return [self._item(item) for item in found]

    def _item(self, item: Any) -> Any:
        if item is None:
            if self.items_required:
                raise _Unusual
            return None
        return self._one(item)

    def _one(self, value: Any) -> Any:
        try:
            coerced = self.coerce(value)
        except Exception as error:
            raise _Unusual from error
        if coerced is None or coerced is Undefined:
            raise _Unusual
        return coerced


def plain_leaf(field: GraphQLField) -> PlainLeaf | None:
    """The plan for ``field`` if it is a plain attribute holding a leaf or a list of leaves."""
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    kind = field.type
    required = is_non_null_type(kind)
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    listed = is_list_type(kind)
    items_required = False
    if isinstance(kind, GraphQLList):
        items_required = is_non_null_type(kind.of_type)
        kind = kind.of_type.of_type if isinstance(kind.of_type, GraphQLNonNull) else kind.of_type
    if not is_leaf_type(kind):
        return None
    leaf: GraphQLLeafType = kind
    return PlainLeaf(
        read=definition.default_resolver,
        attribute=definition.python_name,
        coerce=leaf.coerce_output_value,
        required=required,
        listed=listed,
        items_required=items_required,
    )


class PlainLeavesExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution, with plain leaves read directly (see the module's docstring),
    unless an extension wraps every resolver."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[int, tuple[GroupedFieldSet, list[tuple[str, PlainLeaf | None]] | None]] = {}

    def _plans_of(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[tuple[str, PlainLeaf | None]] | None:
        """Each selected field's plan, or None when none is a plain leaf; graphql-core hands the
        same field set for every object of a list, so this is worked out once per list."""
        known = self._plans.get(id(grouped_field_set))
        if known is None or known[0] is not grouped_field_set:
            plans: list[tuple[str, PlainLeaf | None]] | None = None
            if not (self.middleware_manager is not None and self.middleware_manager.middlewares):
                plans = []
                for response_name, field_details_list in grouped_field_set.items():
                    field = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
                    plans.append((response_name, plain_leaf(field) if field is not None else None))
                if all(plan is None for _, plan in plans):
                    plans = None
            known = self._plans[id(grouped_field_set)] = (grouped_field_set, plans)
        return known[1]

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plans = self._plans_of(parent_type, grouped_field_set)
        if plans is None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        leaves: dict[str, Any] = {}
        others: GroupedFieldSet = {}
        for response_name, plan in plans:
            if plan is not None:
                try:
                    leaves[response_name] = plan.value(source_value)
                    continue
                except _Unusual:
                    pass
            others[response_name] = grouped_field_set[response_name]
        if not others:
            return leaves
        executed = super().execute_fields(parent_type, source_value, path, others, position_context)
        if isinstance(executed, dict):
            return _in_order(grouped_field_set, leaves, executed)

        async def completed(pending: Awaitable[dict[str, Any]]) -> dict[str, Any]:
            return _in_order(grouped_field_set, leaves, await pending)

        return completed(executed)


def _in_order(
    grouped_field_set: GroupedFieldSet, leaves: dict[str, Any], others: dict[str, Any]
) -> dict[str, Any]:
    """Both halves' results in the order the query selected them (the answer's key order)."""
    if not leaves:
        return others
    ordered: dict[str, Any] = {}
    for name in grouped_field_set:
        if name in leaves:
            ordered[name] = leaves[name]
        elif name in others:
            ordered[name] = others[name]
    return ordered
