"""What a reader may see, decided once: every read of assets (rows, counts, facets, aggregates,
lineage, files) tests ``readable``, so that whatever widens or narrows it reaches every path."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from catalog.db.models import Asset, AssetState

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Select


def readable() -> ColumnElement[bool]:
    """Whether a reader may see an asset: registered completely."""
    return Asset.state == AssetState.READY


def visible() -> Select[Asset]:
    """The assets a reader may see, as rows (``readable``)."""
    return select(Asset).where(readable())
