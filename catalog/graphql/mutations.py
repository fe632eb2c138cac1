"""The writes of the API: each checks its viewer's role in the service it calls."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from catalog.errors import NotFound
from catalog.graphql.context import Context, Info
from catalog.graphql.locations import Location
from catalog.graphql.types import Asset
from catalog.graphql.uploads import PartUrl, UploadFileInput, UploadPlan
from catalog.repo import assets
from catalog.services import corrections, locations
from catalog.services.uploads import Uploads


def _uploads(context: Context) -> Uploads:
    """Uploads read what they or another server just wrote: from the primary, never a replica."""
    return Uploads(context.db.primary(), context.stores.default, context.vocabulary, context.settings)


async def _asset(context: Context, name: str) -> Asset:
    async with context.db.primary().reader() as session:  # it was just written
        row = await assets.by_name(session, name)
    if row is None:  # pragma: no cover - it was just written
        raise NotFound(f"no asset named {name!r}")
    return Asset.of(row)


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
        await corrections.correct(context.db.primary(), context.vocabulary, name, document, content, reason)
        return await _asset(context, name)

    @strawberry.field(
        description=(
            "List a further location of an asset (writer or admin): a copy of its folder in cold "
            "storage, another bucket or a lab server (s3://bucket/prefix/NAME, file:///dir/NAME, "
            "https://...), tried in order when the primary fails; priority 1 first (default last). "
            "Its locations after the change."
        )
    )
    async def add_location(
        self, info: Info, name: str, url: str, label: str | None = None, priority: int | None = None
    ) -> list[Location]:
        await locations.add(info.context.db, name, url, label=label, priority=priority)
        return [Location.of(found) for found in await locations.of(info.context.db, name)]

    @strawberry.field(
        description="Remove a further location of an asset (writer or admin; the primary stays). "
        "Its locations after the change."
    )
    async def remove_location(self, info: Info, name: str, url: str) -> list[Location]:
        await locations.remove(info.context.db, name, url)
        return [Location.of(found) for found in await locations.of(info.context.db, name)]

    @strawberry.field(
        description=(
            "Open an upload of a new asset (writer or admin): presigned URLs to PUT each declared "
            "file to, or for a file bigger than the multipart threshold its parts (uploadPartUrls). "
            "The asset stays invisible until completeUpload finds every file intact; an upload not "
            "completed expires. The same name and files again, by the same token, resume it (files "
            "and parts already stored are marked). draft: a step of a derived asset built step by "
            "step (one top-level folder with its processing.json, plus top-level files)."
        )
    )
    async def open_upload(
        self, info: Info, name: str, files: list[UploadFileInput], draft: bool = False
    ) -> UploadPlan:
        plan = await _uploads(info.context).open(name, [f.declared() for f in files], draft=draft)
        return UploadPlan.of(plan)

    @strawberry.field(description="Presigned URLs of parts (numbered from 1) of a file sent in parts.")
    async def upload_part_urls(
        self, info: Info, upload_id: str, path: str, parts: list[int]
    ) -> list[PartUrl]:
        signed = await _uploads(info.context).part_urls(upload_id, path, parts)
        return [PartUrl(part=part, url=url) for part, url in signed]

    @strawberry.field(
        description=(
            "Check every file of the upload in the store (size and sha256) and publish the asset; "
            "UPLOAD_INCOMPLETE names what is missing or wrong (a wrong file is deleted: send it "
            "again). Completing a completed upload answers its asset again."
        )
    )
    async def complete_upload(self, info: Info, upload_id: str) -> Asset:
        name = await _uploads(info.context).complete(upload_id)
        return await _asset(info.context, name)

    @strawberry.field(description="Drop an open upload and what it stored; false when it was not open.")
    async def abort_upload(self, info: Info, upload_id: str) -> bool:
        return await _uploads(info.context).abort(upload_id)

    @strawberry.field(
        description=(
            "Make a draft an ordinary, immutable asset (writer or admin), described from its "
            "top-level metadata: its processing.json and quality_control.json must be there."
        )
    )
    async def seal_draft(self, info: Info, name: str) -> Asset:
        await _uploads(info.context).seal(name)
        return await _asset(info.context, name)
