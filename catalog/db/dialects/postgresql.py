"""PostgreSQL: metadata predicates as lax-mode SQL/JSON paths over JSONB (so the GIN index of
documents, migration 0015, serves their equalities; element matches excepted), values inlined as
JSON literals; ``~`` for regular expressions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    ColumnElement,
    Float,
    Numeric,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    null,
    select,
    text,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, JSONPATH, TIMESTAMP, insert

from catalog.conventions.paths import parse_path
from catalog.db.dialects.base import Condition, Dialect, Names, Reached
from catalog.db.jsonvalues import DAY, INSTANT, LENGTHS, NUMBER, OFFSET, TIME, instant_key, is_number
from catalog.db.patterns import caseless_pattern, literal_pattern, safe_pattern

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Insert, Table
    from sqlalchemy.ext.asyncio import AsyncSession

COMPARISONS = {"EQ": "==", "LT": "<", "LTE": "<=", "GT": ">", "GTE": ">="}
_UTC_TEMPLATES = (
    'yyyy-mm-dd"T"HH24:MI:SS"Z"',
    'yyyy-mm-dd"T"HH24:MI:SS.US"Z"',
    'yyyy-mm-dd HH24:MI:SS"Z"',
    'yyyy-mm-dd HH24:MI:SS.US"Z"',
)
"""PostgreSQL's ``.datetime()`` knows no ``Z``: these read such strings as UTC timestamps."""
_NAMES = ARRAY(String)
"""A ``name_list``: ``array_agg`` of names of any length is ``varchar[]``."""
_DIGESTS = text(
    "SELECT sha256(convert_to(CAST(t AS jsonb)::text, 'UTF8')) "
    "FROM unnest(:texts) WITH ORDINALITY AS given(t, n) ORDER BY n"
).bindparams(bindparam("texts", type_=ARRAY(Text)))
"""The digest of each given JSON text as jsonb spells it (keys ordered, spacing its own): what
migration 0019 computed for the contents it found."""


class PostgreSQLDialect(Dialect):
    name: ClassVar[str] = "postgresql"
    binary: ClassVar[str] = "C"
    indexes_values: ClassVar[bool] = False
    estimates_rows: ClassVar[bool] = True

    async def digests(self, session: AsyncSession, texts: Sequence[str]) -> list[bytes]:
        return list((await session.scalars(_DIGESTS, {"texts": list(texts)})).all())

    def insert_new(self, table: Table) -> Insert:
        return insert(table).on_conflict_do_nothing()

    def matches(self, column: Any, regex: str) -> ColumnElement[bool]:
        condition: ColumnElement[bool] = column.op("~", is_comparison=True)(regex)
        return condition

    def _predicate(
        self, content: ColumnElement[Any], segments: list[str], op: str, value: Any
    ) -> ColumnElement[bool]:
        return _holds(content, _selector("$", segments, op, value))

    def _element_match(
        self, content: ColumnElement[Any], segments: list[str], conditions: list[Condition]
    ) -> ColumnElement[bool]:
        if all(c.other is None for c in conditions):
            tests = " && ".join(_test(condition) for condition in conditions)
            return _unindexed_holds(content, f"${_keys(segments)} ? ({tests})")
        found = self._matching_elements(content, segments, conditions)
        return exists(select(literal(1)).select_from(found.source).where(found.condition))

    def _matching_elements(
        self, content: ColumnElement[Any], segments: list[str], conditions: list[Condition]
    ) -> Reached:
        """Conditions on values in the path's filter; comparisons of two fields in SQL, on each
        element it selects."""
        tests = [_test(c) for c in conditions if c.other is None]
        held = " && ".join(['@.type() != "null"', *tests])
        found = (
            func.jsonb_path_query(content, literal(f"${_keys(segments)} ? ({held})", JSONPATH))
            .table_valued(column("value", JSONB), with_ordinality="position", joins_implicitly=True)
            .render_derived()
        )
        compared = []
        for c in conditions:
            if c.other is not None:
                test = self._compared(found.c.value, c.segments, c.op, found.c.value, c.other)
                compared.append(~test if c.negated else test)
        kind = func.jsonb_typeof(found.c.value)
        return Reached(found, found.c.value, kind, and_(true(), *compared), found.c.position)

    def _reached(
        self, content: ColumnElement[Any], segments: list[str], excluded: tuple[str, ...]
    ) -> Reached:
        wanted = " && ".join(f'@.type() != "{kind}"' for kind in excluded)
        found = (
            func.jsonb_path_query(content, literal(f"${_keys(segments)} ? ({wanted})", JSONPATH))
            .table_valued(column("value", JSONB), joins_implicitly=True)
            .render_derived()
        )
        return Reached(found, found.c.value, func.jsonb_typeof(found.c.value), true())

    def as_number(self, found: Reached) -> ColumnElement[Any]:
        text = found.value.op("#>>")(literal([], ARRAY(Text)))
        return case(
            (found.json_type == "number", cast(text, Float)),
            (
                and_(found.json_type == "string", text.op("~")(_whole(NUMBER))),
                cast(
                    cast(
                        func.jsonb_path_query_first(found.value, _DOUBLE, literal({}, JSONB), true()), Numeric
                    ),
                    Float,
                ),
            ),
            else_=None,
        )

    def as_instant(self, found: Reached) -> ColumnElement[Any]:
        text = found.value.op("#>>")(literal([], ARRAY(Text)))
        # .datetime() reads every shape but Z (its day must exist, or it fails, silently: NULL)
        read = func.jsonb_path_query_first(
            func.to_jsonb(func.replace(text, "Z", "+00:00")), _DATETIME, literal({}, JSONB), true()
        ).op("#>>")(literal([], ARRAY(Text)))
        naive = text.op("~")(_whole(f"{DAY}({TIME})?"))
        aware = text.op("~")(_whole(f"{DAY}{TIME}(Z|{OFFSET})"))
        return case(
            (and_(found.json_type == "string", naive), func.to_char(cast(read, TIMESTAMP), _INSTANT)),
            (
                and_(found.json_type == "string", aware),
                func.to_char(func.timezone("UTC", cast(read, TIMESTAMP(timezone=True))), _INSTANT),
            ),
            else_=None,
        )

    def as_text(self, found: Reached) -> ColumnElement[Any]:
        return case(
            (found.json_type == "string", found.value.op("#>>")(literal([], ARRAY(Text)))), else_=None
        )

    def reached_type(self, found: Reached) -> ColumnElement[Any] | None:
        return None

    def reached_value(self, value: Any, json_type: str | None) -> Any:
        return value

    def element_value(self, value: Any) -> Any:
        return value  # decoded from JSONB by the driver

    def name_list(self, name: ColumnElement[str]) -> ColumnElement[Any]:
        return cast(func.array_agg(name), _NAMES)

    def no_names(self) -> ColumnElement[Any]:
        return cast(null(), _NAMES)

    def names_in(self, names: ColumnElement[Any]) -> Names:
        found = func.unnest(names).table_valued("name").render_derived()
        return Names(found, type_coerce(found.c.name, String))

    def name_count(self, names: ColumnElement[Any]) -> ColumnElement[int]:
        return func.coalesce(func.cardinality(names), 0)

    def joined_names(self, one: ColumnElement[Any], other: ColumnElement[Any]) -> ColumnElement[Any]:
        return func.array_cat(one, other, type_=_NAMES)

    def same_value(self, one: Reached, other: Reached) -> ColumnElement[bool]:
        return one.value == other.value  # JSONB equality: type and value

    def first_number(self, content: ColumnElement[Any], path: str) -> ColumnElement[Any]:
        # One function call per row, reading the number inside the path (.double(), as as_number
        # does), instead of a subquery over every value reached.
        numeric = (
            f'@.type() == "number" || (@.type() == "string" && @ like_regex {json.dumps(_whole(NUMBER))})'
        )
        selector = f"${_keys(parse_path(path))} ? ({numeric}).double()"
        found = func.jsonb_path_query_first(content, literal(selector, JSONPATH), literal({}, JSONB), true())
        return cast(found, Float)

    def first_days(self, content: ColumnElement[Any], path: str) -> ColumnElement[Any]:
        dated = f'@.type() == "string" && @ like_regex {json.dumps(_whole(INSTANT))}'
        return self.as_days(_first_reached(content, parse_path(path), dated))

    def as_days(self, found: Reached) -> ColumnElement[Any]:
        # .datetime() reads the ISO shapes (and refuses 02-30) without raising when silent;
        # it knows no "Z", so that becomes +00:00 first. Its output is ISO text a cast reads.
        text = self.as_text(found)
        zoned = func.to_jsonb(cast(func.regexp_replace(text, "Z$", "+00:00"), Text))
        iso = func.jsonb_path_query_first(
            zoned, literal("$.datetime()", JSONPATH), func.jsonb_build_object(), True
        ).op("#>>")(literal([], ARRAY(Text)))
        aware = func.extract("epoch", cast(iso, TIMESTAMP(timezone=True)))
        naive = func.extract("epoch", cast(iso, TIMESTAMP()))
        seconds = case((iso.op("~")(f"{OFFSET}$"), aware), else_=naive)
        valid = text.op("~")(_whole(INSTANT))
        return case((valid, cast(seconds, Float) / 86400), else_=None)

    def _array_lengths(self, content: ColumnElement[Any], segments: list[str]) -> Reached:
        # Lax mode unwraps an array before a filter, so the array is tested from its parent.
        last = _keys(segments[-1:], crossing_last=False)
        path = f'${_keys(segments[:-1])} ? (@{last}.type() == "array"){last}.size()'
        found = (
            func.jsonb_path_query(content, literal(path, JSONPATH))
            .table_valued(column("value", JSONB), joins_implicitly=True)
            .render_derived()
        )
        return Reached(found, found.c.value, func.jsonb_typeof(found.c.value), true())

    def calendar(self, column: Any, bucket: str, zone: str | None) -> ColumnElement[Any]:
        local = column if zone is None else func.timezone(zone, column)
        return func.to_char(local, _CALENDAR[bucket])

    def epoch(self, column: Any) -> ColumnElement[Any]:
        return func.extract("epoch", column)


_CALENDAR = {"DAY": "YYYY-MM-DD", "MONTH": "YYYY-MM", "YEAR": "YYYY"}


_DATETIME = literal("$.datetime()", JSONPATH)
_INSTANT = 'YYYY-MM-DD"T"HH24:MI:SS.US'
"""``jsonvalues.instant_key``'s text, for a UTC timestamp."""
_DOUBLE = literal("$.double()", JSONPATH)
"""A string's number as predicates read it (``SIGNIFICANT``); silent, it is NULL where they fail."""


def _first_reached(content: ColumnElement[Any], segments: list[str], test: str) -> Reached:
    """The first value the path reaches that passes ``test``, as a one-row ``Reached``."""
    value = func.jsonb_path_query_first(content, literal(f"${_keys(segments)} ? ({test})", JSONPATH))
    return Reached(None, value, func.jsonb_typeof(value), true())


def _whole(body: str) -> str:
    """A pattern matching a whole string."""
    return f"^{body}$"


def _holds(content: ColumnElement[Any], path: str) -> ColumnElement[bool]:
    """The path selects something. The path is inline, not a parameter: the generic plan of a
    parameter estimated it to hold for 1% of the documents, where the custom plan knows 0.1%, and
    ANDed the GIN index's rows with every current document of its kind (0.4 ms became 16)."""
    return content.op("@?")(literal(path, JSONPATH, literal_execute=True))


def _unindexed_holds(content: ColumnElement[Any], path: str) -> ColumnElement[bool]:
    """``_holds`` that the GIN index of documents does not serve: ``@?``'s function, silent as
    the operator is. An element match names categories (a procedure type) that much of the catalog
    holds, while the planner, with no statistics of large documents, estimates any path predicate
    to hold for 0.1% of them: with the index it read every injection's document rather than a
    subject's few assets."""
    found: ColumnElement[bool] = func.jsonb_path_exists(
        content, literal(path, JSONPATH), literal({}, JSONB), true()
    )
    return found


def _keys(segments: list[str], *, crossing_last: bool = True) -> str:
    """Keys, each followed by ``[*]``: lax mode unwraps one array level per accessor, the
    wildcard one more, so arrays of arrays (coordinates) are crossed as well (up to two levels
    per step, where SQLite and the Python reading cross any number)."""
    steps = [f".{json.dumps(s)}[*]" for s in segments]
    if not crossing_last and steps:
        steps[-1] = f".{json.dumps(segments[-1])}"
    return "".join(steps)


def _selector(base: str, segments: list[str], op: str, value: Any) -> str:
    """A path from ``base`` that selects something exactly when the predicate holds."""
    if op in LENGTHS:
        # Lax mode unwraps an array before a filter, so the array is tested from its parent:
        # .type() and .size() read an array itself.
        array = f"@{_keys(segments[-1:], crossing_last=False)}"
        size = f"{array}.size() {COMPARISONS[LENGTHS[op]]} {value}"
        return f'{base}{_keys(segments[:-1])} ? ({array}.type() == "array" && {size})'
    if op == "TYPE" and value == "array":
        array = f"@{_keys(segments[-1:], crossing_last=False)}"
        return f'{base}{_keys(segments[:-1])} ? ({array}.type() == "array")'
    return f"{base}{_keys(segments)} ? ({_condition(op, value)})"


def _test(condition: Condition) -> str:
    """One elementMatch condition on the element ``@``."""
    found = f"exists({_selector('@', condition.segments, condition.op, condition.value)})"
    return f"!({found})" if condition.negated else found


def _condition(op: str, value: Any) -> str:
    if op in COMPARISONS:
        return _compare(COMPARISONS[op], value)
    if op == "IN":
        return " || ".join(_compare("==", v) for v in value)
    if op == "CONTAINS" and isinstance(value, str):
        return _like(literal_pattern(value))
    if op == "CONTAINS":
        return _compare("==", value)
    if op == "ICONTAINS":
        return _like(caseless_pattern(value))
    if op == "MATCHES":
        return _like(safe_pattern(value).postgresql)
    if op == "TYPE":
        return f"@.type() == {json.dumps(value)}"
    return '@.type() != "null"'  # EXISTS: an object counts; an array counts by its elements


def _compare(symbol: str, value: Any) -> str:
    """``@ symbol value`` as the operand's type reads it (a failing ``.double()`` or
    ``.datetime()`` makes its comparison unknown, and ``||`` looks for one that is true)."""
    operand = _literal(value)
    if is_number(value):
        number = f"@ like_regex {json.dumps(_whole(NUMBER))}"
        return f"(@ {symbol} {operand} || ({number} && @.double() {symbol} {operand}))"
    key = instant_key(value)
    if key is None:
        return f"@ {symbol} {operand}"
    naive, aware = f"{json.dumps(key)}.datetime()", f"{json.dumps(key + '+00:00')}.datetime()"
    # Dates and times without offset compare with the naive UTC instant, times with an offset
    # with the aware one. Each shape is told by its regex first: PostgreSQL raises, even under
    # @?, when a date or naive timestamp meets an aware one without a session time zone.
    shapes = (
        (f"{DAY}({TIME})?", [f"@.datetime() {symbol} {naive}"]),
        (f"{DAY}{TIME}{OFFSET}", [f"@.datetime() {symbol} {aware}"]),
        (f"{DAY}{TIME}Z", [f"@.datetime({json.dumps(t)}) {symbol} {naive}" for t in _UTC_TEMPLATES]),
    )
    readings = (
        f"(@ like_regex {json.dumps(_whole(shape))} && ({' || '.join(tests)}))" for shape, tests in shapes
    )
    return f"({' || '.join(readings)})"


def _like(pattern: str) -> str:
    return f"@ like_regex {json.dumps(pattern)}"


def _literal(value: Any) -> str:
    """A value as an SQL/JSON path literal."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return json.dumps(str(value))
