"""The audit log: one event per write, recorded in the write's own transaction (so it exists
exactly when the write does), read by admins newest first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from catalog import access
from catalog.db.models import AuditEvent

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession


async def record(session: AsyncSession, action: str, events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """``action`` on each (target, detail), by the current viewer from the current origin."""
    if not events:
        return
    who, where, at = access.current().name, access.origin(), datetime.now(UTC)
    rows = [
        {"at": at, "actor": who, "action": action, "target": target, "detail": detail, "origin": where}
        for target, detail in events
    ]
    await session.execute(insert(AuditEvent), rows)


async def page(
    session: AsyncSession,
    *,
    actor: str | None,
    action: str | None,
    target: str | None,
    since: datetime | None,
    before_id: int | None,
    first: int,
) -> list[AuditEvent]:
    """Events matching every given field, newest first, ``first`` of them older than ``before_id``."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(first)
    for column, value in (
        (AuditEvent.actor, actor),
        (AuditEvent.action, action),
        (AuditEvent.target, target),
    ):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(await session.scalars(query))
