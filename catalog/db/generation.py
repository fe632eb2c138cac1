"""The data's generation: every write transaction moves it on just before it commits, so an answer
computed after reading generation g (facets, aggregates) stays true while the generation is still
g, in every server process. Moving it last keeps its row lock for the commit only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update

from catalog.db.models import DataGeneration

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

_ADVANCE = update(DataGeneration).where(DataGeneration.id == 1).values(value=DataGeneration.value + 1)
_CURRENT = select(DataGeneration.value).where(DataGeneration.id == 1)


async def advance(session: AsyncSession) -> None:
    await session.execute(_ADVANCE)


async def current(session: AsyncSession) -> int:
    """Read before the answer it keys is computed: a write committing in between then only makes
    that answer look older than it is, never newer."""
    return (await session.execute(_CURRENT)).scalar_one()
