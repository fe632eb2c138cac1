"""JSON from clients, read within bounds: every route that takes JSON (a GraphQL body or its
variables, a ``/manifest`` filter) reads it here, so that malformed, deep, huge or unstorable
input is refused with a code before anything else sees it."""

from __future__ import annotations

import json
import math
from typing import Any

from catalog.errors import Invalid
from catalog.limits import MAX_JSON_DEPTH, MAX_LIST_ITEMS, MAX_STRING_CHARS


def read_json(data: str | bytes, what: str, *, checked: bool = True) -> Any:
    """The JSON value of ``data``, checked by ``check_json`` unless the caller checks its parts."""
    try:
        text = data.decode() if isinstance(data, bytes) else data
        value = json.loads(text, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise Invalid(f"{what} is not valid UTF-8") from None
    except (ValueError, RecursionError):
        raise Invalid(f"{what} is not valid JSON (or nests or numbers beyond what is read)") from None
    if checked:
        check_json(value, what)
    return value


def check_json(value: Any, what: str) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH, a list longer than MAX_LIST_ITEMS, or a
    string that is too long or cannot be stored (a NUL character, a lone surrogate)."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            _check_string(item, what)
        elif isinstance(item, float) and not math.isfinite(item):
            raise Invalid(f"{what} holds a number too large for a double")
        elif isinstance(item, (list, dict)):
            if depth >= MAX_JSON_DEPTH:
                raise Invalid(f"{what} nests deeper than {MAX_JSON_DEPTH} levels")
            if len(item) > MAX_LIST_ITEMS:
                raise Invalid(f"{what} holds a list or object of more than {MAX_LIST_ITEMS} items")
            children = [*item, *item.values()] if isinstance(item, dict) else item
            pending += [(child, depth + 1) for child in children]


def _check_string(text: str, what: str) -> None:
    if len(text) > MAX_STRING_CHARS:
        raise Invalid(f"{what} holds a string of more than {MAX_STRING_CHARS} characters")
    if "\0" in text:
        raise Invalid(f"{what} holds a NUL character")
    try:
        text.encode()
    except UnicodeEncodeError:
        raise Invalid(f"{what} holds a lone surrogate (not Unicode text)") from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")
