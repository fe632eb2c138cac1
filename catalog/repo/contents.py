"""Document contents, each distinct one stored once (``MetadataContent``): versions name theirs by
id. Equal contents are told by their digest, whoever writes them, concurrently too."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from sqlalchemy import select

from catalog.db.dialects import dialect_for
from catalog.db.models import MetadataContent

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy import Table
    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.db.types import JSONText

BATCH = 1000
"""Contents digested, or digests looked up, per statement."""


async def ids(session: AsyncSession, texts: Sequence[JSONText]) -> list[int]:
    """The id of each content (canonical JSON), those not yet stored added. New rows go in digest
    order, so that writers adding overlapping contents wait for each other (ON CONFLICT on the
    digest) instead of deadlocking."""
    dialect = dialect_for(session.get_bind().dialect.name)
    distinct = list(dict.fromkeys(texts))
    digests: list[bytes] = []
    for start in range(0, len(distinct), BATCH):
        digests += await dialect.digests(session, distinct[start : start + BATCH])
    by_digest = dict(zip(digests, distinct, strict=True))
    found = await _stored(session, by_digest)
    missing = sorted(by_digest.keys() - found.keys())
    if missing:
        rows = [{"digest": digest, "content": by_digest[digest]} for digest in missing]
        await session.execute(dialect.insert_new(cast("Table", MetadataContent.__table__)), rows)
        found |= await _stored(session, missing)
    of_text = {text: found[digest] for text, digest in zip(distinct, digests, strict=True)}
    return [of_text[text] for text in texts]


async def _stored(session: AsyncSession, digests: Iterable[bytes]) -> dict[bytes, int]:
    """digest → id of the stored contents among ``digests``."""
    wanted = list(digests)
    found: dict[bytes, int] = {}
    for start in range(0, len(wanted), BATCH):
        query = select(MetadataContent.digest, MetadataContent.id).where(
            MetadataContent.digest.in_(wanted[start : start + BATCH])
        )
        found.update(dict((await session.execute(query)).all()))
    return found
