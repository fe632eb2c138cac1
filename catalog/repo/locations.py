"""Asset locations: the further places an asset's folder is kept, by priority. Read only for
assets the viewer may read (``visibility.readable``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from catalog.db.models import Asset, AssetLocation
from catalog.errors import Conflict
from catalog.repo.visibility import readable

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy.ext.asyncio import AsyncSession


_ORDER = (AssetLocation.priority, AssetLocation.id)


async def of_assets(session: AsyncSession, asset_ids: Sequence[int]) -> dict[int, list[AssetLocation]]:
    """asset id → its further locations by priority, for the readable ones among ``asset_ids``."""
    query = (
        select(AssetLocation)
        .join(Asset, Asset.id == AssetLocation.asset_id)
        .where(AssetLocation.asset_id.in_(asset_ids), readable())
        .order_by(AssetLocation.asset_id, *_ORDER)
    )
    found: dict[int, list[AssetLocation]] = {}
    for row in await session.scalars(query):
        found.setdefault(row.asset_id, []).append(row)
    return found


async def urls_of(
    session: AsyncSession, asset_ids: Sequence[int], schemes: Sequence[str]
) -> dict[str, list[str]]:
    """asset name → the URLs of its further locations in these schemes, by priority, for the
    readable ones among ``asset_ids``: one statement for a batch of a manifest."""
    query = (
        select(Asset.name, AssetLocation.url)
        .join(Asset, Asset.id == AssetLocation.asset_id)
        .where(AssetLocation.asset_id.in_(asset_ids), readable())
        .where(or_(*(AssetLocation.url.startswith(f"{scheme}://") for scheme in schemes)))
        .order_by(Asset.name, *_ORDER)
    )
    found: dict[str, list[str]] = {}
    for name, url in await session.execute(query):
        found.setdefault(name, []).append(url)
    return found


async def add(
    session: AsyncSession,
    asset_id: int,
    *,
    url: str,
    label: str,
    priority: int | None,
    added_by: str,
    added_at: datetime,
) -> AssetLocation:
    """A further location of an asset, after its others unless ``priority`` says where; a URL
    it lists already is a conflict."""
    if priority is None:
        last = await session.scalar(
            select(func.max(AssetLocation.priority)).where(AssetLocation.asset_id == asset_id)
        )
        priority = (last or 0) + 1
    row = AssetLocation(
        asset_id=asset_id, url=url, label=label, priority=priority, added_by=added_by, added_at=added_at
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"{url} is already one of its locations") from None
    return row


async def remove(session: AsyncSession, asset_id: int, url: str) -> AssetLocation | None:
    """Remove a further location of an asset; the row removed, None when it had no such location."""
    row = (
        await session.scalars(
            select(AssetLocation).where(AssetLocation.asset_id == asset_id, AssetLocation.url == url)
        )
    ).one_or_none()
    if row is not None:
        await session.execute(delete(AssetLocation).where(AssetLocation.id == row.id))
    return row
