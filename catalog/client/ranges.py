"""Which bytes of a download's ``.part`` file are in place: the byte ranges received so far, kept
in a small sidecar file next to it (``<name>.part.ranges``) so that a run after an interruption
asks only for the rest.

A ``.part`` without a sidecar was written from its start, one stream (by a run that did not fetch
in ranges): its size is what it holds. A sidecar is written before its ``.part`` grows to the
file's full size, and names the file's size and sha256, so a sidecar of another version of the
file, or one without its ``.part``, is never believed."""

from __future__ import annotations

import bisect
import json
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def sidecar(part: Path) -> Path:
    """Where the ranges of ``part`` are recorded."""
    return part.with_name(part.name + ".ranges")


@dataclass(slots=True)
class Received:
    """The byte ranges of a ``size``-byte file in place, merged and sorted (end exclusive)."""

    size: int
    sha256: str | None
    spans: list[tuple[int, int]] = field(default_factory=list)

    def add(self, start: int, end: int) -> None:
        """Bytes ``start..end`` (end exclusive) are in place."""
        if start >= end:
            return
        at = bisect.bisect_left(self.spans, (start, end))
        if at and self.spans[at - 1][1] >= start:  # touches the span before
            at -= 1
            start = self.spans[at][0]
        last = at
        while last < len(self.spans) and self.spans[last][0] <= end:
            end = max(end, self.spans[last][1])
            last += 1
        self.spans[at:last] = [(start, end)]

    def prefix(self) -> int:
        """Bytes in place from the file's start, without a gap."""
        return self.spans[0][1] if self.spans and self.spans[0][0] == 0 else 0

    def through(self, start: int) -> int:
        """Where the bytes in place from ``start`` on end (``start`` itself if it is missing)."""
        at = bisect.bisect_right(self.spans, (start, self.size + 1)) - 1
        return max(start, self.spans[at][1]) if at >= 0 and self.spans[at][1] >= start else start

    def held(self) -> int:
        """Bytes in place."""
        return sum(end - start for start, end in self.spans)

    def missing(self, piece: int) -> list[tuple[int, int]]:
        """The bytes still to fetch, as ranges of at most ``piece`` bytes in the file's order."""
        pieces, position = [], 0
        for start, end in [*self.spans, (self.size, self.size)]:
            pieces += [(at, min(at + piece, start)) for at in range(position, start, piece)]
            position = max(position, end)
        return pieces

    def save(self, part: Path) -> None:
        """Record the ranges next to ``part`` (replacing the record at once, never half written)."""
        record = {"size": self.size, "sha256": self.sha256, "spans": self.spans}
        kept, fresh = sidecar(part), part.with_name(part.name + ".ranges.new")
        fresh.write_text(json.dumps(record))
        os.replace(fresh, kept)

    @classmethod
    def of(cls, part: Path, size: int, sha256: str | None) -> Received:
        """What ``part`` holds of the file: its recorded ranges, all of a ``.part`` written from
        its start, or nothing (a record of other bytes, or a ``.part`` longer than the file)."""
        try:
            held = part.stat().st_size
        except FileNotFoundError:
            return cls(size, sha256)
        try:
            record = json.loads(sidecar(part).read_text())
        except FileNotFoundError:
            return cls(size, sha256, [(0, held)] if 0 < held <= size else [])
        except ValueError:  # a sidecar cut short: believe nothing
            return cls(size, sha256)
        if record.get("size") != size or record.get("sha256") != sha256 or held != size:
            return cls(size, sha256)
        received = cls(size, sha256)
        for start, end in record.get("spans", []):
            received.add(max(0, int(start)), min(size, int(end)))
        return received

    def copy(self) -> Received:
        """The ranges as they are now (to record in a thread while more arrive)."""
        return Received(self.size, self.sha256, list(self.spans))
