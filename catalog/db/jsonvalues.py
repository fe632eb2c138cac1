"""How a metadata predicate reads JSON values, on either dialect: the ops and the values each
takes, and which strings are numbers or instants.

The operand's type chooses how a value is read: a number compares with numbers and with
strings written as numbers (``"2.8"``); a string that is an ISO 8601 date or date-time compares
with strings that are too, as UTC instants; any other string compares with strings; booleans
and null only equal themselves. Which strings are numbers or dates is decided by the same
regular expressions on both dialects."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from catalog.db.patterns import safe_pattern
from catalog.errors import Invalid
from catalog.limits import MAX_IN_VALUES

LENGTHS = {"LENGTH_EQ": "EQ", "LENGTH_GT": "GT", "LENGTH_LT": "LT"}
"""The ops on an array's length, each with the comparison it makes."""
JSON_TYPES = ("string", "number", "boolean", "null", "array", "object")
"""What TYPE tests: an array is the array at the path itself (as the length ops read it), any
other type a value the path reaches, arrays crossed (``null``: a JSON null is reached)."""
OPS = (
    *("EQ", "NE", "LT", "LTE", "GT", "GTE", "IN", "CONTAINS", "ICONTAINS", "MATCHES", "EXISTS", "TYPE"),
    *LENGTHS,
)

NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
"""A string written as a number: digits with an optional point, then an optional exponent; no
spaces, signs only in front, no NaN or infinity. It counts as a number if it is finite as a
double (``"1e400"`` is not, nor ``"1e-400"``, which only a zero may write), and reads as its
nearest double rounded to 15 significant digits (``"462.00000000000057"`` is 462.000000000001):
PostgreSQL's ``.double()`` reads it so (it turns the double into a numeric of 15 digits), and
refuses the others; SQLite and Python call ``read_number``. Both dialects then compare it with a
number alike (SQLite's CAST would not: it misses the nearest double by one unit for some strings
of 16 digits or more)."""
SIGNIFICANT = 15

MAX_EXACT = 2**53
"""The largest whole number a JSON number holds exactly as a double, as both dialects compare them."""

DAY = r"[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
TIME = r"[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
OFFSET = r"[+-](0[0-9]|1[0-4]):[0-5][0-9]"
INSTANT = f"{DAY}({TIME}(Z|{OFFSET})?)?"
"""An ISO 8601 date or date-time: years 1000-2999, ``T`` or a space, seconds required, up to
six decimals, then ``Z``, ``±HH:MM`` or nothing (UTC). The day must also exist."""


FIELD_COMPARISONS = ("EQ", "NE", "LT", "LTE", "GT", "GTE")
"""The ops comparing two fields: numbers (strings written as numbers too) as numbers, ISO dates
and date-times as UTC instants, other strings as strings (by code point)."""


def check_comparison(op: str, value: Any) -> None:
    """Refuse a comparison of two fields that is not one."""
    if op not in FIELD_COMPARISONS:
        raise Invalid(f"two fields compare with {', '.join(FIELD_COMPARISONS)}, not {op}")
    if value is not None:
        raise Invalid("compare with either a value or another field's path, not both")


def check_value(op: str, value: Any) -> None:
    """Refuse a value the op cannot take, before any SQL is written."""
    if op not in OPS:
        raise Invalid(f"unknown predicate op {op!r}")
    if op == "IN":
        if not isinstance(value, list) or not 0 < len(value) <= MAX_IN_VALUES:
            raise Invalid(f"IN takes a list of 1 to {MAX_IN_VALUES} values")
        for item in value:
            _check_scalar(item)
    elif op == "CONTAINS" and value is None:
        raise Invalid("CONTAINS takes a string or a value to find in an array")
    elif op in ("EQ", "NE", "CONTAINS"):
        _check_scalar(value)
    elif op in ("LT", "LTE", "GT", "GTE"):
        if not (is_number(value) or isinstance(value, str)):
            raise Invalid(f"{op} compares numbers or strings, not {json.dumps(value)[:60]}")
        _check_scalar(value)
    elif op == "ICONTAINS" and not isinstance(value, str):
        raise Invalid("ICONTAINS takes a string")
    elif op == "MATCHES":
        safe_pattern(value)
    elif op in LENGTHS and not (
        isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_EXACT
    ):
        raise Invalid(f"{op} takes a whole number of elements, not {json.dumps(value)[:60]}")
    elif op == "EXISTS" and not isinstance(value, bool) and value is not None:
        raise Invalid("EXISTS takes true, false or nothing")
    elif op == "TYPE" and value not in JSON_TYPES:
        raise Invalid(f"TYPE takes one of {', '.join(JSON_TYPES)}, not {json.dumps(value)[:60]}")


def _check_scalar(value: Any) -> None:
    if value is not None and not isinstance(value, (bool, int, float, str)):
        raise Invalid(f"cannot compare with {json.dumps(value)[:60]}: use a string, number, boolean or null")
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid("a number is too large for a double")
    if isinstance(value, int) and not isinstance(value, bool) and not -MAX_EXACT <= value <= MAX_EXACT:
        raise Invalid(f"{value} is beyond the numbers metadata compares exactly (±{MAX_EXACT})")


def is_number(value: Any) -> bool:
    """A JSON number (Python's ``bool`` is an ``int``, not a number here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_number(text: object) -> float | None:
    """The number a string is written as (the strings predicates compare as numbers); else None.
    SQLite calls it as ``read_number(text)`` (every connection registers it), with any value."""
    written = _NUMBER.fullmatch(text) if isinstance(text, str) else None
    if written is None:
        return None
    number = float(written[0])
    if math.isinf(number) or (number == 0 and _NONZERO.search(written[1])):
        return None
    return float(f"{number:.{SIGNIFICANT}g}")


_NUMBER = re.compile(NUMBER)
_NONZERO = re.compile("[1-9]")


def is_negation(op: str, value: Any) -> bool:
    """``NE`` and ``EXISTS false`` deny another predicate rather than select values."""
    return op == "NE" or (op == "EXISTS" and value is False)


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
