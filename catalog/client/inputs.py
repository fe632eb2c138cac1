"""Python keywords as GraphQL input values, read off the server's own input classes.

``acquired_after="2023-01-01"`` becomes ``{"acquiredAfter": "2023-01-01"}`` because
``AssetFilter`` (``catalog/schemas/filters.py``) declares ``acquired_after``: the filters, group
keys and measures a client may send are declared there once, and a keyword those classes lack is
refused here, before any request, with the valid ones listed."""

from __future__ import annotations

import difflib
import operator
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.lazy_type import LazyType
from strawberry.utils.str_converters import to_camel_case

from catalog.limits import MAX_LIST_ITEMS, MAX_NAMES
from catalog.schemas.aggregates import GroupKey, Measure
from catalog.schemas.filters import AssetFilter
from catalog.schemas.orders import AssetOrder

if TYPE_CHECKING:
    from enum import Enum


def asset_filter(keywords: Mapping[str, Any], where: str = "filter") -> dict[str, Any] | None:
    """The ``AssetFilter`` input the keywords describe (None for no keyword: every asset).

    More names than one JSON list may hold are sent as an ``or`` of lists, so up to
    ``MAX_NAMES`` names still go in one request."""
    if not keywords:
        return None
    spec = input_object(AssetFilter, keywords, where)
    names = spec.get("names")
    if names is None or len(names) <= MAX_LIST_ITEMS:
        return spec
    if len(names) > MAX_NAMES:
        raise ValueError(f"{where}: at most {MAX_NAMES} names in one query, not {len(names)}")
    parts = [
        {"names": names[start : start + MAX_LIST_ITEMS]} for start in range(0, len(names), MAX_LIST_ITEMS)
    ]
    rest = {key: value for key, value in spec.items() if key != "names"}
    return {**rest, "and": [*rest.get("and", ()), {"or": parts}]}


def input_object(cls: type, values: Any, where: str) -> dict[str, Any]:
    """``values`` (a mapping of field names in Python or GraphQL spelling, or a strawberry input
    object) as the GraphQL input ``cls``; a value of None leaves the field out."""
    if isinstance(values, cls):
        values = {field.python_name: getattr(values, field.python_name) for field in _fields(cls)}
    if not isinstance(values, Mapping):
        raise TypeError(f"{where}: expected a mapping of {cls.__name__} fields, not {values!r}")
    fields = {name: field for field in _fields(cls) for name in (field.python_name, _graphql_name(field))}
    spec: dict[str, Any] = {}
    for key, value in values.items():
        field = fields.get(key)
        if field is None:
            raise TypeError(_unknown(key, sorted(f.python_name for f in _fields(cls)), where))
        if value is not None:
            spec[_graphql_name(field)] = _value(field.type, value, f"{where}.{field.python_name}")
    return spec


def _graphql_name(field: Any) -> str:
    return str(field.graphql_name or to_camel_case(field.python_name))


def enum_name(kind: type[Enum], value: Any, where: str) -> str:
    """The GraphQL name of an enum value given as a member or its name in any case."""
    if isinstance(value, kind):
        return value.name
    name = str(value).upper()
    if name not in kind.__members__:
        raise ValueError(f"{where}: {value!r} is not one of {', '.join(m.lower() for m in kind.__members__)}")
    return name


def listed(values: Any) -> list[Any]:
    """A single value, or any iterable (a list, a tuple, a pandas Series), as a list."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        return [values]
    return list(values)


def order(spec: Any, where: str = "order_by") -> list[dict[str, Any]]:
    """Orderings: ``"acquired_at"``, ``"-acquired_at"`` (descending) or ``AssetOrder`` fields."""
    return [input_object(AssetOrder, _ordering(item), where) for item in listed(spec)]


def _ordering(item: Any) -> Any:
    if not isinstance(item, str):
        return item
    descending = item.startswith("-")
    return {"field": item.removeprefix("-"), "direction": "desc" if descending else "asc"}


def group_key(spec: Any, where: str = "group_by") -> dict[str, Any]:
    """A group key: a field's name (``"project"``, ``"month"``) or ``GroupKey`` fields."""
    return input_object(GroupKey, {"field": spec} if isinstance(spec, str) else spec, where)


def measure(spec: Any, where: str = "measures") -> dict[str, Any]:
    """A measure: ``"op:field"`` (``"avg:acquisition_duration"``, ``"count_distinct:subject"``),
    ``"op"`` for the op of assets (``"count"``), or ``Measure`` fields."""
    if isinstance(spec, str):
        op, _, field = spec.partition(":")
        spec = {"op": op, "field": field or "asset"}
    return input_object(Measure, spec, where)


def _fields(cls: type) -> list[Any]:
    definition = getattr(cls, "__strawberry_definition__", None)
    if definition is None:
        raise TypeError(f"{cls.__name__} is not a GraphQL input")
    return list(definition.fields)


def _value(kind: Any, value: Any, where: str) -> Any:
    """``value`` as GraphQL reads a value of the strawberry type ``kind``."""
    if isinstance(kind, StrawberryOptional):
        return _value(kind.of_type, value, where)
    if isinstance(kind, StrawberryList):
        return [_value(kind.of_type, item, where) for item in listed(value)]
    if isinstance(kind, LazyType):
        return _value(kind.resolve_type(), value, where)
    if isinstance(kind, StrawberryEnumDefinition):
        return enum_name(cast("type[Enum]", kind.wrapped_cls), value, where)
    if isinstance(kind, type) and hasattr(kind, "__strawberry_definition__"):
        return input_object(kind, value, where)
    if kind in (datetime, date):
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind is bool:
        if value not in (True, False):
            raise TypeError(f"{where}: expected True or False, not {value!r}")
        return bool(value)
    if kind is str:
        return value if isinstance(value, str) else str(operator.index(value))  # subject_id=804670
    if kind is int:
        return operator.index(value)  # a numpy integer too, never a float cut short
    if kind is float:
        return float(value)
    return value


def _unknown(key: str, valid: list[str], where: str) -> str:
    close = difflib.get_close_matches(key, valid, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{where}: unknown keyword {key!r}{hint}; valid keywords: {', '.join(valid)}"
