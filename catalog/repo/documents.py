"""Metadata documents, whole and versioned."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, true

from catalog.db.models import MetadataDocument

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.db.dialects import Dialect


async def add_first_versions(
    session: AsyncSession,
    items: Sequence[tuple[int, Mapping[str, Any], Mapping[str, str]]],
    now: datetime,
) -> None:
    """Version 1 of each document of each (asset id, documents, schema versions)."""
    rows = [
        {
            "asset_id": asset_id,
            "document": document,
            "version": 1,
            "is_current": True,
            "schema_version": versions.get(document),
            "content": content,
            "recorded_at": now,
        }
        for asset_id, documents, versions in items
        for document, content in documents.items()
    ]
    if rows:
        await session.execute(insert(MetadataDocument).execution_options(render_nulls=True), rows)


async def current(
    session: AsyncSession, asset_ids: Sequence[int], documents: Sequence[str] | None = None
) -> dict[int, dict[str, Any]]:
    """asset id → document name → content, of the current versions (optionally only some documents)."""
    query = select(MetadataDocument.asset_id, MetadataDocument.document, MetadataDocument.content).where(
        MetadataDocument.asset_id.in_(asset_ids), MetadataDocument.is_current.is_(True)
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
    conditions: Sequence[tuple[str, str, Any]],
) -> dict[int, list[Any]]:
    """asset id → the elements of its current document that ``path`` reaches and that satisfy
    every condition, in document order (one statement for many assets)."""
    table = MetadataDocument.__table__
    found = dialect.matching_elements(table.c.content, path, conditions)
    query = (
        select(table.c.asset_id, found.value)
        .select_from(table)
        .join(found.source, true())
        .where(table.c.asset_id.in_(asset_ids), table.c.document == document, table.c.is_current.is_(True))
        .where(found.condition)
        .order_by(table.c.asset_id, found.position if found.position is not None else true())
    )
    elements: dict[int, list[Any]] = {}
    for asset_id, value in await session.execute(query):
        elements.setdefault(asset_id, []).append(dialect.element_value(value))
    return elements
