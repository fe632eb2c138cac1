"""The statements a dialect spells its own way, declared once; query code calls these.

A metadata path like ``tiles.channel.laser_power`` is read the way people read nested
metadata: at every step an array stands for each of its elements, so a predicate holds when
any value reached satisfies it (``catalog.conventions.paths.values_at`` is the plain-Python
statement, ``catalog.db.jsonvalues`` how values compare). The public methods check their
arguments here, so every dialect refuses the same things with the same message."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from catalog.conventions.paths import parse_path
from catalog.db.jsonvalues import check_value, is_negation
from catalog.errors import Invalid
from catalog.limits import MAX_ELEMENT_PREDICATES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import ColumnElement


class Condition(NamedTuple):
    """One condition on an element, in its positive form, and whether to negate it."""

    segments: list[str]
    op: str
    value: Any
    negated: bool


def _condition(path: str, op: str, value: Any) -> Condition:
    """NE becomes a negated EQ, EXISTS false a negated EXISTS."""
    check_value(op, value)
    if op == "NE":
        return Condition(parse_path(path), "EQ", value, True)
    if op == "EXISTS" and value is False:
        return Condition(parse_path(path), "EXISTS", True, True)
    return Condition(parse_path(path), op, value, False)


@dataclass(frozen=True, slots=True)
class Reached:
    """The values a path reaches in a document, as a FROM item joined (implicitly laterally) to
    ``metadata_documents``: their value, JSON type and the condition selecting them."""

    source: Any
    value: ColumnElement[Any]
    json_type: ColumnElement[Any]
    condition: ColumnElement[bool]
    position: ColumnElement[Any] | None = None  # document order, where it is asked for


class Dialect(ABC):
    """One database's spelling of every statement whose spelling differs; chosen once per engine."""

    name: ClassVar[str]
    """SQLAlchemy's name of the dialect: ``postgresql`` or ``sqlite``."""

    @abstractmethod
    def year_of(self, column: Any) -> ColumnElement[Any]:
        """The UTC calendar year of a timestamp column."""

    @abstractmethod
    def month_of(self, column: Any) -> ColumnElement[Any]:
        """The UTC calendar month of a timestamp column, as ``YYYY-MM`` text."""

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

    def element_match(
        self, content: ColumnElement[Any], path: str, conditions: Sequence[tuple[str, str, Any]]
    ) -> ColumnElement[bool]:
        """Does one element the path reaches (each element of an array, or the value itself) satisfy
        every ``(path, op, value)`` condition, its path read from that element? Negations included."""
        segments = parse_path(path)
        if not conditions or len(conditions) > MAX_ELEMENT_PREDICATES:
            raise Invalid(f"elementMatch takes 1 to {MAX_ELEMENT_PREDICATES} predicates")
        return self._element_match(content, segments, [_condition(*c) for c in conditions])

    def matching_elements(
        self, content: ColumnElement[Any], path: str, conditions: Sequence[tuple[str, str, Any]]
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
