"""Opaque keyset cursors: the sort key of the last row seen, never an offset."""

from __future__ import annotations

import base64
import json
from typing import Any

from catalog.errors import Invalid
from catalog.limits import MAX_PAGE


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        raise Invalid(f"cursor {cursor!r} is not one this API handed out") from None
    if not isinstance(values, list):
        raise Invalid(f"cursor {cursor!r} is not one this API handed out")
    return values


def decode_path_cursor(cursor: str) -> str:
    """A files cursor: the path of the last file seen."""
    values = decode_cursor(cursor)
    if len(values) != 1 or not isinstance(values[0], str):
        raise Invalid(f"cursor {cursor!r} is not one this API handed out")
    return values[0]


def page_size(first: int | None, limit: int = MAX_PAGE, default: int = 50) -> int:
    if first is None:
        return default
    if first < 0 or first > limit:
        raise Invalid(f"first must be between 0 and {limit}, not {first}")
    return first
