"""Small functions over parsed JSON values that every part of the reading needs. A warning names the JSON
type of an odd value and quotes it briefly; names and labels are compared stripped and without repeats.
Kept apart so that the documents, the reader and each field family can share them without importing one
another."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def unique(values: Iterable[str]) -> list[str]:
    """Values in first-seen order without repeats."""
    return list(dict.fromkeys(values))


def clean(value: object) -> str | None:
    """A stripped non-empty string, or None for anything else."""
    return (value.strip() or None) if isinstance(value, str) else None


def kind(value: object) -> str:
    """The JSON type of a value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def quote(value: object, limit: int = 60) -> str:
    """A short repr for a warning: records hold multi-kilobyte values."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."
