"""Dot paths into metadata documents, read the way people read nested metadata: at every
step an array stands for each of its elements (``tiles.channel.laser_power`` reaches the
laser power of every channel of every tile). SQL predicates in ``catalog.db.dialects`` follow
the same reading; ``values_at`` is its plain-Python statement."""

from __future__ import annotations

import re
from typing import Any

from catalog.errors import Invalid
from catalog.limits import MAX_PATH_SEGMENTS

SEGMENT = re.compile(r"^[A-Za-z0-9_\-@#$]+$")


def parse_path(path: str) -> list[str]:
    """``a.b.c`` → its keys; ``[*]`` and ``[n]`` markers are accepted and mean the same as nothing."""
    cleaned = re.sub(r"\[(\*|\d+)\]", "", path.strip())
    segments = cleaned.split(".") if cleaned else []
    if segments and segments[0] == "$":
        segments = segments[1:]
    if not segments or len(segments) > MAX_PATH_SEGMENTS or not all(SEGMENT.match(s) for s in segments):
        raise Invalid(f"metadata path {path!r}: use dot-separated keys such as 'tiles.channel.laser_power'")
    return segments


def values_at(document: Any, segments: list[str]) -> list[Any]:
    """Every value the path reaches, arrays flattened at each step (and at the end)."""
    current = [document]
    for segment in segments:
        current = [item[segment] for item in _flatten(current) if isinstance(item, dict) and segment in item]
    return list(_flatten(current))


def _flatten(values: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for value in values:
        if isinstance(value, list):
            flat += _flatten(value)
        else:
            flat.append(value)
    return flat
