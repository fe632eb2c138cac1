"""``fileBySha256`` and ``fileByKey``: which asset, and which path in it, holds a file."""

from __future__ import annotations

from typing import Annotated

import strawberry

from catalog.db import models
from catalog.graphql.context import Info
from catalog.graphql.pagination import page_size
from catalog.graphql.types import Asset, File
from catalog.services import lookup

FIRST = strawberry.argument(description="At most this many (50 unless given, up to 500).")


@strawberry.type(description="A file found by its content or its key: the asset holding it, and the file.")
class FileLocation:
    asset: Asset
    path: str = strawberry.field(description="Its path in the asset (file.path).")
    file: File


def _placed(found: list[tuple[models.Asset, models.File]]) -> list[FileLocation]:
    return [
        FileLocation(asset=Asset.of(asset), path=file.path, file=File.of(file, asset.store_url))
        for asset, file in found
    ]


async def resolve_file_by_sha256(
    info: Info, sha256: str, first: Annotated[int | None, FIRST] = 50
) -> list[FileLocation]:
    return _placed(await lookup.by_sha256(info.context.db, sha256, page_size(first)))


async def resolve_file_by_key(
    info: Info, key: str, first: Annotated[int | None, FIRST] = 50
) -> list[FileLocation]:
    return _placed(await lookup.by_key(info.context.db, key, page_size(first)))
