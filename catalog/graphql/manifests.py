"""downloadManifest: every matching file with a signed URL, its size and sha256, in one request."""

from __future__ import annotations

from datetime import datetime

import strawberry

from catalog.graphql.context import Info
from catalog.limits import MAX_MANIFEST_FILES
from catalog.schemas.filters import AssetFilter
from catalog.services import manifests


@strawberry.type
class ManifestEntry:
    asset: str
    path: str
    size: float = strawberry.field(description="Bytes (a Float: files may exceed 2^31 bytes).")
    sha256: str | None
    url: str
    alternates: list[str] = strawberry.field(
        description="Signed URLs of the same file in the asset's further locations the server can "
        "sign (Asset.locations with fallback), in the order to try them when url fails; empty when "
        "there are none. Compare the sha256 of what they send."
    )


@strawberry.type
class Manifest:
    files: list[ManifestEntry]
    expires_at: datetime = strawberry.field(description="When the URLs stop working.")
    truncated: bool = strawberry.field(description=f"More than {MAX_MANIFEST_FILES} files matched.")

    @strawberry.field
    def count(self) -> int:
        return len(self.files)

    @strawberry.field(description="Bytes in all files listed.")
    def total_size(self) -> float:
        return float(sum(entry.size for entry in self.files))


async def resolve_manifest(
    info: Info, spec: AssetFilter, path_glob: str | None, expires_in: int | None
) -> Manifest:
    found, expires_at, truncated = await manifests.manifest(
        info.context.db,
        info.context.stores,
        info.context.filter(spec),
        path_glob=path_glob,
        expires_in=expires_in,
    )
    entries = [
        ManifestEntry(
            asset=e.asset, path=e.path, size=e.size, sha256=e.sha256, url=e.url, alternates=list(e.alternates)
        )
        for e in found
    ]
    return Manifest(files=entries, expires_at=expires_at, truncated=truncated)
