"""The executor: a page's plain fields read without graphql-core's per-field machinery.

graphql-core executes each field in about 65 Python calls (a resolve info, the resolver, the
awaitable checks, completing a non-null, then a leaf or an object); a page of 50 assets has about a
thousand fields, most of them plain attributes (strawberry's basic fields: no resolver, no
arguments, no field extensions). This executor reads such an attribute directly: a scalar, an
enum or a list of them is coerced at once, and an object or a list of objects (of a type without
an ``is_type_of`` check), read from an attribute or returned by a resolver, has its selection
executed straight away, with graphql-core's own error handling at the same paths. Anything unusual on the way (a null where the schema forbids one, a
value the type cannot represent, a directive on the field) is handed back to graphql-core, which
answers exactly as it always does, errors and their paths included: reading a plain attribute
twice has no effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from graphql import GraphQLLeafType, GraphQLOutputType, GraphQLResolveInfo
    from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
    from graphql.pyutils import AwaitableOrValue


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


def _shape(return_type: GraphQLOutputType) -> tuple[Any, bool, bool, bool]:
    """The named type under an output type's wrappers, whether it is non-null, whether it is a
    list, and whether its items are non-null."""
    kind = return_type
    required = is_non_null_type(kind)
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    listed = is_list_type(kind)
    items_required = False
    if isinstance(kind, GraphQLList):
        items_required = is_non_null_type(kind.of_type)
        kind = kind.of_type.of_type if isinstance(kind.of_type, GraphQLNonNull) else kind.of_type
    return kind, required, listed, items_required


def _plain_definition(field: GraphQLField) -> Any:
    """Strawberry's definition of ``field`` if it is a plain attribute (no resolver, arguments or
    field extensions), else None."""
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    return definition


def plain_leaf(field: GraphQLField) -> PlainLeaf | None:
    """The plan for ``field`` if it is a plain attribute holding a leaf or a list of leaves."""
    definition = _plain_definition(field)
    if definition is None:
        return None
    kind, required, listed, items_required = _shape(field.type)
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


@dataclass(frozen=True, slots=True)
class ObjectShape:
    """An output type holding an object or a list of objects of a type graphql-core completes
    without asking the value what it is (no ``is_type_of``): what completing it needs."""

    object_type: GraphQLObjectType
    return_type: GraphQLOutputType
    item_type: GraphQLOutputType | None
    required: bool
    items_required: bool


def object_shape(return_type: GraphQLOutputType) -> ObjectShape | None:
    """The shape of ``return_type`` if it is a plain object or a list of them, else None."""
    kind, required, _, items_required = _shape(return_type)
    if not isinstance(kind, GraphQLObjectType) or kind.is_type_of is not None:
        return None
    listing = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    return ObjectShape(
        object_type=kind,
        return_type=return_type,
        item_type=listing.of_type if isinstance(listing, GraphQLList) else None,
        required=required,
        items_required=items_required,
    )


@dataclass(frozen=True, slots=True)
class PlainObject:
    """How to read one plain attribute field holding a plain object or a list of them."""

    read: Callable[[Any, str], Any]
    attribute: str
    shape: ObjectShape


def plain_object(field: GraphQLField) -> PlainObject | None:
    """The plan for ``field`` if it is a plain attribute holding an object or a list of objects
    whose type graphql-core would complete without asking the value what it is."""
    definition = _plain_definition(field)
    shape = object_shape(field.type) if definition is not None else None
    if shape is None:
        return None
    return PlainObject(read=definition.default_resolver, attribute=definition.python_name, shape=shape)


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution, with plain leaves and plain objects read directly (see the module's
    docstring), unless an extension wraps every resolver."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._direct = not (self.middleware_manager is not None and self.middleware_manager.middlewares)
        self._plans: dict[int, tuple[GroupedFieldSet, list[tuple[str, PlainLeaf | None]] | None]] = {}
        self._objects: dict[int, tuple[FieldDetailsList, PlainObject]] = {}
        self._shapes: dict[int, tuple[GraphQLOutputType, ObjectShape | None]] = {}

    def _plans_of(
        self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet
    ) -> list[tuple[str, PlainLeaf | None]] | None:
        """Each selected field's leaf plan, or None when none is a plain leaf; graphql-core hands
        the same field set for every object of a list, so this is worked out once per list. Plain
        objects among the fields are noted for ``execute_field``."""
        known = self._plans.get(id(grouped_field_set))
        if known is None or known[0] is not grouped_field_set:
            plans: list[tuple[str, PlainLeaf | None]] | None = None
            if self._direct:
                plans = []
                for response_name, field_details_list in grouped_field_set.items():
                    field = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
                    leaf = plain_leaf(field) if field is not None else None
                    plans.append((response_name, leaf))
                    found = plain_object(field) if field is not None and leaf is None else None
                    if found is not None and not any(d.node.directives for d in field_details_list):
                        self._objects[id(field_details_list)] = (field_details_list, found)
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

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        known = self._objects.get(id(field_details_list))
        if known is not None and known[0] is field_details_list:
            try:
                return self._plain_object(known[1], source, field_details_list, path)
            except _Unusual:
                pass
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def _plain_object(
        self, plan: PlainObject, source: Any, field_details_list: FieldDetailsList, path: Path
    ) -> AwaitableOrValue[Any]:
        """The field's object(s) completed as graphql-core's ``execute_field`` would, minus its
        resolve info, resolver and type checks: an error below is handled for this field's type
        (a null where it may be one, else raised to the parent), awaited or not."""
        shape = plan.shape
        found = plan.read(source, plan.attribute)
        if found is None:
            if shape.required:
                raise _Unusual
            return None
        if shape.item_type is not None and not self._plain_list(shape, found):
            raise _Unusual
        try:
            completed = self._objects_of(shape, found, field_details_list, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, shape.return_type, field_details_list, path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def awaited() -> Any:
            try:
                return await completed
            except Exception as raw_error:
                self.handle_field_error(raw_error, shape.return_type, field_details_list, path)
                return None

        return awaited()

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        """A resolver's plain object or list of them (an asset's modalities) completed as a plain
        attribute's is; anything else as graphql-core completes it. Errors are raised, as
        graphql-core's ``complete_value`` raises them, for the caller to handle."""
        known = self._shapes.get(id(return_type))
        if known is None or known[0] is not return_type:
            known = self._shapes[id(return_type)] = (
                return_type,
                object_shape(return_type) if self._direct else None,
            )
        shape = known[1]
        if (
            shape is None
            or result is None
            or isinstance(result, Exception)
            or (shape.item_type is not None and not self._plain_list(shape, result))
        ):
            return super().complete_value(
                return_type, field_details_list, info, path, result, position_context
            )
        return self._objects_of(shape, result, field_details_list, path)

    def _objects_of(
        self, shape: ObjectShape, found: Any, field_details_list: FieldDetailsList, path: Path
    ) -> AwaitableOrValue[Any]:
        """An object's selection executed, or each object's of a list."""
        grouped_field_set = self.collect_subfields(shape.object_type, field_details_list)[0]
        if shape.item_type is None:
            return self.execute_fields(shape.object_type, found, path, grouped_field_set, None)
        return self._plain_items(shape, found, field_details_list, path, grouped_field_set)

    def _plain_list(self, shape: ObjectShape, found: Any) -> bool:
        """Whether ``found`` is a list graphql-core would complete item by item without a word:
        no awaitable item, and no null where the items may not be null."""
        return isinstance(found, list | tuple) and not any(
            (item is None and shape.items_required) or self.is_awaitable(item) for item in found
        )

    def _plain_items(
        self,
        shape: ObjectShape,
        items: list[Any] | tuple[Any, ...],
        field_details_list: FieldDetailsList,
        path: Path,
        grouped_field_set: GroupedFieldSet,
    ) -> AwaitableOrValue[list[Any]]:
        """Each object of a list completed as graphql-core's ``complete_iterable_value`` would: an
        error in one item is handled for the item's type, and the awaitable ones are gathered."""
        assert shape.item_type is not None
        item_type = shape.item_type
        completed: list[Any] = []
        pending: list[int] = []
        try:
            for index, item in enumerate(items):
                item_path = path.add_key(index, None)
                if item is None:
                    completed.append(None)
                    continue
                try:
                    value = self.execute_fields(shape.object_type, item, item_path, grouped_field_set, None)
                except Exception as raw_error:
                    self.handle_field_error(raw_error, item_type, field_details_list, item_path)
                    value = None
                if self.is_awaitable(value):
                    value = self._awaited_item(value, item_type, field_details_list, item_path)
                    pending.append(index)
                completed.append(value)
        except Exception:
            if pending:
                self.settle_in_background([completed[index] for index in pending])
            raise
        if not pending:
            return completed

        async def gathered() -> list[Any]:
            results = await gather_with_cancel(*(completed[index] for index in pending))
            for index, result in zip(pending, results, strict=True):
                completed[index] = result
            return completed

        return gathered()

    async def _awaited_item(
        self,
        value: Awaitable[Any],
        item_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        item_path: Path,
    ) -> Any:
        try:
            return await value
        except Exception as raw_error:
            self.handle_field_error(raw_error, item_type, field_details_list, item_path)
            return None


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
