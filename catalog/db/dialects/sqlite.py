"""SQLite: metadata predicates walk the document with ``json_tree``; a visited node is reached by
the path if its key says it may be (natively, for every node) and its full key matches the path
as a regular expression (for those few, see ``_reached_by``). REGEXP calls ``regexp``, which every
connection registers: RE2, whose matching is linear in the text (no pattern a client writes can
stall it); ``read_number`` reads numbers written as strings (``catalog.db.jsonvalues``)."""

from __future__ import annotations

import json
import operator
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple
from zoneinfo import ZoneInfo

import re2
from sqlalchemy import (
    REAL,
    ColumnElement,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.sqlite import insert

from catalog.db.dialects.base import Condition, Dialect, Names, Reached
from catalog.db.jsonvalues import INSTANT, LENGTHS, instant_key, is_number
from catalog.db.patterns import caseless_pattern, safe_pattern

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Insert, Table

UNIX_EPOCH_JULIAN_DAY = 2440587.5
"""1970-01-01T00:00:00Z as a Julian day number."""

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "EQ": operator.eq,
    "LT": operator.lt,
    "LTE": operator.le,
    "GT": operator.gt,
    "GTE": operator.ge,
}


_TYPES = {
    "string": ("text",),
    "number": ("integer", "real"),
    "boolean": ("true", "false"),
    "null": ("null",),
    "object": ("object",),
}
"""json_tree's types of each JSON type TYPE tests (arrays are tested apart)."""


class SQLiteDialect(Dialect):
    name: ClassVar[str] = "sqlite"
    binary: ClassVar[str] = "BINARY"
    indexes_values: ClassVar[bool] = True
    estimates_rows: ClassVar[bool] = False

    def insert_new(self, table: Table) -> Insert:
        return insert(table).on_conflict_do_nothing()

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
        """EXISTS an element with, per condition, a correlated EXISTS inside its value."""
        walk = _walk(content, segments)
        tests = self._tests(walk.node.type, walk.node.value, conditions)
        return walk.exists(walk.node.type != "array", *tests)

    def _matching_elements(
        self, content: ColumnElement[Any], segments: list[str], conditions: list[Condition]
    ) -> Reached:
        """The elements as JSON text, in document order (json_tree's ``id``)."""
        element = _tree(content, segments, "id", "type", "value", joins_implicitly=True)
        tests = self._tests(element.c.type, element.c.value, conditions)
        as_json = case(
            (element.c.type.in_(("object", "array")), element.c.value),
            (element.c.type.in_(("true", "false", "null")), element.c.type),
            else_=func.json_quote(element.c.value),
        )
        held = _reached_by(element, segments, element.c.type.notin_(("array", "null")), *tests)
        return Reached(element, as_json, element.c.type, held, element.c.id)

    def _reached(
        self, content: ColumnElement[Any], segments: list[str], excluded: tuple[str, ...]
    ) -> Reached:
        tree = _tree(content, segments, "type", "atom", joins_implicitly=True)
        return Reached(
            tree, tree.c.atom, tree.c.type, _reached_by(tree, segments, tree.c.type.notin_(excluded))
        )

    def as_number(self, found: Reached) -> ColumnElement[Any]:
        return case(
            (found.json_type.in_(("integer", "real")), found.value),
            (found.json_type == "text", func.read_number(found.value)),
            else_=None,
        )

    def as_text(self, found: Reached) -> ColumnElement[Any]:
        return case((found.json_type == "text", found.value), else_=None)

    def as_instant(self, found: Reached) -> ColumnElement[Any]:
        return _instant_of(found.json_type, found.value)

    def _tests(
        self, kind: ColumnElement[Any], value: ColumnElement[Any], conditions: list[Condition]
    ) -> list[ColumnElement[bool]]:
        """Per condition, a correlated EXISTS inside an element's value (an object, else ``{}``)."""
        inside = func.iif(kind == "object", value, "{}")
        tests = []
        for c in conditions:
            if c.other is None:
                found = _exists(inside, c.segments, c.op, c.value)
            else:
                found = self._compared(inside, c.segments, c.op, inside, c.other)
            tests.append(~found if c.negated else found)
        return tests

    def reached_type(self, found: Reached) -> ColumnElement[Any] | None:
        return found.json_type  # booleans are 0/1 atoms: their JSON type tells them apart

    def reached_value(self, value: Any, json_type: str | None) -> Any:
        return {"true": True, "false": False}.get(json_type or "", value)

    def element_value(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def _array_lengths(self, content: ColumnElement[Any], segments: list[str]) -> Reached:
        tree = _tree(content, segments, "type", "value", joins_implicitly=True)
        held = _reached_by(tree, segments, tree.c.type == "array", crossing_last=False)
        return Reached(tree, func.json_array_length(tree.c.value), literal("integer"), held)

    def name_list(self, name: ColumnElement[str]) -> ColumnElement[Any]:
        return func.json_group_array(name)

    def no_names(self) -> ColumnElement[Any]:
        return func.json_array()

    def names_in(self, names: ColumnElement[Any]) -> Names:
        found = func.json_each(names).table_valued("value")
        return Names(found, type_coerce(found.c.value, String))

    def name_count(self, names: ColumnElement[Any]) -> ColumnElement[int]:
        return func.coalesce(func.json_array_length(names), 0)

    def joined_names(self, one: ColumnElement[Any], other: ColumnElement[Any]) -> ColumnElement[Any]:
        both = union_all(
            select(self.names_in(one).name.label("name")), select(self.names_in(other).name.label("name"))
        ).subquery()
        return select(func.json_group_array(both.c.name)).scalar_subquery()

    def same_value(self, one: Reached, other: Reached) -> ColumnElement[bool]:
        return and_(one.value == other.value, one.json_type == other.json_type)

    def as_days(self, found: Reached) -> ColumnElement[Any]:
        text = found.value
        day = func.substr(text, 1, 10)
        valid = and_(
            found.json_type == "text",
            text.op("REGEXP")(_whole(INSTANT)),
            func.date(func.julianday(day)) == day,  # julianday() rolls 02-30 over to March
        )
        return case((valid, func.julianday(text) - UNIX_EPOCH_JULIAN_DAY), else_=None)

    def calendar(self, column: Any, bucket: str, zone: str | None) -> ColumnElement[Any]:
        # Timestamps are stored as UTC text; another zone's calendar needs its rules: local_time.
        local = column if zone in (None, "UTC") else func.local_time(column, zone)
        return func.strftime(_CALENDAR[bucket], local)

    def epoch(self, column: Any) -> ColumnElement[Any]:
        # Whole seconds from strftime, the stored decimals (".ffffff", none for a date) added.
        return cast(func.strftime("%s", column), REAL) + cast(func.substr(column, 20), REAL)


_CALENDAR = {"DAY": "%Y-%m-%d", "MONTH": "%Y-%m", "YEAR": "%Y"}


def local_time(moment: str | None, zone: str) -> str | None:
    """SQLite's ``local_time(t, zone)``, which every connection registers: a stored UTC time as
    the wall-clock time in an IANA zone (``YYYY-MM-DD HH:MM:SS``)."""
    if moment is None:
        return None
    local = ZoneInfo(zone)  # cached by zoneinfo; fromutc and isoformat are the fastest path here
    return local.fromutc(datetime.fromisoformat(moment).replace(tzinfo=local)).isoformat(" ", "seconds")[:19]


def regexp(pattern: str, text: str | None) -> bool:
    """SQLite's REGEXP operator (``text REGEXP pattern`` calls ``regexp(pattern, text)``)."""
    return text is not None and _compiled(pattern).search(text) is not None


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> Any:
    return re2.compile(_END_OF_TEXT.sub(r"\1\\z", pattern))


_END_OF_TEXT = re.compile(r"(?<!\\)((?:\\\\)*)\\Z")
r"""Python's ``\Z`` (the end of the text; PostgreSQL reads it so too) is RE2's ``\z``."""


def _whole(body: str) -> str:
    """A pattern matching a whole string (Python's ``$`` also matches before a final newline)."""
    return f"^{body}\\Z"


def _tree(
    content: ColumnElement[Any], segments: list[str], *columns: str, joins_implicitly: bool = False
) -> Any:
    """``json_tree`` over the subtree of the path's first key, with the columns ``_reached_by``
    reads besides ``columns``."""
    wanted = dict.fromkeys(("key", "path", "fullkey", *columns))
    return func.json_tree(content, f"$.{json.dumps(segments[0])}").table_valued(
        *wanted, joins_implicitly=joins_implicitly
    )


def _reached_by(
    node: Any, segments: list[str], *tests: ColumnElement[bool], crossing_last: bool = True
) -> ColumnElement[bool]:
    """Does the path reach this ``json_tree`` node, and do ``tests`` hold on it? Its key and its
    parent's path tell natively the few nodes the path may reach: only those meet ``tests``, and
    only the nodes passing them the ``fullkey``'s REGEXP (a Python call), which decides. Nested
    CASEs keep this order (SQLite may reorder the terms of an AND). ``Reached`` needs it: one
    FROM item (``_Walk`` is faster where several can be)."""
    last = segments[-1]
    candidate = or_(node.c.key == last, node.c.key.is_(None))  # a scalar root has no key
    if crossing_last:  # or an element of an array under the last key, or of an array in it
        ends = (f".{last}", f'."{last}"', "]")
        under = or_(*(func.substr(node.c.path, -len(end)) == end for end in ends))
        candidate = or_(candidate, and_(func.typeof(node.c.key) == "integer", under))
    confirmed = node.c.fullkey.op("REGEXP")(_path_pattern(segments, crossing_last=crossing_last))
    return _in_order(candidate, *tests, confirmed)


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
    if op in LENGTHS or (op == "TYPE" and value == "array"):
        # The array itself, reached without crossing it: json_tree visits it as one node.
        node = _tree(content, segments, "type", "value")
        test = node.c.type == "array"
        if op in LENGTHS:
            test = and_(test, _COMPARE[LENGTHS[op]](func.json_array_length(node.c.value), value))
        held = _reached_by(node, segments, test, crossing_last=False)
        return exists(select(literal(1)).select_from(node).where(held))
    walk = _walk(content, segments)
    return walk.exists(_condition(walk.node.type, walk.node.atom, op, value))


class _Node(NamedTuple):
    """A value the path reaches, read from whichever table-valued function found it."""

    type: ColumnElement[Any]
    atom: ColumnElement[Any]
    value: ColumnElement[Any]


@dataclass(frozen=True)
class _Walk:
    """The values a path reaches, found without testing every node of the subtree it walks:
    ``json_tree`` visits the subtree of the path's first key, where only the members under the
    path's last key are kept (natively by their key, then by their full key's REGEXP, see
    ``_reached_by``); a member that is an array stands for its elements (``json_each``) and an
    element that is one for its own (``json_tree`` below it, crossing arrays only).
    Several FROM items: for EXISTS, where ``Reached``'s single one is not needed."""

    source: Any
    node: _Node
    candidate: ColumnElement[bool]
    confirmed: ColumnElement[bool]

    def exists(self, *tests: ColumnElement[bool]) -> ColumnElement[bool]:
        """EXISTS a reached value on which ``tests`` hold (tested before the REGEXP)."""
        held = _in_order(*tests, self.confirmed)
        return exists(select(literal(1)).select_from(self.source).where(self.candidate, held))


def _walk(content: ColumnElement[Any], segments: list[str]) -> _Walk:
    member = _tree(content, segments, "type", "atom", "value")
    last = segments[-1]
    candidate = or_(member.c.key == last, member.c.key.is_(None))  # a scalar root has no key
    crossed = case((and_(candidate, member.c.type == "array"), member.c.value))
    element = func.json_each(crossed).table_valued("id", "type", "atom", "value", joins_implicitly=True)
    nested = func.json_tree(case((element.c.type == "array", element.c.value)))
    inner = nested.table_valued("id", "key", "parent", "path", "type", "atom", "value", joins_implicitly=True)
    # below a nested array, the nodes reached through arrays only: no key in their path
    by_index = or_(
        inner.c.parent.is_(None),
        and_(func.typeof(inner.c.key) == "integer", func.instr(inner.c.path, ".") == 0),
    )
    source = member.outerjoin(element, true()).outerjoin(inner, by_index)

    def read(name: str) -> ColumnElement[Any]:
        return case(
            (inner.c.id.is_not(None), inner.c[name]),
            (element.c.id.is_not(None), element.c[name]),
            else_=member.c[name],
        )

    confirmed = member.c.fullkey.op("REGEXP")(_path_pattern(segments, crossing_last=False))
    return _Walk(source, _Node(read("type"), read("atom"), read("value")), candidate, confirmed)


def _in_order(*tests: ColumnElement[bool]) -> ColumnElement[bool]:
    """All ``tests``, each evaluated only where the ones before it hold: nested CASEs keep this
    order (SQLite may reorder the terms of an AND)."""
    held = tests[-1]
    for test in reversed(tests[:-1]):
        held = case((test, held), else_=false())
    return held


def _condition(
    node_type: ColumnElement[Any], atom: ColumnElement[Any], op: str, value: Any
) -> ColumnElement[bool]:
    text = node_type == "text"
    if op == "EXISTS":
        return node_type.notin_(("null", "array"))
    if op == "TYPE":
        return node_type.in_(_TYPES[value])
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
        written = and_(text, compare(func.read_number(atom), value))
        return or_(and_(node_type.in_(("integer", "real")), compare(atom, value)), written)
    key = instant_key(value)
    if key is None:
        return and_(text, compare(atom, value))
    return and_(text, compare(_instant_of(node_type, atom), key))  # NULL (false) for other values


def _instant_of(node_type: ColumnElement[Any], atom: ColumnElement[Any]) -> ColumnElement[Any]:
    """``_instant`` of an ISO date or date-time string whose day exists; NULL for other values."""
    day = func.substr(atom, 1, 10)
    real_day = func.date(func.julianday(day)) == day  # julianday() rolls 02-30 over to March
    shaped = and_(node_type == "text", atom.op("REGEXP")(_whole(INSTANT)), real_day)
    return case((shaped, _instant(atom)), else_=None)


def _instant(atom: ColumnElement[Any]) -> ColumnElement[Any]:
    """An ISO date or date-time as its UTC ``YYYY-MM-DDTHH:MM:SS.ffffff``: strftime honours the
    offset; the decimals, which no offset changes, are copied from the text."""
    tail = func.substr(atom, 21)
    digits = func.substr(tail, 1, func.length(tail) - func.length(func.ltrim(tail, "0123456789")))
    decimals = func.iif(func.substr(atom, 20, 1) == ".", digits, "")
    seconds = func.strftime("%Y-%m-%dT%H:%M:%S", atom)
    return seconds.concat(".").concat(func.substr(decimals.concat("000000"), 1, 6))
