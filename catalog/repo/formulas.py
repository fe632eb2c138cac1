"""Arithmetic compiled to SQL: an aggregate's formulas over its measures and expressions over
the fields of an unwound element (the grammar: ``catalog.schemas.expressions``). A division by
zero is NULL, as a missing value is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, cast, func, literal

from catalog.errors import Invalid
from catalog.schemas.expressions import Call, Negation, Number, Reference, parse

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy import ColumnElement

    from catalog.schemas.expressions import Node

_MEASURE = re.compile(r"m([0-9]{1,2})")
FORMULA_EXAMPLE = "100 * m1 / total(m1)"
ELEMENT_EXAMPLE = "animal_weight_post - animal_weight_prior"


@dataclass(frozen=True, slots=True)
class Formula:
    """A compiled formula and whether it reads every group (``total``), which a WHERE cannot."""

    value: ColumnElement[Any]
    windowed: bool


def compile_formula(text: str, measures: Sequence[ColumnElement[Any]]) -> Formula:
    """``text`` over the measure values ``measures`` (m0 is the first), or ``Invalid``."""
    tree = parse(text, frozenset({"total"}), FORMULA_EXAMPLE)
    windowed = False

    def measure(reference: Reference) -> ColumnElement[Any]:
        found = _MEASURE.fullmatch(reference.path)
        if reference.document is not None or not found or int(found[1]) >= len(measures):
            raise _refused(text, f"{reference.path} is not one of the measures m0 to m{len(measures) - 1}")
        return measures[int(found[1])]

    def call(function: str, argument: Node) -> ColumnElement[Any]:
        nonlocal windowed
        if not isinstance(argument, Reference):
            raise _refused(text, "total() takes one measure, as in total(m0)")
        windowed = True
        return func.sum(measure(argument)).over()

    return Formula(cast(arithmetic(tree, measure, call), Float), windowed)


def compile_expression(
    text: str,
    number: Callable[[Reference], ColumnElement[Any]],
    days: Callable[[Reference], ColumnElement[Any]],
) -> ColumnElement[Any]:
    """An element expression: each reference read as a number by ``number``; ``days(path)`` the
    ISO date or date-time the path holds, in days since 1970-01-01 UTC, by ``days``."""
    tree = parse(text, frozenset({"days"}), ELEMENT_EXAMPLE)

    def call(function: str, argument: Node) -> ColumnElement[Any]:
        if not isinstance(argument, Reference):
            raise _refused(text, "days() takes one path, as in days(start_date)")
        return days(argument)

    return cast(arithmetic(tree, number, call), Float)


def arithmetic(
    node: Node,
    reference: Callable[[Reference], ColumnElement[Any]],
    call: Callable[[str, Node], ColumnElement[Any]],
) -> ColumnElement[Any]:
    """The SQL of a parsed tree, references and calls compiled by the caller."""
    if isinstance(node, Number):
        return literal(node.value, Float)
    if isinstance(node, Reference):
        return reference(node)
    if isinstance(node, Call):
        return call(node.function, node.argument)
    if isinstance(node, Negation):
        return -arithmetic(node.operand, reference, call)
    left, right = arithmetic(node.left, reference, call), arithmetic(node.right, reference, call)
    if node.symbol == "/":
        return cast(left, Float) / func.nullif(right, 0)
    result: ColumnElement[Any] = {"+": left.__add__, "-": left.__sub__, "*": left.__mul__}[node.symbol](right)
    return result


def _refused(text: str, reason: str) -> Invalid:
    return Invalid(f"expression {text!r}: {reason}")
