"""Provenance edges: derived asset → the names of its inputs, with where each edge came from."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.db.models import ProvenanceEdge


async def add(session: AsyncSession, edges: Sequence[tuple[int, str, str, str | None]]) -> None:
    """(derived id, input name, source, input location) rows."""
    if edges:
        await session.execute(
            insert(ProvenanceEdge),
            [
                {"derived_id": d, "input_name": n, "source": s, "input_location": loc}
                for d, n, s, loc in edges
            ],
        )


async def inputs_of(session: AsyncSession, asset_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    rows = await session.execute(
        select(ProvenanceEdge.derived_id, ProvenanceEdge.input_name, ProvenanceEdge.source)
        .where(ProvenanceEdge.derived_id.in_(asset_ids))
        .order_by(ProvenanceEdge.input_name)
    )
    found: dict[int, list[tuple[str, str]]] = {}
    for derived_id, name, source in rows:
        found.setdefault(derived_id, []).append((name, source))
    return found
