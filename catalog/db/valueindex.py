"""The embedded default's index of metadata values: every distinct value each path reaches in each
current document, one row of ``metadata_values`` keyed by (path, space, value, asset), so that
path predicates, element matches and facets on SQLite read a B-tree instead of parsing every
document per query (a light-sheet acquisition holds hundreds of tiles). PostgreSQL reads its
JSONB in C and keeps no such table (``Dialect.indexes_values``).

A value is kept as predicates read it (``catalog.db.jsonvalues``), once per reading, in a
*space*: a JSON number; the number a string writes; the UTC instant a string means; every string
as itself; true, false, an object. Nulls are left out (no predicate but ``EQ null`` and ``TYPE
null`` selects one, and those read the documents). Paths are interned in ``metadata_paths`` (document,
path with array indexes left out), so a row carries a small integer instead of the path.

For element matches a row also says where the path first crosses an array (``crossed``: how
many of its keys lead to that array) and at which of its elements the value occurs (a bitmask,
in hex, of their positions, nested arrays flattened as paths read them).

The rows are the application's alone: written with each registration and new version, and
rebuilt whole (``rebuild``) when ``INDEX_VERSION`` differs from the one the database file
records (``PRAGMA user_version``), as after the migration that creates the tables."""

from __future__ import annotations

import math
from enum import IntEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, text, tuple_
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from catalog.conventions.paths import SEGMENT
from catalog.db.dialects import dialect_for
from catalog.db.jsonvalues import instant_key, read_number
from catalog.db.models import IndexedPath, IndexedValue, MetadataContent, MetadataDocument
from catalog.limits import MAX_PATH_SEGMENTS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

INDEX_VERSION = 1
"""The reading the rows follow: raise it when the walk below changes, and the next upgrade
rebuilds the index."""
BATCH = 4000
"""Rows per INSERT (SQLite binds at most 32,766 parameters in one statement)."""
DOCUMENT_BATCH = 500
"""Documents read at a time by ``rebuild``."""
INSERT = "INSERT INTO metadata_values (path_id, space, value, asset_id, crossed, elements) VALUES (?, ?, ?, ?, ?, ?)"
DELETE = "DELETE FROM metadata_values WHERE path_id = ? AND space = ? AND value = ? AND asset_id = ?"
MAX_INTEGER = 2**63
"""SQLite's integers are 64-bit: a whole number beyond is kept as a double."""


class Space(IntEnum):
    """How a row's value reads: each reading of a JSON value is one row."""

    NUMBER = 1
    """A JSON number."""
    NUMERIC = 2
    """The number a string writes (``"2.8"``)."""
    INSTANT = 3
    """The UTC instant key of an ISO date or date-time string (``jsonvalues.instant_key``)."""
    TEXT = 4
    """A string writing no number, as itself."""
    NUMERAL = 5
    """A string writing a number, as itself (its number is a ``NUMERIC`` row)."""
    TRUE = 6
    FALSE = 7
    OBJECT = 8


NUMBERS = (Space.NUMBER, Space.NUMERIC)
STRINGS = (Space.TEXT, Space.NUMERAL)
SCALARS = (*NUMBERS, Space.TEXT, Space.TRUE, Space.FALSE)
"""The spaces a facet counts: each scalar once, a string writing a number as that number (as
facets and predicates read it)."""
NO_VALUE = 0
"""The value of a row whose space says everything (true, false, an object)."""

TRUE_READING = ((Space.TRUE, NO_VALUE),)
FALSE_READING = ((Space.FALSE, NO_VALUE),)
OBJECT_READING = ((Space.OBJECT, NO_VALUE),)
Key = tuple[str, Space, Any]
"""(path, space, value): one row of one document."""


class Occurrence:
    """Where a row's value occurs: the array its path first crosses and the positions in it."""

    __slots__ = ("crossed", "positions")

    def __init__(self, crossed: int | None) -> None:
        self.crossed = crossed
        self.positions = 0

    @property
    def elements(self) -> str | None:
        return None if self.crossed is None else format(self.positions, "x")


def indexed_values(document: Any) -> dict[Key, Occurrence]:
    """Every distinct (path, space, value) of a document a predicate can read: each path of keys
    a request may name (``parse_path``'s, up to its length), arrays crossed at every step and
    nested ones flattened (as ``catalog.conventions.paths.values_at`` reads them)."""
    found: dict[Key, Occurrence] = {}
    if isinstance(document, dict):
        _walk(document, "", 1, None, 0, found)
    return found


def _walk(
    node: dict[str, Any],
    prefix: str,
    depth: int,
    crossed: int | None,
    position: int,
    found: dict[Key, Occurrence],
) -> None:
    # The hot loop of every registration on SQLite: written for speed (types tested by identity).
    for key, value in node.items():
        if not _nameable(key):
            continue  # a path no request can name
        path = prefix + key
        if type(value) is not list:
            _add(path, value, depth, crossed, position, found)
        elif crossed is None:  # the first array on this path: its elements are numbered
            for index, item in enumerate(_flattened(value)):
                _add(path, item, depth, depth, index, found)
        else:
            for item in _flattened(value):
                _add(path, item, depth, crossed, position, found)


def _add(
    path: str, value: Any, depth: int, crossed: int | None, position: int, found: dict[Key, Occurrence]
) -> None:
    kind = type(value)
    readings = _string_readings(value) if kind is str else _readings(value)
    for space, read in readings:
        occurrence = found.get((path, space, read))
        if occurrence is None:
            occurrence = found[(path, space, read)] = Occurrence(crossed)
        if crossed is not None:
            occurrence.positions |= 1 << position
    if kind is dict and depth < MAX_PATH_SEGMENTS:
        _walk(value, path + ".", depth + 1, crossed, position, found)


@lru_cache(maxsize=65536)
def _nameable(key: str) -> bool:
    return SEGMENT.match(key) is not None


def _flattened(values: list[Any]) -> Iterable[Any]:
    for value in values:
        if type(value) is list:
            yield from _flattened(value)
        else:
            yield value


def _readings(value: Any) -> tuple[tuple[Space, Any], ...]:
    """The readings of any value but a string (``_string_readings``)."""
    if value is None:
        return ()  # a tenth of all values: ``EQ null`` reads the documents instead
    if value is True:
        return TRUE_READING
    if value is False:
        return FALSE_READING
    if isinstance(value, dict):
        return OBJECT_READING
    number = _number(value)
    return (
        () if number != number else ((Space.NUMBER, number),)
    )  # NaN (Python's JSON reader takes it) equals nothing


@lru_cache(maxsize=65536)
def _string_readings(value: str) -> tuple[tuple[Space, Any], ...]:
    number = read_number(value)
    readings: list[tuple[Space, Any]] = [(Space.TEXT if number is None else Space.NUMERAL, value)]
    if number is not None:
        readings.append((Space.NUMERIC, number))
    if (instant := instant_key(value)) is not None:
        readings.append((Space.INSTANT, instant))
    return tuple(readings)


def _number(value: float) -> float:
    """A JSON number as SQLite holds it: a whole number within 64 bits as itself, any other as
    a double (infinite beyond one, as the engines read it)."""
    if isinstance(value, int) and -MAX_INTEGER <= value < MAX_INTEGER:
        return value
    try:
        return float(value)
    except OverflowError:
        return math.copysign(math.inf, value)


UNION = ","
"""Between the positions of rows of one condition (any of them)."""
MEET = ";"
"""Between the conditions of one element match (all of them)."""


def element_meet(conditions: str | None) -> int:
    """SQLite function ``element_meet``: 1 when some position is named by every condition, the
    conditions separated by ``MEET``, each the hex positions of its rows separated by ``UNION``."""
    if not conditions:
        return 0
    common = -1
    for condition in conditions.split(MEET):
        common &= _union(condition)
        if not common:
            return 0
    return 1


def _union(positions: str) -> int:
    found = 0
    for hexadecimal in positions.split(UNION):
        found |= int(hexadecimal, 16)
    return found


def kept(session: AsyncSession) -> bool:
    """Whether the session's database keeps the index (``Dialect.indexes_values``)."""
    return dialect_for(session.get_bind().dialect.name).indexes_values


async def add(session: AsyncSession, documents: Sequence[tuple[int, str, Mapping[Key, Occurrence]]]) -> None:
    """The rows of current documents, each given as (asset id, document name, its
    ``indexed_values``), in a database that keeps the index (``kept``)."""
    ids = await _path_ids(session, {(name, key[0]) for _, name, values in documents for key in values})
    rows = [
        (ids[(name, path)], space, value, asset_id, where.crossed, where.elements)
        for asset_id, name, values in documents
        for (path, space, value), where in values.items()
    ]
    # Straight to the driver's executemany: a million rows pass no per-row ORM or Core work.
    connection = await session.connection()
    for start in range(0, len(rows), BATCH):
        await connection.exec_driver_sql(INSERT, rows[start : start + BATCH])


async def remove(
    session: AsyncSession, documents: Sequence[tuple[int, str, Mapping[Key, Occurrence]]]
) -> None:
    """The rows of documents no longer current, each given as (asset id, document name, its
    ``indexed_values``): deleted by key, so the table needs no second index by asset (which
    would slow every registration)."""
    ids = await _path_ids(session, {(name, key[0]) for _, name, values in documents for key in values})
    keys = [
        (ids[(name, path)], space, value, asset_id)
        for asset_id, name, values in documents
        for path, space, value in values
    ]
    connection = await session.connection()
    for start in range(0, len(keys), BATCH):
        await connection.exec_driver_sql(DELETE, keys[start : start + BATCH])


async def _path_ids(session: AsyncSession, paths: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The id of each (document, path), interned first where new."""
    if not paths:
        return {}
    wanted = sorted(paths)
    for start in range(0, len(wanted), BATCH):
        rows = [{"document": d, "path": p} for d, p in wanted[start : start + BATCH]]
        await session.execute(sqlite_insert(IndexedPath).on_conflict_do_nothing(), rows)
    ids: dict[tuple[str, str], int] = {}
    for start in range(0, len(wanted), BATCH // 2):
        chunk = wanted[start : start + BATCH // 2]
        query = select(IndexedPath.document, IndexedPath.path, IndexedPath.id).where(
            tuple_(IndexedPath.document, IndexedPath.path).in_(chunk)
        )
        ids.update({(d, p): i for d, p, i in await session.execute(query)})
    return ids


async def rebuild(session: AsyncSession) -> int:
    """Every row again, from the current documents; how many documents were read."""
    await session.execute(delete(IndexedValue))
    read, after = 0, 0
    while True:
        batch = (
            await session.execute(
                select(
                    MetadataDocument.id,
                    MetadataDocument.asset_id,
                    MetadataDocument.document,
                    MetadataContent.content,
                )
                .join(MetadataContent, MetadataContent.id == MetadataDocument.content_id)
                .where(MetadataDocument.is_current.is_(True), MetadataDocument.id > after)
                .order_by(MetadataDocument.id)
                .limit(DOCUMENT_BATCH)
            )
        ).all()
        if not batch:
            return read
        await add(
            session, [(asset_id, name, indexed_values(content)) for _, asset_id, name, content in batch]
        )
        read += len(batch)
        after = batch[-1][0]


async def stale(session: AsyncSession) -> bool:
    """Whether the tables exist (the schema is at revision 0008 or later) and their rows follow
    another reading than this code's (``INDEX_VERSION``; the revision creating them records 0)."""
    tables = text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'metadata_values'")
    if not await session.scalar(tables):
        return False
    recorded: int = await session.scalar(text("PRAGMA user_version"))
    return recorded != INDEX_VERSION


async def mark_current(session: AsyncSession) -> None:
    await session.execute(text(f"PRAGMA user_version = {INDEX_VERSION}"))
