"""How a page of assets is ordered."""

from __future__ import annotations

import strawberry

from catalog.schemas.enums import AssetOrderField, SortDirection


@strawberry.input
class AssetOrder:
    field: AssetOrderField
    direction: SortDirection = SortDirection.ASC

    @property
    def descending(self) -> bool:
        return self.direction is SortDirection.DESC


DEFAULT_ORDER = (AssetOrder(field=AssetOrderField.NAME),)
"""By name: unique, so a page boundary never depends on ties."""
