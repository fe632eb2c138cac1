"""File path globs, compiled to one regular expression that both databases run the same way.

``*`` matches a run of characters within a folder or file name, ``?`` one such character,
``[abc]``, ``[a-z]`` and ``[!abc]`` one character of a set, and ``**`` as a whole segment any
number of folders (``a/**/b`` finds ``a/b`` and ``a/x/y/b``; a trailing ``/**`` everything
beneath). As in ``.gitignore``, a pattern without ``/`` matches a file's name in any folder
(``*.nwb`` finds ``ecephys/a.nwb``), a pattern with one matches the whole path (a leading
``/`` only anchors it), and a trailing ``/`` means everything beneath that folder.

The regex is run by PostgreSQL (ARE) and by SQLite through Python's ``re``, a backtracking
engine: written naively, ``*a*a*a*b`` takes minutes on a long name full of ``a``. So every
wildcard but the last of a segment (or of the path, for ``**``) skips ahead to the *first*
place where the rest can start, a lookahead that leaves the engine a single way to match.
Only syntax both engines read alike is used: ``(?s)``, ``\\A``/``\\Z`` (Python's ``$`` also
matches before a final newline), lookaheads, and a backslash only before punctuation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalog.errors import Invalid
from catalog.limits import MAX_GLOB_CHARS

_ANY_FOLDERS = "**"
_SPECIAL = frozenset(".^$*+?()[]{}|\\")
"""Characters special somewhere in either dialect; escaping them with ``\\`` is read alike by both."""


def glob_to_regex(pattern: str) -> str:
    """An anchored regex matching the relative file paths that ``pattern`` names."""
    if not pattern or len(pattern) > MAX_GLOB_CHARS or "\0" in pattern:
        raise Invalid(f"a path glob must have 1 to {MAX_GLOB_CHARS} characters and no NUL")
    regex = rf"(?s)\A{_path(_segments(pattern))}\Z"
    try:
        re.compile(regex)
    except re.error as error:  # a reversed range such as [z-a]
        raise Invalid(f"invalid path glob {pattern!r}: {error.msg}") from None
    return regex


@dataclass(frozen=True, slots=True)
class PathGlob:
    """A glob compiled once: the regex every matching path matches, and the literal start every
    matching path has (``""`` when it may be in any folder), which an index finds as a range."""

    regex: str
    prefix: str


def compile_glob(pattern: str) -> PathGlob:
    return PathGlob(glob_to_regex(pattern), glob_prefix(pattern))


def glob_prefix(pattern: str) -> str:
    """The characters before the first wildcard of a pattern anchored at the folder's top (one
    with a ``/``): every path the pattern matches starts with them."""
    if "/" not in pattern:
        return ""
    literal = re.match(r"[^*?\[]*", pattern.removeprefix("/"))
    return literal.group() if literal else ""


def _segments(pattern: str) -> list[str]:
    """The pattern's segments, with the implied leading or trailing ``**`` made explicit."""
    glob = pattern
    if "/" not in glob:
        glob = f"{_ANY_FOLDERS}/{glob}"
    elif glob.endswith("/"):
        glob += _ANY_FOLDERS
    segments = glob.removeprefix("/").split("/")
    if any(not segment or ("**" in segment and segment != _ANY_FOLDERS) for segment in segments):
        raise Invalid(
            f"invalid path glob {pattern!r}: ** only as a whole segment (a/**/b), no empty segments"
        )
    return segments


def _path(segments: list[str]) -> str:
    """Runs of plain segments between ``**``: each run but the last at its first fit."""
    first, *runs = _runs(segments)
    if not runs:
        return _run(first)
    *middle, last = runs
    head = f"{_run(first)}/" if first else ""
    scans = "".join(rf"(?:(?!{_run(run)}/)[^/]*/)*{_run(run)}/" for run in middle)
    tail = rf"(?:[^/]*/)*{_run(last)}" if last else ".+"
    return head + scans + tail


def _runs(segments: list[str]) -> list[list[str]]:
    """Segments split at each ``**``; repeated ones fold, so only the first and last may be empty."""
    runs: list[list[str]] = [[]]
    for segment in segments:
        if segment != _ANY_FOLDERS:
            runs[-1].append(segment)
        elif runs[-1] or len(runs) == 1:
            runs.append([])
    return runs


def _run(segments: list[str]) -> str:
    return "/".join(_segment(segment) for segment in segments)


def _segment(segment: str) -> str:
    """One name's glob: the pieces between stars, each but the last at its first fit."""
    first, *pieces = _pieces(segment)
    if not pieces:
        return first
    *middle, last = pieces
    scans = "".join(rf"(?:(?!{piece})[^/])*{piece}" for piece in middle)
    return f"{first}{scans}[^/]*{last}"


def _pieces(segment: str) -> list[str]:
    """Regexes of the star-free pieces of a name: literals, ``?`` and sets (where ``*`` is a member)."""
    pieces, i = [""], 0
    while i < len(segment):
        bracket = _bracket(segment, i) if segment[i] == "[" else None
        if bracket:
            regex, i = bracket
            pieces[-1] += regex
            continue
        if segment[i] == "*":
            pieces.append("")
        else:
            pieces[-1] += "[^/]" if segment[i] == "?" else _escape(segment[i])
        i += 1
    return pieces


def _bracket(segment: str, start: int) -> tuple[str, int] | None:
    """``[...]`` at ``start`` as a regex set and the index after it; None when unclosed (a literal ``[``).

    A ``]`` first in the set is a member; ``!`` or ``^`` first negates it (never matching ``/``)."""
    negated = segment.startswith(("[!", "[^"), start)
    first = start + (2 if negated else 1)
    end = segment.find("]", first + 1)
    if first >= len(segment) or end < 0:
        return None
    members = segment[first:end]
    body, i = [], 0
    while i < len(members):
        if i + 2 < len(members) and members[i + 1] == "-":
            body.append(f"{_member(members[i])}-{_member(members[i + 2])}")
            i += 3
        else:
            body.append(_member(members[i]))
            i += 1
    return (f"[^/{''.join(body)}]" if negated else f"[{''.join(body)}]"), end + 1


def _member(char: str) -> str:
    """Inside a set every punctuation character is escaped: ``-``, ``]``, ``^``, ``[`` and ``\\`` need
    it, and Python warns of future set operations on ``&&``, ``~~``, ``||``."""
    return char if char.isalnum() else f"\\{char}"


def _escape(char: str) -> str:
    return f"\\{char}" if char in _SPECIAL else char
