"""Tokens of people and services: created with a role and groups (the secret shown once, only
its digest kept), listed, revoked, and resolved to the viewer a request acts as."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from catalog.access import Role, Viewer, checked_name
from catalog.errors import Invalid, NotFound, Unauthenticated
from catalog.repo import audit, tokens

if TYPE_CHECKING:
    from collections.abc import Sequence

    from catalog.db.engine import Database
    from catalog.db.models import Token

PREFIX = "cat_"
"""Every secret starts so: a leaked one is recognisable (secret scanners look for prefixes)."""


def digest(secret: str) -> str:
    """What is stored of a secret: its SHA-256 (secrets are random, so no salt or stretching is
    needed to keep them from being guessed back)."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def create(db: Database, name: str, role: str, groups: Sequence[str] = ()) -> str:
    """A new token; its secret, which is never shown again."""
    try:
        chosen = Role(role)
    except ValueError:
        raise Invalid(f"role {role!r}: one of {', '.join(r.value for r in Role)}") from None
    checked = [checked_name("group", group) for group in groups]
    secret = PREFIX + secrets.token_urlsafe(32)
    async with db.transaction() as session:
        await tokens.add(
            session, checked_name("token", name), chosen.value, checked, digest(secret), datetime.now(UTC)
        )
        await audit.record(
            session, "token.create", [(name, {"role": chosen.value, "groups": sorted(set(checked))})]
        )
    return secret


async def listing(db: Database) -> list[Token]:
    async with db.reader() as session:
        return await tokens.listing(session)


async def revoke(db: Database, name: str) -> None:
    async with db.transaction() as session:
        if not await tokens.revoke(session, name, datetime.now(UTC)):
            raise NotFound(f"no live token named {name!r}")
        await audit.record(session, "token.revoke", [(name, {})])


async def authenticate(db: Database, secret: str) -> Viewer:
    """The viewer a secret stands for; ``Unauthenticated`` when it is unknown or revoked."""
    if not secret.startswith(PREFIX) or len(secret) > 256:
        raise Unauthenticated("this is not a catalog token")
    async with db.reader() as session:
        token = await tokens.by_digest(session, digest(secret))
    if token is None:
        raise Unauthenticated("unknown or revoked token")
    return Viewer(name=token.name, role=Role(token.role), groups=frozenset(token.groups))
