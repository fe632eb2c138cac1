"""downloadManifest: every matching file with a signed URL, its size and sha256, in one request."""

from __future__ import annotations

from datetime import datetime

import strawberry

from catalog.errors import Invalid
from catalog.graphql.context import Info
from catalog.graphql.inputs import AssetFilter, where_clause
from catalog.services import manifests

DEFAULT_EXPIRY = 24 * 3600


@strawberry.type
class ManifestEntry:
    asset: str
    path: str
    size: float = strawberry.field(description="Bytes (a Float: files may exceed 2^31 bytes).")
    sha256: str | None
    url: str


@strawberry.type
class Manifest:
    files: list[ManifestEntry]
    expires_at: datetime = strawberry.field(description="When the URLs stop working.")
    truncated: bool = strawberry.field(description=f"More than {manifests.MAX_MANIFEST_FILES} files matched.")

    @strawberry.field
    def count(self) -> int:
        return len(self.files)

    @strawberry.field(description="Bytes in all files listed.")
    def total_size(self) -> float:
        return float(sum(entry.size for entry in self.files))


async def resolve_manifest(
    info: Info, spec: AssetFilter, path_glob: str | None, expires_in: int | None
) -> Manifest:
    lifetime = DEFAULT_EXPIRY if expires_in is None else expires_in
    if lifetime <= 0:
        raise Invalid(f"expiresIn must be positive, not {lifetime}")
    found, expires_at, truncated = await manifests.manifest(
        info.context.db,
        info.context.stores,
        where_clause(info, spec),
        path_glob=path_glob,
        expires_in=min(lifetime, info.context.settings.max_url_expiry),
    )
    entries = [
        ManifestEntry(asset=e.asset, path=e.path, size=e.size, sha256=e.sha256, url=e.url) for e in found
    ]
    return Manifest(files=entries, expires_at=expires_at, truncated=truncated)
