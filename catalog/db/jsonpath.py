"""Metadata predicates on JSON documents: the one place where the two dialects differ.

A path like ``tiles.channel.laser_power`` is read the way people read nested metadata: at
every step an array stands for each of its elements, so the predicate holds when any value
reached satisfies it. PostgreSQL evaluates it with a lax-mode SQL/JSON path over JSONB (so a
GIN index can serve it); SQLite walks the document with ``json_tree`` and matches the visited
keys against the path with a regular expression. Both type-guard comparisons: a number is
compared with numbers, a string with strings; equality never crosses types."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, column, exists, false, func, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB, JSONPATH

from catalog.conventions.paths import parse_path
from catalog.errors import Invalid

OPS = ("EQ", "NE", "LT", "LTE", "GT", "GTE", "IN", "CONTAINS", "EXISTS")


def check_value(op: str, value: Any) -> None:
    if op not in OPS:
        raise Invalid(f"unknown predicate op {op!r}")
    if op == "IN" and not isinstance(value, list):
        raise Invalid("IN takes a list of values")
    ordered = isinstance(value, (int, float, str)) and not isinstance(value, bool)
    if op in ("LT", "LTE", "GT", "GTE") and not ordered:
        raise Invalid(f"{op} compares numbers or strings, not {json.dumps(value)}")
    if op == "CONTAINS" and value is None:
        raise Invalid("CONTAINS takes a string or a value to find in an array")
    if op == "EXISTS" and not isinstance(value, bool) and value is not None:
        raise Invalid("EXISTS takes true, false or nothing")


def predicate(
    dialect: str, content: ColumnElement[Any], path: str, op: str, value: Any
) -> ColumnElement[bool]:
    """A boolean SQL expression: does the document ``content`` satisfy ``path op value``?"""
    segments = parse_path(path)
    check_value(op, value)
    if op in ("NE",) or (op == "EXISTS" and value is False):
        raise Invalid(f"{op} is the negation of another predicate: negate it around the document")
    build = _postgresql if dialect == "postgresql" else _sqlite
    return build(content, segments, op, value)


# -- PostgreSQL: lax SQL/JSON path, values inlined as JSON literals ------------------------


def _jsonpath_literal(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return json.dumps(str(value))


def _regex_literal(text: str) -> str:
    return json.dumps(re.escape(text))


def _postgresql(content: ColumnElement[Any], segments: list[str], op: str, value: Any) -> ColumnElement[bool]:
    base = "$" + "".join(f".{json.dumps(s)}" for s in segments)
    comparison = {"EQ": "==", "LT": "<", "LTE": "<=", "GT": ">", "GTE": ">="}
    if op in comparison:
        condition = f"@ {comparison[op]} {_jsonpath_literal(value)}"
    elif op == "IN":
        condition = " || ".join(f"@ == {_jsonpath_literal(v)}" for v in value) or "false"
    elif op == "CONTAINS" and isinstance(value, str):
        condition = f"@ like_regex {_regex_literal(value)}"
    elif op == "CONTAINS":
        condition = f"@ == {_jsonpath_literal(value)}"
    else:  # EXISTS: any value but JSON null (an object counts; an array counts by its elements)
        condition = '@.type() != "null"'
    return content.op("@?")(literal(f"{base} ? ({condition})", JSONPATH))


# -- SQLite: json_tree over the first key's subtree, keys matched by regexp ----------------


def _sqlite(content: ColumnElement[Any], segments: list[str], op: str, value: Any) -> ColumnElement[bool]:
    tree = (
        func.json_tree(content, f"$.{_sqlite_key(segments[0])}")
        .table_valued("fullkey", "type", "atom")
        .alias("node")
    )
    pattern = "^\\$" + "".join(f"\\.{_sqlite_key_pattern(s)}(\\[[0-9]+\\])*" for s in segments) + "$"
    node_type, atom = tree.c.type, tree.c.atom
    condition = _sqlite_condition(node_type, atom, op, value)
    return exists(select(literal(1)).select_from(tree).where(tree.c.fullkey.op("REGEXP")(pattern), condition))


def _sqlite_key(segment: str) -> str:
    return json.dumps(segment)


def _sqlite_key_pattern(segment: str) -> str:
    """json_tree spells a key bare or quoted, depending on its characters and SQLite's version."""
    key = re.escape(segment)
    return f'(?:{key}|"{key}")'


def _sqlite_condition(
    node_type: ColumnElement[Any], atom: ColumnElement[Any], op: str, value: Any
) -> ColumnElement[bool]:
    numbers = node_type.in_(("integer", "real"))
    if op == "EXISTS":
        return node_type.notin_(("null", "array"))
    if op == "IN":
        return or_(*(_sqlite_equal(node_type, atom, v) for v in value)) if value else false()
    if op == "CONTAINS" and isinstance(value, str):
        return and_(node_type == "text", func.instr(atom, value) > 0)
    if op in ("EQ", "CONTAINS"):
        return _sqlite_equal(node_type, atom, value)
    compare = {"LT": atom < value, "LTE": atom <= value, "GT": atom > value, "GTE": atom >= value}[op]
    guard = numbers if isinstance(value, (int, float)) else node_type == "text"
    return and_(guard, compare)


def _sqlite_equal(node_type: ColumnElement[Any], atom: ColumnElement[Any], value: Any) -> ColumnElement[bool]:
    if value is None:
        return node_type == "null"
    if isinstance(value, bool):
        return node_type == ("true" if value else "false")
    if isinstance(value, (int, float)):
        return and_(node_type.in_(("integer", "real")), atom == value)
    if isinstance(value, str):
        return and_(node_type == "text", atom == value)
    raise Invalid(f"cannot compare with {json.dumps(value)[:60]}: use a string, number, boolean or null")


def regexp(pattern: str, text: str | None) -> bool:
    """SQLite's REGEXP operator (``text REGEXP pattern`` calls ``regexp(pattern, text)``)."""
    return text is not None and _compiled(pattern).search(text) is not None


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def values(
    dialect: str, content: ColumnElement[Any], path: str
) -> tuple[Any, ColumnElement[Any], ColumnElement[Any] | None]:
    """Every scalar reached by ``path`` in a document, as (FROM item, value, JSON type or None).

    For facets over any field: PostgreSQL returns JSONB values of the lax path; SQLite returns
    ``json_tree`` atoms with their types (so booleans are told apart from 0 and 1)."""
    segments = parse_path(path)
    if dialect == "postgresql":
        scalars = '@.type() != "object" && @.type() != "array" && @.type() != "null"'
        base = "$" + "".join(f".{json.dumps(s)}" for s in segments) + f" ? ({scalars})"
        found = (
            func.jsonb_path_query(content, literal(base, JSONPATH))
            .table_valued(column("value", JSONB), joins_implicitly=True)
            .render_derived()
        )
        return found, found.c.value, None
    tree = func.json_tree(content, f"$.{_sqlite_key(segments[0])}").table_valued(
        "fullkey", "type", "atom", joins_implicitly=True
    )
    pattern = "^\\$" + "".join(f"\\.{_sqlite_key_pattern(s)}(\\[[0-9]+\\])*" for s in segments) + "$"
    scalar = and_(tree.c.fullkey.op("REGEXP")(pattern), tree.c.type.notin_(("null", "object", "array")))
    return tree, tree.c.atom, func.iif(scalar, tree.c.type, None)
