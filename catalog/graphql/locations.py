"""An asset's locations as GraphQL shows them (``Asset.locations``)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from catalog.services import locations


@strawberry.type(
    description="A place an asset's folder is kept: where it was registered (primary), or a further "
    "copy a writer listed (cold storage, another bucket, a lab server), to fall back to in order."
)
class Location:
    url: str = strawberry.field(
        description="The asset's folder: s3://bucket/prefix/NAME, file:///folder/NAME, https://host/path..."
    )
    label: str = strawberry.field(
        description="primary for where it was registered; else its owner's word: cold, mirror, lab-server..."
    )
    priority: int = strawberry.field(
        description="0 for the primary; the further ones from 1, in the order to try them."
    )
    primary: bool = strawberry.field(description="Whether it is where the asset was registered.")
    added_by: str | None = strawberry.field(
        description="Who listed it: a token's name, operator from the command line; null for the primary."
    )
    added_at: datetime | None = strawberry.field(
        description="When it was listed (the primary: when the asset was registered)."
    )
    fallback: bool = strawberry.field(
        description="Whether downloadManifest signs its copy of each file as an alternate: an S3 "
        "bucket or a folder the server reads, whose last segment is the asset's name."
    )

    @classmethod
    def of(cls, found: locations.Location) -> Location:
        return cls(
            url=found.url,
            label=found.label,
            priority=found.priority,
            primary=found.primary,
            added_by=found.added_by,
            added_at=found.added_at,
            fallback=found.fallback,
        )
