"""Which audit events to read."""

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.input(description="Audit events matching every field given.")
class AuditFilter:
    actor: str | None = strawberry.field(default=None, description="A token's name, operator or anonymous.")
    action: str | None = strawberry.field(
        default=None,
        description="register, metadata, location.add, location.remove, access, token.create or token.revoke.",
    )
    target: str | None = strawberry.field(
        default=None, description="An asset's name, project:NAME or asset:NAME (access), a token's name."
    )
    since: datetime | None = strawberry.field(default=None, description="Events at or after this time.")
