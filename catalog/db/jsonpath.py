"""Metadata predicates on JSON documents: the one place where the two dialects differ.

A path like ``tiles.channel.laser_power`` is read the way people read nested metadata: at
every step an array stands for each of its elements, so the predicate holds when any value
reached satisfies it. PostgreSQL evaluates it with a lax-mode SQL/JSON path over JSONB (so a
GIN index can serve it); SQLite walks the document with ``json_tree`` and matches the visited
keys against the path with a regular expression.

The operand's type chooses how a value is read: a number compares with numbers and with
strings written as numbers (``"2.8"``); a string that is an ISO 8601 date or date-time compares
with strings that are too, as UTC instants; any other string compares with strings; booleans
and null only equal themselves. Which strings are numbers or dates is decided by the same
regular expressions on both dialects, and ``MATCHES`` patterns are confined to a subset that
PostgreSQL's regex engine and Python's ``re`` (SQLite's REGEXP) read alike, spelled for each."""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    REAL,
    ColumnElement,
    Float,
    Text,
    and_,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, JSONPATH

from catalog.conventions.paths import parse_path
from catalog.errors import Invalid

COMPARISONS = {"EQ": "==", "LT": "<", "LTE": "<=", "GT": ">", "GTE": ">="}
LENGTHS = {"LENGTH_EQ": "EQ", "LENGTH_GT": "GT", "LENGTH_LT": "LT"}
OPS = ("EQ", "NE", "LT", "LTE", "GT", "GTE", "IN", "CONTAINS", "ICONTAINS", "MATCHES", "EXISTS", *LENGTHS)
MAX_ELEMENT_PREDICATES = 16
MAX_PATTERN_CHARS = 256
MAX_REPEAT = 255
"""PostgreSQL's largest repetition count."""

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "EQ": operator.eq,
    "LT": operator.lt,
    "LTE": operator.le,
    "GT": operator.gt,
    "GTE": operator.ge,
}


def check_value(op: str, value: Any) -> None:
    """Refuse a value the op cannot take, before any SQL is written."""
    if op not in OPS:
        raise Invalid(f"unknown predicate op {op!r}")
    if op == "IN":
        if not isinstance(value, list) or not value:
            raise Invalid("IN takes a non-empty list of values")
        for item in value:
            _check_scalar(item)
    elif op == "CONTAINS" and value is None:
        raise Invalid("CONTAINS takes a string or a value to find in an array")
    elif op in ("EQ", "NE", "CONTAINS"):
        _check_scalar(value)
    elif op in ("LT", "LTE", "GT", "GTE") and not (_is_number(value) or isinstance(value, str)):
        raise Invalid(f"{op} compares numbers or strings, not {json.dumps(value)[:60]}")
    elif op == "ICONTAINS" and not isinstance(value, str):
        raise Invalid("ICONTAINS takes a string")
    elif op == "MATCHES":
        safe_pattern(value)
    elif op in LENGTHS and not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        raise Invalid(f"{op} takes a whole number of elements, not {json.dumps(value)[:60]}")
    elif op == "EXISTS" and not isinstance(value, bool) and value is not None:
        raise Invalid("EXISTS takes true, false or nothing")


def _check_scalar(value: Any) -> None:
    if value is not None and not isinstance(value, (bool, int, float, str)):
        raise Invalid(f"cannot compare with {json.dumps(value)[:60]}: use a string, number, boolean or null")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _negated(op: str, value: Any) -> bool:
    return op == "NE" or (op == "EXISTS" and value is False)


def predicate(
    dialect: str, content: ColumnElement[Any], path: str, op: str, value: Any
) -> ColumnElement[bool]:
    """A boolean SQL expression: does the document ``content`` satisfy ``path op value``?"""
    segments = parse_path(path)
    check_value(op, value)
    if _negated(op, value):
        raise Invalid(f"{op} is the negation of another predicate: negate it around the document")
    if dialect == "postgresql":
        return _postgresql(content, _pg_selector("$", segments, op, value))
    return _sqlite_exists(content, segments, op, value)


class _Condition(NamedTuple):
    segments: list[str]
    op: str
    value: Any
    negated: bool


def element_match(
    dialect: str, content: ColumnElement[Any], path: str, conditions: Sequence[tuple[str, str, Any]]
) -> ColumnElement[bool]:
    """Does one element the path reaches (each element of an array, or the value itself) satisfy
    every ``(path, op, value)`` condition, its path read from that element? Negations included."""
    segments = parse_path(path)
    if not conditions or len(conditions) > MAX_ELEMENT_PREDICATES:
        raise Invalid(f"elementMatch takes 1 to {MAX_ELEMENT_PREDICATES} predicates")
    parsed = [_condition(*condition) for condition in conditions]
    if dialect == "postgresql":
        tests = " && ".join(_pg_test(condition) for condition in parsed)
        return _postgresql(content, f"${_pg_keys(segments)} ? ({tests})")
    return _sqlite_element_match(content, segments, parsed)


def _condition(path: str, op: str, value: Any) -> _Condition:
    """A condition as its positive form (NE → EQ, EXISTS false → EXISTS) and whether to negate it."""
    check_value(op, value)
    if op == "NE":
        return _Condition(parse_path(path), "EQ", value, True)
    if op == "EXISTS" and value is False:
        return _Condition(parse_path(path), "EXISTS", True, True)
    return _Condition(parse_path(path), op, value, False)


# -- readings shared by both dialects --------------------------------------------------------

NUMBER = r"[+-]?(?=(\.?[0-9]){1,15}\.?([eE]|$))([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?"
"""A string written as a number: at most 15 digits (so that PostgreSQL's ``.double()``, SQLite's
CAST and Python read the same value), an optional point and an exponent of one or two digits;
no spaces, signs only in front, no NaN or infinity."""

_DAY = r"[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
_OFFSET = r"[+-](0[0-9]|1[0-4]):[0-5][0-9]"
INSTANT = f"{_DAY}({_TIME}(Z|{_OFFSET})?)?"
"""An ISO 8601 date or date-time: years 1000-2999, ``T`` or a space, seconds required, up to
six decimals, then ``Z``, ``±HH:MM`` or nothing (UTC). The day must also exist."""

_UTC_TEMPLATES = (
    'yyyy-mm-dd"T"HH24:MI:SS"Z"',
    'yyyy-mm-dd"T"HH24:MI:SS.US"Z"',
    'yyyy-mm-dd HH24:MI:SS"Z"',
    'yyyy-mm-dd HH24:MI:SS.US"Z"',
)
"""PostgreSQL's ``.datetime()`` knows no ``Z``: these read such strings as UTC timestamps."""


def instant_key(value: Any) -> str | None:
    """The UTC instant an ISO date or date-time string means, as ``YYYY-MM-DDTHH:MM:SS.ffffff``
    (a date is its midnight, a time without offset is UTC); None for any other value."""
    if not isinstance(value, str) or not re.fullmatch(INSTANT, value):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def _whole(body: str, dialect: str) -> str:
    """A pattern matching a whole string (Python's ``$`` also matches before a final newline)."""
    return f"^{body}$" if dialect == "postgresql" else f"^{body}\\Z"


# -- PostgreSQL: lax SQL/JSON path, values inlined as JSON literals ------------------------


def _postgresql(content: ColumnElement[Any], path: str) -> ColumnElement[bool]:
    return content.op("@?")(literal(path, JSONPATH))


def _pg_keys(segments: list[str], *, crossing_last: bool = True) -> str:
    """Keys, each followed by ``[*]``: lax mode unwraps one array level per accessor, the
    wildcard one more, so arrays of arrays (coordinates) are crossed as well (up to two levels
    per step, where SQLite and the Python reading cross any number)."""
    steps = [f".{json.dumps(s)}[*]" for s in segments]
    if not crossing_last and steps:
        steps[-1] = f".{json.dumps(segments[-1])}"
    return "".join(steps)


def _pg_selector(base: str, segments: list[str], op: str, value: Any) -> str:
    """A path from ``base`` that selects something exactly when the predicate holds."""
    if op in LENGTHS:
        # Lax mode unwraps an array before a filter, so the array is tested from its parent:
        # .type() and .size() read an array itself.
        array = f"@{_pg_keys(segments[-1:], crossing_last=False)}"
        size = f"{array}.size() {COMPARISONS[LENGTHS[op]]} {value}"
        return f'{base}{_pg_keys(segments[:-1])} ? ({array}.type() == "array" && {size})'
    return f"{base}{_pg_keys(segments)} ? ({_pg_condition(op, value)})"


def _pg_test(condition: _Condition) -> str:
    """One elementMatch condition on the element ``@``."""
    found = f"exists({_pg_selector('@', condition.segments, condition.op, condition.value)})"
    return f"!({found})" if condition.negated else found


def _pg_condition(op: str, value: Any) -> str:
    if op in COMPARISONS:
        return _pg_compare(COMPARISONS[op], value)
    if op == "IN":
        return " || ".join(_pg_compare("==", v) for v in value)
    if op == "CONTAINS" and isinstance(value, str):
        return _pg_like(literal_pattern(value))
    if op == "CONTAINS":
        return _pg_compare("==", value)
    if op == "ICONTAINS":
        return _pg_like(caseless_pattern(value))
    if op == "MATCHES":
        return _pg_like(safe_pattern(value).postgresql)
    return '@.type() != "null"'  # EXISTS: an object counts; an array counts by its elements


def _pg_compare(symbol: str, value: Any) -> str:
    """``@ symbol value`` as the operand's type reads it (a failing ``.double()`` or
    ``.datetime()`` makes its comparison unknown, and ``||`` looks for one that is true)."""
    operand = _jsonpath_literal(value)
    if _is_number(value):
        number = f"@ like_regex {json.dumps(_whole(NUMBER, 'postgresql'))}"
        return f"(@ {symbol} {operand} || ({number} && @.double() {symbol} {operand}))"
    key = instant_key(value)
    if key is None:
        return f"@ {symbol} {operand}"
    naive, aware = f"{json.dumps(key)}.datetime()", f"{json.dumps(key + '+00:00')}.datetime()"
    # Dates and times without offset compare with the naive UTC instant, times with an offset
    # with the aware one. Each shape is told by its regex first: PostgreSQL raises, even under
    # @?, when a date or naive timestamp meets an aware one without a session time zone.
    shapes = (
        (f"{_DAY}({_TIME})?", [f"@.datetime() {symbol} {naive}"]),
        (f"{_DAY}{_TIME}{_OFFSET}", [f"@.datetime() {symbol} {aware}"]),
        (f"{_DAY}{_TIME}Z", [f"@.datetime({json.dumps(t)}) {symbol} {naive}" for t in _UTC_TEMPLATES]),
    )
    readings = (
        f"(@ like_regex {json.dumps(_whole(shape, 'postgresql'))} && ({' || '.join(tests)}))"
        for shape, tests in shapes
    )
    return f"({' || '.join(readings)})"


def _pg_like(pattern: str) -> str:
    return f"@ like_regex {json.dumps(pattern)}"


def _jsonpath_literal(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return json.dumps(str(value))


# -- SQLite: json_tree over the first key's subtree, keys matched by regexp ----------------


def _sqlite_exists(
    content: ColumnElement[Any], segments: list[str], op: str, value: Any
) -> ColumnElement[bool]:
    node = func.json_tree(content, f"$.{_sqlite_key(segments[0])}").table_valued(
        "fullkey", "type", "atom", "value"
    )
    if op in LENGTHS:
        # The array itself, reached without crossing it: json_tree visits it as one node.
        reached = node.c.fullkey.op("REGEXP")(_sqlite_path_pattern(segments, crossing_last=False))
        size = _COMPARE[LENGTHS[op]](func.json_array_length(node.c.value), value)
        condition = and_(node.c.type == "array", size)
    else:
        reached = node.c.fullkey.op("REGEXP")(_sqlite_path_pattern(segments))
        condition = _sqlite_condition(node.c.type, node.c.atom, op, value)
    return exists(select(literal(1)).select_from(node).where(reached, condition))


def _sqlite_element_match(
    content: ColumnElement[Any], segments: list[str], conditions: list[_Condition]
) -> ColumnElement[bool]:
    """EXISTS an element node with, per condition, a correlated EXISTS inside its value."""
    element = func.json_tree(content, f"$.{_sqlite_key(segments[0])}").table_valued(
        "fullkey", "type", "value"
    )
    inside = func.iif(element.c.type == "object", element.c.value, "{}")
    tests = []
    for condition in conditions:
        found = _sqlite_exists(inside, condition.segments, condition.op, condition.value)
        tests.append(~found if condition.negated else found)
    reached = element.c.fullkey.op("REGEXP")(_sqlite_path_pattern(segments))
    return exists(select(literal(1)).select_from(element).where(reached, element.c.type != "array", *tests))


def matching_elements(
    dialect: str, content: ColumnElement[Any], path: str, conditions: Sequence[tuple[str, str, Any]]
) -> Reached:
    """The elements ``path`` reaches (each element of an array, or the value itself) that
    satisfy every condition, as JSON text on SQLite and JSONB on PostgreSQL, in document order."""
    segments = parse_path(path)
    if len(conditions) > MAX_ELEMENT_PREDICATES:
        raise Invalid(f"where takes at most {MAX_ELEMENT_PREDICATES} predicates")
    parsed = [_condition(*condition) for condition in conditions]
    if dialect == "postgresql":
        held = " && ".join(['@.type() != "null"', *(_pg_test(condition) for condition in parsed)])
        found = (
            func.jsonb_path_query(content, literal(f"${_pg_keys(segments)} ? ({held})", JSONPATH))
            .table_valued(column("value", JSONB), with_ordinality="position", joins_implicitly=True)
            .render_derived()
        )
        return Reached(found, found.c.value, func.jsonb_typeof(found.c.value), true(), found.c.position)
    element = func.json_tree(content, f"$.{_sqlite_key(segments[0])}").table_valued(
        "id", "fullkey", "type", "value", joins_implicitly=True
    )
    inside = func.iif(element.c.type == "object", element.c.value, "{}")
    tests = []
    for condition in parsed:
        found_inside = _sqlite_exists(inside, condition.segments, condition.op, condition.value)
        tests.append(~found_inside if condition.negated else found_inside)
    as_json = case(
        (element.c.type.in_(("object", "array")), element.c.value),
        (element.c.type.in_(("true", "false", "null")), element.c.type),
        else_=func.json_quote(element.c.value),
    )
    reached_here = element.c.fullkey.op("REGEXP")(_sqlite_path_pattern(segments))
    return Reached(
        element, as_json, element.c.id, and_(reached_here, element.c.type.notin_(("array", "null")), *tests)
    )


def _sqlite_key(segment: str) -> str:
    return json.dumps(segment)


def _sqlite_path_pattern(segments: list[str], *, crossing_last: bool = True) -> str:
    """The ``fullkey`` of a node the path reaches; array indexes may follow every key."""
    steps = [f"\\.{_sqlite_key_pattern(s)}(\\[[0-9]+\\])*" for s in segments]
    if not crossing_last:
        steps[-1] = f"\\.{_sqlite_key_pattern(segments[-1])}"
    return "^\\$" + "".join(steps) + "$"


def _sqlite_key_pattern(segment: str) -> str:
    """json_tree spells a key bare or quoted, depending on its characters and SQLite's version."""
    key = re.escape(segment)
    return f'(?:{key}|"{key}")'


def _sqlite_condition(
    node_type: ColumnElement[Any], atom: ColumnElement[Any], op: str, value: Any
) -> ColumnElement[bool]:
    text = node_type == "text"
    if op == "EXISTS":
        return node_type.notin_(("null", "array"))
    if op == "IN":
        return or_(*(_sqlite_compare(node_type, atom, "EQ", v) for v in value))
    if op == "CONTAINS" and isinstance(value, str):
        return and_(text, func.instr(atom, value) > 0)
    if op == "ICONTAINS":
        return and_(text, atom.op("REGEXP")(caseless_pattern(value)))
    if op == "MATCHES":
        return and_(text, atom.op("REGEXP")(safe_pattern(value).python))
    return _sqlite_compare(node_type, atom, "EQ" if op == "CONTAINS" else op, value)


def _sqlite_compare(
    node_type: ColumnElement[Any], atom: ColumnElement[Any], op: str, value: Any
) -> ColumnElement[bool]:
    compare, text = _COMPARE[op], node_type == "text"
    if value is None:
        return node_type == "null"
    if isinstance(value, bool):
        return node_type == ("true" if value else "false")
    if _is_number(value):
        written = and_(text, atom.op("REGEXP")(_whole(NUMBER, "sqlite")), compare(cast(atom, REAL), value))
        return or_(and_(node_type.in_(("integer", "real")), compare(atom, value)), written)
    key = instant_key(value)
    if key is None:
        return and_(text, compare(atom, value))
    day = func.substr(atom, 1, 10)
    real_day = func.date(func.julianday(day)) == day  # julianday() rolls 02-30 over to March
    return and_(
        text, atom.op("REGEXP")(_whole(INSTANT, "sqlite")), real_day, compare(_sqlite_instant(atom), key)
    )


def _sqlite_instant(atom: ColumnElement[Any]) -> ColumnElement[Any]:
    """An ISO date or date-time as its UTC ``YYYY-MM-DDTHH:MM:SS.ffffff``: strftime honours the
    offset; the decimals, which no offset changes, are copied from the text."""
    tail = func.substr(atom, 21)
    digits = func.substr(tail, 1, func.length(tail) - func.length(func.ltrim(tail, "0123456789")))
    decimals = func.iif(func.substr(atom, 20, 1) == ".", digits, "")
    seconds = func.strftime("%Y-%m-%dT%H:%M:%S", atom)
    return seconds.concat(".").concat(func.substr(decimals.concat("000000"), 1, 6))


def regexp(pattern: str, text: str | None) -> bool:
    """SQLite's REGEXP operator (``text REGEXP pattern`` calls ``regexp(pattern, text)``)."""
    return text is not None and _compiled(pattern).search(text) is not None


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# -- regular expressions both engines read alike ---------------------------------------------


class Pattern(NamedTuple):
    """One regular expression spelled for PostgreSQL (``like_regex``, an ARE in which ``.`` and
    ``[^...]`` never match a newline) and for Python's ``re``."""

    postgresql: str
    python: str


_SHORTHANDS = {"d": "0-9", "w": "0-9A-Za-z_", "s": " \\t\\n\\r\\f\\v"}
_CONTROLS = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\f": "\\f", "\v": "\\v"}
_ESCAPED_CONTROLS = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v"}
_SPECIAL = frozenset("\\.^$*+?()[]{}|-&~")
"""Characters either engine may read as syntax, in or out of ``[...]`` (``&&`` and ``~~`` in Python)."""
_REPEAT = re.compile(r"\{([0-9]{1,3})(,([0-9]{0,3}))?\}")


def safe_pattern(pattern: Any) -> Pattern:
    """A ``MATCHES`` pattern in the subset both engines read alike, or ``Invalid``: literals,
    ``.``, ``[...]`` (ranges, ``^``), ``^ $``, ``* + ? {m,n}``, ``|``, plain groups, and the
    escapes ``\\d \\w \\s \\D \\W \\S`` (ASCII only), ``\\t \\n \\r \\f \\v`` and ``\\`` before
    punctuation. Bounded: 256 characters, counts up to 255, and a repeated group holds no
    quantifier, ``|`` or anchor (no ``(a+)+``). That is not a time bound for Python's backtracking
    ``re``: many optional or repeated parts in a row (``a?a?a?...``, ``.*.*x``) still grow with
    the value's length on SQLite; PostgreSQL's engine does not backtrack that way."""
    if not isinstance(pattern, str) or not pattern:
        raise Invalid("MATCHES takes a regular expression as a non-empty string")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise Invalid(f"a MATCHES pattern has at most {MAX_PATTERN_CHARS} characters")
    return _safe_pattern(pattern)


@lru_cache(maxsize=256)
def _safe_pattern(text: str) -> Pattern:
    reader = _PatternReader(text)
    pattern, _ = reader.alternation()
    if reader.at < len(text):
        raise _refused("a ) without its (")
    try:
        re.compile(pattern.python)
    except re.error as error:
        raise _refused(str(error)) from None
    return pattern


def literal_pattern(text: str) -> str:
    """A pattern finding ``text`` itself, for either engine."""
    return "".join(_literal(c) for c in text)


def caseless_pattern(text: str) -> str:
    """A pattern finding ``text`` with ASCII letters in either case, for either engine (no flag:
    PostgreSQL's ``i`` flag folds by the database's locale, Python's by Unicode)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isascii() and c.isalpha() else _literal(c) for c in text)


def _literal(c: str) -> str:
    if c in _CONTROLS:
        return _CONTROLS[c]
    if c == "\0":
        raise Invalid("a pattern or value cannot hold the NUL character")
    if c in _SPECIAL:
        return "\\" + c  # both engines read \ before punctuation as the character itself
    return c


def _same(spelling: str) -> Pattern:
    return Pattern(spelling, spelling)


def _refused(reason: str) -> Invalid:
    return Invalid(f"MATCHES pattern: {reason}")


class _PatternReader:
    """Reads a pattern by recursive descent, writing both spellings as it goes."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0

    def peek(self, ahead: int = 0) -> str:
        return self.text[self.at + ahead : self.at + ahead + 1]

    def take(self) -> str:
        c = self.peek()
        self.at += 1
        return c

    def alternation(self) -> tuple[Pattern, bool]:
        """The pattern, and whether it is plain: no quantifier, ``|`` or anchor inside."""
        branches = [self.sequence()]
        while self.peek() == "|":
            self.take()
            branches.append(self.sequence())
        if any(not branch.python for branch, _ in branches):
            raise _refused("an empty alternative or group")
        spelled = Pattern(*("|".join(spellings) for spellings in zip(*(b for b, _ in branches), strict=True)))
        return spelled, len(branches) == 1 and branches[0][1]

    def sequence(self) -> tuple[Pattern, bool]:
        postgresql, python, plain = "", "", True
        while self.peek() not in ("", "|", ")"):
            atom, atom_plain, repeatable = self.atom()
            quantifier = self.quantifier()
            if quantifier and not repeatable:
                raise _refused(f"{quantifier} after an anchor")
            if quantifier and not atom_plain:
                raise _refused("a repeated group may not hold a quantifier, | or anchor, as in (a+)+")
            postgresql += atom.postgresql + quantifier
            python += atom.python + quantifier
            plain = plain and atom_plain and not quantifier
        return Pattern(postgresql, python), plain

    def atom(self) -> tuple[Pattern, bool, bool]:
        """(spellings, plain, repeatable)"""
        c = self.take()
        if c == "(":
            if self.peek() == "?":
                raise _refused("groups take no modifiers: (?:, (?=, (?i) ...")
            inner, plain = self.alternation()
            if self.take() != ")":
                raise _refused("a ( without its )")
            return Pattern(f"({inner.postgresql})", f"({inner.python})"), plain, True
        if c == "[":
            return self.bracket(), True, True
        if c == ".":
            return _same("."), True, True
        if c == "^":
            return _same("^"), False, False
        if c == "$":
            return Pattern("$", "\\Z"), False, False
        if c in "*+?{":
            raise _refused(f"{c} with nothing to repeat (write \\{c} for the character)")
        if c == "\\":
            return self.escape(), True, True
        return _same(_literal(c)), True, True

    def escape(self) -> Pattern:
        c = self.take()
        if c in _SHORTHANDS:
            return _same(f"[{_SHORTHANDS[c]}]")
        if c in ("D", "W", "S"):
            body = _SHORTHANDS[c.lower()]
            return Pattern(f"[^{body}]", f"[^{body}\\n]")
        if c in _ESCAPED_CONTROLS:
            return _same(_literal(_ESCAPED_CONTROLS[c]))
        if not c or (c.isascii() and c.isalnum()):
            raise _refused(f"\\{c} is not in the common subset (no backreferences, \\b, \\x, \\u ...)")
        return _same(_literal(c))

    def bracket(self) -> Pattern:
        negated = self.peek() == "^"
        if negated:
            self.take()
        body = ""
        while self.peek() != "]":
            kind, item = self.bracket_item()
            if kind == "char" and self.peek() == "-" and self.peek(1) not in ("", "]"):
                self.take()
                end_kind, end = self.bracket_item()
                if end_kind != "char" or end < item:
                    raise _refused(f"a bad range in [...] ending at {end!r}")
                body += f"{_literal(item)}-{_literal(end)}"
            else:
                body += _literal(item) if kind == "char" else item
        self.take()
        if not body:
            raise _refused("an empty [] (write \\] for the character)")
        if not negated:
            return _same(f"[{body}]")
        return Pattern(f"[^{body}]", f"[^{body}\\n]")

    def bracket_item(self) -> tuple[str, str]:
        """("char", the character) or ("set", a shorthand's class body)."""
        c = self.take()
        if not c:
            raise _refused("a [ without its ]")
        if c == "[":
            raise _refused("[ inside [...] (write \\[ for the character)")
        if c != "\\":
            return "char", c
        c = self.take()
        if c in _SHORTHANDS:
            return "set", _SHORTHANDS[c]
        if c in _ESCAPED_CONTROLS:
            return "char", _ESCAPED_CONTROLS[c]
        if not c or (c.isascii() and c.isalnum()):
            raise _refused(f"\\{c} inside [...] is not in the common subset")
        return "char", c

    def quantifier(self) -> str:
        c = self.peek()
        if c in ("*", "+", "?"):
            self.take()
            quantifier = c
        elif c == "{":
            repeat = _REPEAT.match(self.text, self.at)
            if not repeat:
                raise _refused("{ starts a count {m}, {m,} or {m,n} (write \\{ for the character)")
            low, high = int(repeat[1]), repeat[3]
            if low > MAX_REPEAT or (high and not low <= int(high) <= MAX_REPEAT):
                raise _refused(f"counts go from 0 to {MAX_REPEAT}, the smaller first")
            self.at = repeat.end()
            quantifier = f"{{{low}}}" if repeat[2] is None else f"{{{low},{high and int(high)}}}"
        else:
            return ""
        if self.peek() in ("?", "+"):
            raise _refused("lazy and possessive quantifiers are not in the common subset")
        return quantifier


# -- facets ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reached:
    """The values a path reaches in a document, as a FROM item joined (implicitly laterally) to
    ``metadata_documents``: their value, JSON type and the condition selecting them."""

    source: Any
    value: ColumnElement[Any]
    json_type: ColumnElement[Any]
    condition: ColumnElement[bool]
    position: ColumnElement[Any] | None = None  # document order, where it is asked for


def reached(dialect: str, content: ColumnElement[Any], path: str, *, scalars_only: bool = True) -> Reached:
    """Every value ``path`` reaches (arrays crossed), nulls left out; objects too unless
    ``scalars_only`` (counting array elements such as injections wants them)."""
    segments = parse_path(path)
    excluded = ("null", "array", "object") if scalars_only else ("null", "array")
    if dialect == "postgresql":
        wanted = " && ".join(f'@.type() != "{kind}"' for kind in excluded)
        found = (
            func.jsonb_path_query(content, literal(f"${_pg_keys(segments)} ? ({wanted})", JSONPATH))
            .table_valued(column("value", JSONB), joins_implicitly=True)
            .render_derived()
        )
        return Reached(found, found.c.value, func.jsonb_typeof(found.c.value), true())
    tree = func.json_tree(content, f"$.{_sqlite_key(segments[0])}").table_valued(
        "fullkey", "type", "atom", joins_implicitly=True
    )
    condition = and_(
        tree.c.fullkey.op("REGEXP")(_sqlite_path_pattern(segments)), tree.c.type.notin_(excluded)
    )
    return Reached(tree, tree.c.atom, tree.c.type, condition)


def as_number(dialect: str, found: Reached) -> ColumnElement[Any]:
    """A reached value as a number: JSON numbers, and strings that write one (``"2.8"``)."""
    if dialect == "postgresql":
        text = found.value.op("#>>")(literal([], ARRAY(Text)))
        return case(
            (found.json_type == "number", cast(text, Float)),
            (and_(found.json_type == "string", text.op("~")(_whole(NUMBER, dialect))), cast(text, Float)),
            else_=None,
        )
    return case(
        (found.json_type.in_(("integer", "real")), found.value),
        (
            and_(found.json_type == "text", found.value.op("REGEXP")(_whole(NUMBER, dialect))),
            cast(found.value, REAL),
        ),
        else_=None,
    )


def as_text(dialect: str, found: Reached) -> ColumnElement[Any]:
    """A reached string value as text (None for other types)."""
    if dialect == "postgresql":
        return case(
            (found.json_type == "string", found.value.op("#>>")(literal([], ARRAY(Text)))), else_=None
        )
    return case((found.json_type == "text", found.value), else_=None)


def decoded(value: Any, json_type: str | None) -> Any:
    """A reached value in Python: SQLite gives booleans as 0/1 with their JSON type beside them."""
    return {"true": True, "false": False}.get(json_type or "", value)
