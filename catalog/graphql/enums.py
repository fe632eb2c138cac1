"""Enumerations shared by the API's object and input types."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum
class AssetKind(enum.Enum):
    PRIMARY = "PRIMARY"
    DERIVED = "DERIVED"
