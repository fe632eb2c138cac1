"""The writes of the API: each checks its viewer's role in the service it calls."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from catalog.errors import NotFound
from catalog.graphql.context import Info
from catalog.graphql.types import Asset
from catalog.repo import assets
from catalog.services import corrections


@strawberry.type
class Mutation:
    @strawberry.field(
        description=(
            "Replace one metadata document of an asset (writer or admin), with the reason: a new "
            "version, never an overwrite; the query columns follow it, metadataVersions keeps the "
            "old ones. A correction another writer made first since you read is a CONFLICT naming "
            "its version."
        )
    )
    async def correct_metadata(
        self, info: Info, name: str, document: str, content: JSON, reason: str
    ) -> Asset:
        context = info.context
        await corrections.correct(context.db, context.vocabulary, name, document, content, reason)
        async with context.db.reader() as session:
            row = await assets.by_name(session, name)
        if row is None:  # pragma: no cover - it was just written
            raise NotFound(f"no asset named {name!r}")
        return Asset(row=row)
