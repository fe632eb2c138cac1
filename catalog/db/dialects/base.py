"""The statements a dialect spells its own way, declared once; query code calls these.

A metadata path like ``tiles.channel.laser_power`` is read the way people read nested
metadata: at every step an array stands for each of its elements, so a predicate holds when
any value reached satisfies it (``catalog.conventions.paths.values_at`` is the plain-Python
statement, ``catalog.db.jsonvalues`` how values compare). The public methods check their
arguments here, so every dialect refuses the same things with the same message."""

from __future__ import annotations

import hashlib
import operator
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from sqlalchemy import Text, and_, case, exists, false, literal, select, true, type_coerce

from catalog.conventions.paths import parse_path
from catalog.db.jsonvalues import check_comparison, check_value, is_negation
from catalog.errors import Invalid
from catalog.limits import MAX_ELEMENT_PREDICATES

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy import ColumnElement, Insert, Table
    from sqlalchemy.ext.asyncio import AsyncSession

ConditionSpec = tuple[str, str, Any, str | None]
"""An element's condition: (path, op, value, None), or (path, op, None, other path) comparing two
of its fields."""
COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "EQ": operator.eq,
    "LT": operator.lt,
    "LTE": operator.le,
    "GT": operator.gt,
    "GTE": operator.ge,
}


class Condition(NamedTuple):
    """One condition on an element, in its positive form, and whether to negate it."""

    segments: list[str]
    op: str
    value: Any
    negated: bool
    other: list[str] | None = None
    """The path of another field of the element, compared with instead of a value."""


def _condition(path: str, op: str, value: Any, other_path: str | None = None) -> Condition:
    """NE becomes a negated EQ, EXISTS false a negated EXISTS."""
    if other_path is not None:
        check_comparison(op, value)
        positive = "EQ" if op == "NE" else op
        return Condition(parse_path(path), positive, None, op == "NE", parse_path(other_path))
    check_value(op, value)
    if op == "NE":
        return Condition(parse_path(path), "EQ", value, True)
    if op == "EXISTS" and value is False:
        return Condition(parse_path(path), "EXISTS", True, True)
    return Condition(parse_path(path), op, value, False)


def _ordered(text: ColumnElement[Any], collation: str) -> ColumnElement[Any]:
    """Text ordered by code point, as SQL/JSON paths and Python order strings."""
    return type_coerce(text, Text).collate(collation)


@dataclass(frozen=True, slots=True)
class Reached:
    """The values a path reaches in a document, as a FROM item joined (implicitly laterally) to
    ``metadata_documents``: their value, JSON type and the condition selecting them."""

    source: Any
    value: ColumnElement[Any]
    json_type: ColumnElement[Any]
    condition: ColumnElement[bool]
    position: ColumnElement[Any] | None = None  # document order, where it is asked for


@dataclass(frozen=True, slots=True)
class Names:
    """The names a ``name_list`` holds, one a row: a FROM item and its column."""

    source: Any
    name: ColumnElement[str]


class Dialect(ABC):
    """One database's spelling of every statement whose spelling differs; chosen once per engine."""

    name: ClassVar[str]
    """SQLAlchemy's name of the dialect: ``postgresql`` or ``sqlite``."""
    binary: ClassVar[str]
    """The collation ordering text by code point."""
    indexes_values: ClassVar[bool]
    """Whether path predicates, element matches and facets read the index of metadata values
    (``catalog.db.valueindex``) rather than the documents: SQLite's JSON functions parse a whole
    document per call, PostgreSQL's JSONB is read in place."""
    estimates_rows: ClassVar[bool]
    """Whether the planner's estimate of how many rows a query returns is cheap to ask and worth
    answering a large count with (PostgreSQL's EXPLAIN, from its statistics); SQLite keeps none."""

    async def digests(self, session: AsyncSession, texts: Sequence[str]) -> list[bytes]:
        """The SHA-256 of each JSON document as the database keeps its text, a content's identity
        (``MetadataContent.digest``): SQLite keeps the text as given."""
        return [hashlib.sha256(text.encode()).digest() for text in texts]

    @abstractmethod
    def insert_new(self, table: Table) -> Insert:
        """An INSERT skipping the rows whose unique key another row holds (a concurrent writer's
        too, once it commits)."""

    @abstractmethod
    def matches(self, column: Any, regex: str) -> ColumnElement[bool]:
        """``column`` matches ``regex`` somewhere (anchor it to match it whole)."""

    def predicate(self, content: ColumnElement[Any], path: str, op: str, value: Any) -> ColumnElement[bool]:
        """A boolean SQL expression: does the document ``content`` satisfy ``path op value``?"""
        segments = parse_path(path)
        check_value(op, value)
        if is_negation(op, value):
            raise Invalid(f"{op} is the negation of another predicate: negate it around the document")
        return self._predicate(content, segments, op, value)

    def compare_fields(
        self,
        content: ColumnElement[Any],
        path: str,
        op: str,
        other_content: ColumnElement[Any],
        other_path: str,
    ) -> ColumnElement[bool]:
        """Does some value ``path`` reaches in ``content`` stand in ``op`` to some value
        ``other_path`` reaches in ``other_content`` (two fields of one document, or of two)?"""
        check_comparison(op, None)
        if op == "NE":
            raise Invalid("NE is the negation of another predicate: negate it around the document")
        return self._compared(content, parse_path(path), op, other_content, parse_path(other_path))

    def _compared(
        self,
        content: ColumnElement[Any],
        segments: list[str],
        op: str,
        other_content: ColumnElement[Any],
        other_segments: list[str],
    ) -> ColumnElement[bool]:
        """``compare_fields`` checked: over every pair of scalars reached, both read as numbers if
        both are numbers, else as instants if both are, else as strings if both are."""
        scalars = ("null", "array", "object")
        left = self._reached(content, segments, scalars)
        right = self._reached(other_content, other_segments, scalars)
        readings = (
            (self.as_number(left), self.as_number(right)),
            (self.as_instant(left), self.as_instant(right)),
            (_ordered(self.as_text(left), self.binary), _ordered(self.as_text(right), self.binary)),
        )
        pair = case(
            *((and_(a.is_not(None), b.is_not(None)), COMPARE[op](a, b)) for a, b in readings), else_=false()
        )
        both = select(literal(1)).select_from(left.source).join(right.source, true())
        return exists(both.where(left.condition, right.condition, pair))

    def element_match(
        self, content: ColumnElement[Any], path: str, conditions: Sequence[ConditionSpec]
    ) -> ColumnElement[bool]:
        """Does one element the path reaches (each element of an array, or the value itself) satisfy
        every ``(path, op, value)`` condition, its path read from that element? Negations included."""
        segments = parse_path(path)
        if not conditions or len(conditions) > MAX_ELEMENT_PREDICATES:
            raise Invalid(f"elementMatch takes 1 to {MAX_ELEMENT_PREDICATES} predicates")
        return self._element_match(content, segments, [_condition(*c) for c in conditions])

    def matching_elements(
        self, content: ColumnElement[Any], path: str, conditions: Sequence[ConditionSpec]
    ) -> Reached:
        """The elements ``path`` reaches (each element of an array, or the value itself) that
        satisfy every condition, in document order; ``element_value`` reads one back."""
        segments = parse_path(path)
        if len(conditions) > MAX_ELEMENT_PREDICATES:
            raise Invalid(f"where takes at most {MAX_ELEMENT_PREDICATES} predicates")
        return self._matching_elements(content, segments, [_condition(*c) for c in conditions])

    def reached(self, content: ColumnElement[Any], path: str, *, scalars_only: bool = True) -> Reached:
        """Every value ``path`` reaches (arrays crossed), nulls left out; objects too unless
        ``scalars_only`` (counting array elements such as injections wants them)."""
        excluded = ("null", "array", "object") if scalars_only else ("null", "array")
        return self._reached(content, parse_path(path), excluded)

    @abstractmethod
    def as_number(self, found: Reached) -> ColumnElement[Any]:
        """A reached value as a number: JSON numbers, and strings that write one (``"2.8"``)."""

    @abstractmethod
    def as_text(self, found: Reached) -> ColumnElement[Any]:
        """A reached string value as text (None for other types)."""

    @abstractmethod
    def as_instant(self, found: Reached) -> ColumnElement[Any]:
        """A reached ISO date or date-time string as its UTC ``YYYY-MM-DDTHH:MM:SS.ffffff``
        (``jsonvalues.instant_key``), text that orders as the instants do; None for other values."""

    @abstractmethod
    def reached_type(self, found: Reached) -> ColumnElement[Any] | None:
        """What ``reached_value`` needs read beside a reached value, or None where the value
        alone reads back."""

    @abstractmethod
    def reached_value(self, value: Any, json_type: str | None) -> Any:
        """A reached value read back from a row, in Python, given its JSON type."""

    @abstractmethod
    def element_value(self, value: Any) -> Any:
        """An element ``matching_elements`` selected, read back from a row, in Python."""

    @abstractmethod
    def _predicate(
        self, content: ColumnElement[Any], segments: list[str], op: str, value: Any
    ) -> ColumnElement[bool]:
        """``predicate`` with the path parsed and a positive op checked."""

    @abstractmethod
    def _element_match(
        self, content: ColumnElement[Any], segments: list[str], conditions: list[Condition]
    ) -> ColumnElement[bool]:
        """``element_match`` with the path parsed and the conditions checked."""

    @abstractmethod
    def _matching_elements(
        self, content: ColumnElement[Any], segments: list[str], conditions: list[Condition]
    ) -> Reached:
        """``matching_elements`` with the path parsed and the conditions checked."""

    @abstractmethod
    def _reached(
        self, content: ColumnElement[Any], segments: list[str], excluded: tuple[str, ...]
    ) -> Reached:
        """``reached`` with the path parsed, leaving out the JSON types ``excluded``."""

    def array_lengths(self, content: ColumnElement[Any], path: str) -> Reached:
        """The length of each array ``path`` reaches (the last key's array itself, not crossed),
        as numbers: array length as a group key, a measure or a facet."""
        return self._array_lengths(content, parse_path(path))

    @abstractmethod
    def _array_lengths(self, content: ColumnElement[Any], segments: list[str]) -> Reached:
        """``array_lengths`` with the path parsed."""

    @abstractmethod
    def calendar(self, column: Any, bucket: str, zone: str | None) -> ColumnElement[Any]:
        """The ``DAY`` (``YYYY-MM-DD``), ``MONTH`` (``YYYY-MM``) or ``YEAR`` (``YYYY``) of a column,
        as text: a timestamp's on the calendar of ``zone`` (an IANA name), a date's (``zone``
        None) as it is."""

    @abstractmethod
    def epoch(self, column: Any) -> ColumnElement[Any]:
        """A timestamp or date as seconds since 1970-01-01 UTC (a date: its midnight UTC), so that
        a time measure reads back as a number."""

    @abstractmethod
    def as_days(self, found: Reached) -> ColumnElement[Any]:
        """A reached ISO date or date-time string as days since 1970-01-01 UTC (a date is its
        midnight UTC, a time without offset is UTC); None for any other value."""

    @abstractmethod
    def same_value(self, one: Reached, other: Reached) -> ColumnElement[bool]:
        """Two reached values are the same JSON value (type and value)."""

    @abstractmethod
    def name_list(self, name: ColumnElement[str]) -> ColumnElement[Any]:
        """An aggregate: a group's names as one value, which a recursive query carries from one
        step to the next (SQL lets a step read only the rows the step before it made)."""

    @abstractmethod
    def no_names(self) -> ColumnElement[Any]:
        """A ``name_list`` of no names."""

    @abstractmethod
    def names_in(self, names: ColumnElement[Any]) -> Names:
        """The names of a ``name_list``, one a row (a FROM item that may read an outer query's column)."""

    @abstractmethod
    def name_count(self, names: ColumnElement[Any]) -> ColumnElement[int]:
        """How many names a ``name_list`` holds."""

    @abstractmethod
    def joined_names(self, one: ColumnElement[Any], other: ColumnElement[Any]) -> ColumnElement[Any]:
        """The names of two ``name_list`` values in one."""

    def first_number(self, content: ColumnElement[Any], path: str) -> ColumnElement[Any]:
        """The first value ``path`` reaches, in document order, that reads as a number (an
        expression's operand), as that number; None when there is none."""
        return self._first(content, path, self.as_number)

    def first_days(self, content: ColumnElement[Any], path: str) -> ColumnElement[Any]:
        """The first value ``path`` reaches that is an ISO date or date-time, in days since
        1970-01-01 UTC (``as_days``); None when there is none."""
        return self._first(content, path, self.as_days)

    def _first(
        self, content: ColumnElement[Any], path: str, reading: Callable[[Reached], ColumnElement[Any]]
    ) -> ColumnElement[Any]:
        found = self.reached(content, path)
        value = reading(found)
        first: ColumnElement[Any] = (
            select(value).select_from(found.source).where(found.condition, value.is_not(None)).limit(1)
        ).scalar_subquery()
        return first
