"""Reading the embedded default's index of metadata values (``catalog.db.valueindex``): path
predicates, element matches and facets over a path, answered by B-tree instead of by parsing
documents. Each answers exactly as the dialect's JSON reading does (``catalog.db.dialects``, the
reference the tests compare it with); what the index cannot settle is left to that reading."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, case, func, intersect, literal, or_, select, true, union_all

from catalog.conventions.paths import parse_path
from catalog.db.dialects.base import COMPARE
from catalog.db.jsonvalues import LENGTHS, check_value, instant_key, is_negation, is_number
from catalog.db.models import IndexedPath, IndexedValue
from catalog.db.patterns import caseless_pattern, safe_pattern
from catalog.db.valueindex import MEET, NO_VALUE, NUMBERS, SCALARS, STRINGS, UNION, Space
from catalog.limits import MAX_PATH_SEGMENTS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import CTE, CompoundSelect, ScalarSelect, Select, Subquery

    from catalog.db.dialects.base import ConditionSpec

TYPES = {
    "string": STRINGS,
    "number": (Space.NUMBER,),
    "boolean": (Space.TRUE, Space.FALSE),
    "object": (Space.OBJECT,),
}
"""The spaces each JSON type TYPE tests (not arrays, which paths cross, nor nulls, left out)."""
ONE_ELEMENT = "1"
"""The positions of a value under a path that is no array: its one element."""


def served(op: str | None, value: Any) -> bool:
    """Whether the index answers ``op value``: every positive op on the values a path reaches but
    the ones on the arrays themselves (lengths, TYPE array) and on nulls, which it leaves out."""
    if op is None or op in LENGTHS or is_negation(op, value):
        return False
    if op == "EXISTS":
        return True
    if op == "TYPE":
        return value in TYPES
    if op == "IN":
        return isinstance(value, list) and None not in value
    return value is not None


def holding(document: str, path: str, op: str, value: Any) -> Select[Any]:
    """The assets whose current ``document`` reaches, at ``path``, a value satisfying the
    positive ``op value`` (``served``), as a subquery of asset ids."""
    check_value(op, value)
    return select(IndexedValue.asset_id).where(
        IndexedValue.path_id == _path_id(document, path), _test(op, value)
    )


def element_verdicts(document: str, path: str, conditions: Sequence[ConditionSpec]) -> CTE | None:
    """Per asset whose ``document`` reaches a value for every condition under ``path``: 1 when
    one element satisfies them all, 0 when none does, NULL where the index cannot tell (an array
    crossed before ``path``, so that its elements are not numbered). None unless every condition
    is one the index answers."""
    element = parse_path(path)
    parts = []
    for index, (below, op, value, other) in enumerate(conditions):
        full = [*element, *parse_path(below)]
        if other is not None or not served(op, value) or len(full) > MAX_PATH_SEGMENTS:
            return None
        row = IndexedValue
        positions = case((row.crossed == len(element), row.elements), else_=literal(ONE_ELEMENT))
        unsure = case((row.crossed < len(element), 1), else_=0)
        parts.append(
            select(
                row.asset_id,
                literal(index).label("condition"),
                positions.label("positions"),
                unsure.label("unsure"),
            ).where(row.path_id == _path_id(document, ".".join(full)), _test(op, value))
        )
    found = union_all(*parts).subquery("found")
    per_condition = (
        select(
            found.c.asset_id,
            func.group_concat(found.c.positions, UNION).label("positions"),
            func.max(found.c.unsure).label("unsure"),
        )
        .group_by(found.c.asset_id, found.c.condition)
        .subquery("per_condition")
    )
    verdict = case(
        (func.max(per_condition.c.unsure) == 1, None),
        else_=func.element_meet(func.group_concat(per_condition.c.positions, MEET)),
    )
    return (
        select(per_condition.c.asset_id, verdict.label("verdict"))
        .group_by(per_condition.c.asset_id)
        .having(func.count() == len(conditions))
        .cte()
    )


def candidates(
    document: str, path: str, conditions: Sequence[ConditionSpec]
) -> CompoundSelect[Any] | Select[Any] | None:
    """The assets whose ``document`` may hold an element satisfying ``conditions``: each one the
    index answers needs a satisfying value at its full path somewhere in the document. None when
    no condition narrows so."""
    element = parse_path(path)
    narrowing = [
        holding(document, ".".join(full), op, value)
        for below, op, value, other in conditions
        if other is None
        and served(op, value)
        and len(full := [*element, *parse_path(below)]) <= MAX_PATH_SEGMENTS
    ]
    if not narrowing:
        return None
    return narrowing[0] if len(narrowing) == 1 else intersect(*narrowing)


def reached(document: str, path: str) -> Subquery:
    """The scalar values ``path`` reaches in the current ``document``s (nulls left out), as a FROM
    item of (asset_id, kind, value): what a facet counts. A string writing a number counts as that
    number (``kind`` NUMBER), so that an asset holding both spellings counts once."""
    row = IndexedValue
    kind = case((row.space.in_(NUMBERS), Space.NUMBER), else_=row.space)
    return (
        select(row.asset_id, kind.label("kind"), row.value)
        .where(row.path_id == _path_id(document, path), row.space.in_(SCALARS))
        .subquery("reached")
    )


def scalar(kind: int, value: Any) -> Any:
    """A value ``reached`` read back."""
    return {Space.TRUE: True, Space.FALSE: False}.get(Space(kind), value)


def _path_id(document: str, path: str) -> ScalarSelect[Any]:
    return (
        select(IndexedPath.id)
        .where(IndexedPath.document == document, IndexedPath.path == ".".join(parse_path(path)))
        .scalar_subquery()
    )


def _test(op: str, value: Any) -> ColumnElement[bool]:
    """``op value`` on one row, as ``catalog.db.jsonvalues`` reads values."""
    space, stored = IndexedValue.space, IndexedValue.value
    if op == "EXISTS":
        return true()  # every row is a value reached (an object too; arrays are crossed, never rows)
    if op == "TYPE":
        return space.in_(TYPES[value])
    if op == "IN":
        return or_(*(_compare("EQ", v) for v in value))
    if op == "CONTAINS" and isinstance(value, str):
        return and_(space.in_(STRINGS), func.instr(stored, value) > 0)
    if op == "ICONTAINS":
        return and_(space.in_(STRINGS), stored.op("REGEXP")(caseless_pattern(value)))
    if op == "MATCHES":
        return and_(space.in_(STRINGS), stored.op("REGEXP")(safe_pattern(value).python))
    return _compare("EQ" if op == "CONTAINS" else op, value)


def _compare(op: str, value: Any) -> ColumnElement[bool]:
    """A value compared as the operand's type reads it: a number with numbers (and strings
    writing one), an ISO date or date-time with instants, another string with strings (by code
    point), true, false and null with themselves."""
    space, stored, compare = IndexedValue.space, IndexedValue.value, COMPARE[op]
    if isinstance(value, bool):
        return and_(space == (Space.TRUE if value else Space.FALSE), stored == NO_VALUE)
    if is_number(value):
        return and_(space.in_(NUMBERS), compare(stored, value))
    key = instant_key(value)
    if key is not None:
        return and_(space == Space.INSTANT, compare(stored, key))
    return and_(space.in_(STRINGS), compare(stored, value))
