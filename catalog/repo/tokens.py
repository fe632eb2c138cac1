"""Tokens: written by admins, looked up by the digest of a secret on every request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from catalog.db.models import Token
from catalog.errors import Conflict

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession


async def add(
    session: AsyncSession, name: str, role: str, groups: Sequence[str], digest: str, now: datetime
) -> None:
    """A new token; a name already taken (revoked tokens keep theirs) is a conflict."""
    session.add(Token(name=name, role=role, groups=sorted(set(groups)), secret_digest=digest, created_at=now))
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(
            f"a token named {name!r} exists (revoked tokens keep their names): choose another"
        ) from None


async def listing(session: AsyncSession) -> list[Token]:
    """Every token, revoked ones too, by name."""
    return list(await session.scalars(select(Token).order_by(Token.name)))


async def revoke(session: AsyncSession, name: str, now: datetime) -> bool:
    """Whether a live token of that name was revoked now."""
    result = await session.execute(
        update(Token).where(Token.name == name, Token.revoked_at.is_(None)).values(revoked_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


async def by_digest(session: AsyncSession, digest: str) -> Token | None:
    """The live token whose secret has this digest."""
    query = select(Token).where(Token.secret_digest == digest, Token.revoked_at.is_(None))
    return (await session.scalars(query)).one_or_none()
