"""Metadata documents, whole and versioned: one row per version of each document of an asset,
exactly one of them current (what every query reads) unless the document was removed. A version
names its content (``catalog.repo.contents``: each distinct one stored once); the version saying its
document was removed names none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, true, update

from catalog import access
from catalog.db.models import MetadataContent, MetadataDocument
from catalog.repo import contents

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from sqlalchemy import Join
    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.db.dialects import Dialect
    from catalog.db.dialects.base import ConditionSpec
    from catalog.db.types import JSONText


_NAMED_CONTENT = MetadataContent.id == MetadataDocument.content_id
CURRENT_WITH_CONTENTS = MetadataDocument.__table__.join(MetadataContent.__table__, _NAMED_CONTENT)
"""Documents beside their contents, for current versions (each names one)."""
VERSIONS_WITH_CONTENTS = MetadataDocument.__table__.outerjoin(MetadataContent.__table__, _NAMED_CONTENT)
"""Every version beside its content; a removal names none (content NULL)."""


def with_contents(table: Any = MetadataDocument.__table__, name: str = "content") -> tuple[Join, Any]:
    """Documents (``table``, or an alias of it) joined to their contents, and the content column:
    for reading a content beside its document's columns, where a predicate on it alone is no
    filter (see ``catalog.repo.filters`` for one evaluated once per distinct content)."""
    content = MetadataContent.__table__.alias(name)
    return table.join(content, content.c.id == table.c.content_id), content.c.content


async def add_first_versions(
    session: AsyncSession,
    items: Sequence[tuple[int, Mapping[str, JSONText], Mapping[str, str]]],
    now: datetime,
) -> None:
    """Version 1 of each document of each (asset id, documents as canonical JSON, schema versions)."""
    found = [
        (asset_id, document, versions.get(document), content)
        for asset_id, documents, versions in items
        for document, content in documents.items()
    ]
    content_ids = await contents.ids(session, [content for *_, content in found])
    rows = [
        {
            "asset_id": asset_id,
            "document": document,
            "version": 1,
            "is_current": True,
            "schema_version": schema_version,
            "content_id": content_id,
            "recorded_at": now,
            "author": access.current().name,
            "reason": None,
        }
        for (asset_id, document, schema_version, _), content_id in zip(found, content_ids, strict=True)
    ]
    if rows:
        await session.execute(insert(MetadataDocument).execution_options(render_nulls=True), rows)


@dataclass(frozen=True, slots=True)
class Version:
    """One recorded version of a document; a removed document's last version says so (``removed``,
    no content) and is never current. ``content`` is read only when asked for."""

    id: int
    document: str
    version: int
    is_current: bool
    schema_version: str | None
    recorded_at: datetime
    author: str | None
    """Who wrote it: the token's name, ``operator`` from the command line; None before authors were kept."""
    reason: str | None
    """Why, for a correction."""
    removed: bool
    content: Any = None


@dataclass(frozen=True, slots=True)
class NewVersion:
    asset_id: int
    document: str
    version: int
    is_current: bool
    schema_version: str | None
    content: JSONText | None  # canonical JSON; None for a removal
    reason: str | None = None


async def history(session: AsyncSession, asset_ids: Sequence[int]) -> dict[int, list[Version]]:
    """asset id → every version of every document with its content, oldest first."""
    if not asset_ids:
        return {}
    table = MetadataDocument.__table__.c
    rows = await session.execute(
        select(table.asset_id, *_version_columns(), MetadataContent.content)
        .select_from(VERSIONS_WITH_CONTENTS)
        .where(table.asset_id.in_(asset_ids))
        .order_by(table.asset_id, table.recorded_at, table.document, table.version)
    )
    found: dict[int, list[Version]] = {}
    for asset_id, *fields, content in rows:
        found.setdefault(asset_id, []).append(Version(*(*fields, content is None, content)))
    return found


def _version_columns() -> tuple[Any, ...]:
    """The columns of a ``Version`` before ``removed``, in its order."""
    table = MetadataDocument.__table__.c
    return (
        table.id,
        table.document,
        table.version,
        table.is_current,
        table.schema_version,
        table.recorded_at,
        table.author,
        table.reason,
    )


async def versions_of(
    session: AsyncSession, keys: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], list[Version]]:
    """(asset id, document) → its versions without content, oldest first (one statement)."""
    table = MetadataDocument.__table__.c
    rows = await session.execute(
        select(
            table.asset_id,
            *_version_columns(),
            (table.content_id.is_(None)).label("removed"),
        )
        .where(table.asset_id.in_({a for a, _ in keys}), table.document.in_({d for _, d in keys}))
        .order_by(table.asset_id, table.document, table.version)
    )
    found: dict[tuple[int, str], list[Version]] = {}
    for asset_id, *fields in rows:
        version = Version(*fields)
        found.setdefault((asset_id, version.document), []).append(version)
    return found


async def contents_of_versions(
    session: AsyncSession, keys: Sequence[tuple[int, str, int]]
) -> dict[tuple[int, str, int], Any]:
    """(asset id, document, version) → that version's content (None for a removal)."""
    table = MetadataDocument.__table__.c
    rows = await session.execute(
        select(table.asset_id, table.document, table.version, MetadataContent.content)
        .select_from(VERSIONS_WITH_CONTENTS)
        .where(
            table.asset_id.in_({a for a, _, _ in keys}),
            table.document.in_({d for _, d, _ in keys}),
            table.version.in_({v for _, _, v in keys}),
        )
    )
    return {(asset_id, document, version): content for asset_id, document, version, content in rows}


async def contents_by_id(session: AsyncSession, version_ids: Sequence[int]) -> list[tuple[int, str, Any]]:
    """(asset id, document, content) of each version."""
    if not version_ids:
        return []
    table = MetadataDocument.__table__.c
    query = (
        select(table.asset_id, table.document, MetadataContent.content)
        .select_from(VERSIONS_WITH_CONTENTS)
        .where(table.id.in_(version_ids))
    )
    return [(asset_id, document, content) for asset_id, document, content in await session.execute(query)]


async def supersede(session: AsyncSession, version_ids: Sequence[int]) -> None:
    """Versions no longer current: a newer one replaced them, or their document was removed."""
    if version_ids:
        await session.execute(
            update(MetadataDocument).where(MetadataDocument.id.in_(version_ids)).values(is_current=False)
        )


async def add_versions(session: AsyncSession, versions: Sequence[NewVersion], now: datetime) -> None:
    """New versions, numbered by the caller; the unique (asset, document, version) refuses a number
    a concurrent writer took first."""
    if not versions:
        return
    given = [v.content for v in versions if v.content is not None]
    content_ids = iter(await contents.ids(session, given))
    await session.execute(
        insert(MetadataDocument).execution_options(render_nulls=True),
        [
            {
                "asset_id": v.asset_id,
                "document": v.document,
                "version": v.version,
                "is_current": v.is_current,
                "schema_version": v.schema_version,
                "content_id": None if v.content is None else next(content_ids),
                "recorded_at": now,
                "author": access.current().name,
                "reason": v.reason,
            }
            for v in versions
        ],
    )


async def current(
    session: AsyncSession, asset_ids: Sequence[int], documents: Sequence[str] | None = None
) -> dict[int, dict[str, Any]]:
    """asset id → document name → content, of the current versions (optionally only some documents)."""
    query = (
        select(MetadataDocument.asset_id, MetadataDocument.document, MetadataContent.content)
        .select_from(CURRENT_WITH_CONTENTS)
        .where(MetadataDocument.asset_id.in_(asset_ids), MetadataDocument.is_current.is_(True))
    )
    if documents is not None:
        query = query.where(MetadataDocument.document.in_(documents))
    rows = await session.execute(query)
    found: dict[int, dict[str, Any]] = {}
    for asset_id, document, content in rows:
        found.setdefault(asset_id, {})[document] = content
    return found


async def matching_elements(
    session: AsyncSession,
    dialect: Dialect,
    asset_ids: Sequence[int],
    document: str,
    path: str,
    conditions: Sequence[ConditionSpec],
    version: int | None = None,
) -> dict[int, list[Any]]:
    """asset id → the elements of its current document (or of one version of it) that ``path``
    reaches and that satisfy every condition, in document order (one statement for many assets)."""
    table = MetadataDocument.__table__
    joined, content = with_contents()
    found = dialect.matching_elements(content, path, conditions)
    which = table.c.is_current.is_(True) if version is None else table.c.version == version
    query = (
        select(table.c.asset_id, found.value)
        .select_from(joined)
        .join(found.source, true())
        .where(table.c.asset_id.in_(asset_ids), table.c.document == document, which)
        .where(found.condition)
        .order_by(table.c.asset_id, found.position if found.position is not None else true())
    )
    elements: dict[int, list[Any]] = {}
    for asset_id, value in await session.execute(query):
        elements.setdefault(asset_id, []).append(dialect.element_value(value))
    return elements
