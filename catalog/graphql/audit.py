"""``auditLog``: every write, newest first, for admins."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from catalog.errors import Forbidden, Invalid
from catalog.graphql.context import Info
from catalog.graphql.pagination import page_size
from catalog.repo import audit
from catalog.schemas.audit import AuditFilter
from catalog.schemas.zones import UTC_ZONE


@strawberry.type(name="AuditEvent", description="One write: who, what, when and from where.")
class AuditEventInfo:
    cursor: str = strawberry.field(description="Pass as after to read the events before this one.")
    at: datetime
    actor: str = strawberry.field(description="The token's name; operator from the command line.")
    action: str = strawberry.field(
        description=(
            "register, metadata, location.add, location.remove, access, token.create, token.revoke, "
            "upload.open, upload.complete, upload.abort or draft.seal."
        )
    )
    target: str
    detail: JSON = strawberry.field(description="What was written: documents and versions, a rule, a role.")
    origin: str = strawberry.field(description="The client's address, or command line.")


@strawberry.type(description="A page of audit events, newest first.")
class AuditPage:
    events: list[AuditEventInfo]
    has_next_page: bool


async def resolve_audit_log(
    info: Info, filter: AuditFilter | None = None, first: int | None = None, after: str | None = None
) -> AuditPage:
    if not info.context.viewer.sees_everything:
        raise Forbidden("the audit log is for admins")
    if after is not None and not after.isdigit():
        raise Invalid(f"after {after!r}: pass the cursor of an event")
    spec = filter or AuditFilter()
    since = spec.since
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC_ZONE)
    size = page_size(first)
    async with info.context.db.reader() as session:
        found = await audit.page(
            session,
            actor=spec.actor,
            action=spec.action,
            target=spec.target,
            since=since,
            before_id=int(after) if after is not None else None,
            first=size + 1,
        )
    events = [
        AuditEventInfo(
            cursor=str(e.id),
            at=e.at,
            actor=e.actor,
            action=e.action,
            target=e.target,
            detail=e.detail,
            origin=e.origin,
        )
        for e in found[:size]
    ]
    return AuditPage(events=events, has_next_page=len(found) > size)
