"""SQLite: metadata predicates walk the document with ``json_tree`` and match the visited keys
against the path with a regular expression; REGEXP calls ``regexp``, which every connection
registers: RE2, whose matching is linear in the text (no pattern a client writes can stall it)."""

from __future__ import annotations

import json
import operator
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

import re2
from sqlalchemy import REAL, ColumnElement, and_, case, cast, exists, func, literal, or_, select

from catalog.db.dialects.base import Condition, Dialect, Reached
from catalog.db.jsonvalues import INSTANT, LENGTHS, NUMBER, instant_key, is_number
from catalog.db.patterns import caseless_pattern, safe_pattern

if TYPE_CHECKING:
    from collections.abc import Callable

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "EQ": operator.eq,
    "LT": operator.lt,
    "LTE": operator.le,
    "GT": operator.gt,
    "GTE": operator.ge,
}


class SQLiteDialect(Dialect):
    name: ClassVar[str] = "sqlite"

    def year_of(self, column: Any) -> ColumnElement[Any]:
        return func.strftime("%Y", column)

    def month_of(self, column: Any) -> ColumnElement[Any]:
        return func.strftime("%Y-%m", column)

    def matches(self, column: Any, regex: str) -> ColumnElement[bool]:
        condition: ColumnElement[bool] = column.op("REGEXP", is_comparison=True)(regex)
        return condition

    def _predicate(
        self, content: ColumnElement[Any], segments: list[str], op: str, value: Any
    ) -> ColumnElement[bool]:
        return _exists(content, segments, op, value)

    def _element_match(
        self, content: ColumnElement[Any], segments: list[str], conditions: list[Condition]
    ) -> ColumnElement[bool]:
        """EXISTS an element node with, per condition, a correlated EXISTS inside its value."""
        element = _tree(content, segments, "fullkey", "type", "value")
        reached = element.c.fullkey.op("REGEXP")(_path_pattern(segments))
        tests = _element_tests(element, conditions)
        return exists(
            select(literal(1)).select_from(element).where(reached, element.c.type != "array", *tests)
        )

    def _matching_elements(
        self, content: ColumnElement[Any], segments: list[str], conditions: list[Condition]
    ) -> Reached:
        """The elements as JSON text, in document order (json_tree's ``id``)."""
        element = _tree(content, segments, "id", "fullkey", "type", "value", joins_implicitly=True)
        tests = _element_tests(element, conditions)
        as_json = case(
            (element.c.type.in_(("object", "array")), element.c.value),
            (element.c.type.in_(("true", "false", "null")), element.c.type),
            else_=func.json_quote(element.c.value),
        )
        reached = element.c.fullkey.op("REGEXP")(_path_pattern(segments))
        return Reached(
            element, as_json, element.c.id, and_(reached, element.c.type.notin_(("array", "null")), *tests)
        )

    def _reached(
        self, content: ColumnElement[Any], segments: list[str], excluded: tuple[str, ...]
    ) -> Reached:
        tree = _tree(content, segments, "fullkey", "type", "atom", joins_implicitly=True)
        condition = and_(tree.c.fullkey.op("REGEXP")(_path_pattern(segments)), tree.c.type.notin_(excluded))
        return Reached(tree, tree.c.atom, tree.c.type, condition)

    def as_number(self, found: Reached) -> ColumnElement[Any]:
        return case(
            (found.json_type.in_(("integer", "real")), found.value),
            (
                and_(found.json_type == "text", found.value.op("REGEXP")(_whole(NUMBER))),
                cast(found.value, REAL),
            ),
            else_=None,
        )

    def as_text(self, found: Reached) -> ColumnElement[Any]:
        return case((found.json_type == "text", found.value), else_=None)

    def reached_type(self, found: Reached) -> ColumnElement[Any] | None:
        return found.json_type  # booleans are 0/1 atoms: their JSON type tells them apart

    def reached_value(self, value: Any, json_type: str | None) -> Any:
        return {"true": True, "false": False}.get(json_type or "", value)

    def element_value(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


def regexp(pattern: str, text: str | None) -> bool:
    """SQLite's REGEXP operator (``text REGEXP pattern`` calls ``regexp(pattern, text)``)."""
    return text is not None and _compiled(pattern).search(text) is not None


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> Any:
    """RE2 for every pattern, but for the two fixed ones of this module that need a lookahead
    (their repetitions are bounded, so Python's ``re`` runs them in linear time too)."""
    if pattern in _FIXED:
        return re.compile(pattern)
    return re2.compile(_END_OF_TEXT.sub(r"\1\\z", pattern))


_END_OF_TEXT = re.compile(r"(?<!\\)((?:\\\\)*)\\Z")
r"""Python's ``\Z`` (the end of the text; PostgreSQL reads it so too) is RE2's ``\z``."""


def _whole(body: str) -> str:
    """A pattern matching a whole string (Python's ``$`` also matches before a final newline)."""
    return f"^{body}\\Z"


_FIXED = frozenset({_whole(NUMBER), _whole(INSTANT)})


def _tree(
    content: ColumnElement[Any], segments: list[str], *columns: str, joins_implicitly: bool = False
) -> Any:
    """``json_tree`` over the subtree of the path's first key."""
    return func.json_tree(content, f"$.{json.dumps(segments[0])}").table_valued(
        *columns, joins_implicitly=joins_implicitly
    )


def _path_pattern(segments: list[str], *, crossing_last: bool = True) -> str:
    """The ``fullkey`` of a node the path reaches; array indexes may follow every key."""
    steps = [f"\\.{_key_pattern(s)}(\\[[0-9]+\\])*" for s in segments]
    if not crossing_last:
        steps[-1] = f"\\.{_key_pattern(segments[-1])}"
    return "^\\$" + "".join(steps) + "$"


def _key_pattern(segment: str) -> str:
    """json_tree spells a key bare or quoted, depending on its characters and SQLite's version."""
    key = re.escape(segment)
    return f'(?:{key}|"{key}")'


def _exists(content: ColumnElement[Any], segments: list[str], op: str, value: Any) -> ColumnElement[bool]:
    node = _tree(content, segments, "fullkey", "type", "atom", "value")
    if op in LENGTHS:
        # The array itself, reached without crossing it: json_tree visits it as one node.
        reached = node.c.fullkey.op("REGEXP")(_path_pattern(segments, crossing_last=False))
        size = _COMPARE[LENGTHS[op]](func.json_array_length(node.c.value), value)
        condition = and_(node.c.type == "array", size)
    else:
        reached = node.c.fullkey.op("REGEXP")(_path_pattern(segments))
        condition = _condition(node.c.type, node.c.atom, op, value)
    return exists(select(literal(1)).select_from(node).where(reached, condition))


def _element_tests(element: Any, conditions: list[Condition]) -> list[ColumnElement[bool]]:
    """Per condition, a correlated EXISTS inside the element's value (an object, else ``{}``)."""
    inside = func.iif(element.c.type == "object", element.c.value, "{}")
    tests = []
    for condition in conditions:
        found = _exists(inside, condition.segments, condition.op, condition.value)
        tests.append(~found if condition.negated else found)
    return tests


def _condition(
    node_type: ColumnElement[Any], atom: ColumnElement[Any], op: str, value: Any
) -> ColumnElement[bool]:
    text = node_type == "text"
    if op == "EXISTS":
        return node_type.notin_(("null", "array"))
    if op == "IN":
        return or_(*(_compare(node_type, atom, "EQ", v) for v in value))
    if op == "CONTAINS" and isinstance(value, str):
        return and_(text, func.instr(atom, value) > 0)
    if op == "ICONTAINS":
        return and_(text, atom.op("REGEXP")(caseless_pattern(value)))
    if op == "MATCHES":
        return and_(text, atom.op("REGEXP")(safe_pattern(value).python))
    return _compare(node_type, atom, "EQ" if op == "CONTAINS" else op, value)


def _compare(
    node_type: ColumnElement[Any], atom: ColumnElement[Any], op: str, value: Any
) -> ColumnElement[bool]:
    compare, text = _COMPARE[op], node_type == "text"
    if value is None:
        return node_type == "null"
    if isinstance(value, bool):
        return node_type == ("true" if value else "false")
    if is_number(value):
        written = and_(text, atom.op("REGEXP")(_whole(NUMBER)), compare(cast(atom, REAL), value))
        return or_(and_(node_type.in_(("integer", "real")), compare(atom, value)), written)
    key = instant_key(value)
    if key is None:
        return and_(text, compare(atom, value))
    day = func.substr(atom, 1, 10)
    real_day = func.date(func.julianday(day)) == day  # julianday() rolls 02-30 over to March
    return and_(text, atom.op("REGEXP")(_whole(INSTANT)), real_day, compare(_instant(atom), key))


def _instant(atom: ColumnElement[Any]) -> ColumnElement[Any]:
    """An ISO date or date-time as its UTC ``YYYY-MM-DDTHH:MM:SS.ffffff``: strftime honours the
    offset; the decimals, which no offset changes, are copied from the text."""
    tail = func.substr(atom, 21)
    digits = func.substr(tail, 1, func.length(tail) - func.length(func.ltrim(tail, "0123456789")))
    decimals = func.iif(func.substr(atom, 20, 1) == ".", digits, "")
    seconds = func.strftime("%Y-%m-%dT%H:%M:%S", atom)
    return seconds.concat(".").concat(func.substr(decimals.concat("000000"), 1, 6))
