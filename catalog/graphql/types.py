"""GraphQL object types. Each carries its ORM row privately and resolves relations through
the request's loaders; none of them touches SQL."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from catalog.conventions.globs import compile_glob
from catalog.conventions.names import AssetKind
from catalog.conventions.paths import parse_path, values_at
from catalog.db import models
from catalog.errors import Invalid, NotFound
from catalog.graphql.context import Info
from catalog.graphql.locations import Location
from catalog.graphql.pagination import decode_path_cursor, encode_cursor, page_size
from catalog.graphql.provenance import ProvenanceGraph, resolve_provenance
from catalog.repo import documents
from catalog.schemas.enums import ProvenanceDirection
from catalog.schemas.filters import AssetFilter, ElementPredicate
from catalog.services import locations
from catalog.services.corrections import changes
from catalog.services.manifests import LINK_LIFETIME, signed_url


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(name="Viewer", description="Who a request acts as: its token's name, role and groups.")
class ViewerInfo:
    name: str = strawberry.field(description="The token's name; anonymous without one.")
    role: str | None = strawberry.field(description="reader, writer or admin; null when anonymous.")
    groups: list[str] = strawberry.field(description="The groups whose private assets it may read.")


@strawberry.type
class Subject:
    subject_id: str | None
    species: str | None
    sex: str | None
    genotype: str | None
    date_of_birth: date | None


@strawberry.type
class Modality:
    abbreviation: str
    name: str


@strawberry.type
class SignedUrl:
    url: str
    expires_at: datetime


@strawberry.type
class File:
    row: strawberry.Private[models.File]
    store_url: strawberry.Private[str | None]
    path: str
    size: float = strawberry.field(description="Size in bytes (a Float: files may exceed 2^31 bytes).")
    sha256: str | None

    @classmethod
    def of(cls, row: models.File, store_url: str | None) -> File:
        return cls(row=row, store_url=store_url, path=row.path, size=float(row.size), sha256=row.sha256)

    @strawberry.field(description="A presigned download URL; expiry is capped by the server.")
    def url(self, info: Info, expires_in: int = LINK_LIFETIME) -> SignedUrl:
        url, expires_at = signed_url(info.context.stores, self.store_url, self.row.key, expires_in)
        return SignedUrl(url=url, expires_at=expires_at)


@strawberry.type
class ProvenanceInput:
    name: str
    source: str = strawberry.field(description="name, processing or data_description")


@strawberry.type
class FileEdge:
    cursor: str
    node: File


@strawberry.type
class FileConnection:
    edges: list[FileEdge]
    page_info: PageInfo


@strawberry.type(description="One recorded version of a metadata document of an asset.")
class MetadataVersion:
    version: int = strawberry.field(
        description="1 for the document as first registered, then one more each change."
    )
    created_at: datetime = strawberry.field(description="When this version was recorded.")
    schema_version: str | None
    current: bool = strawberry.field(
        description="Whether queries read this version (a removed document has no current version)."
    )
    removed: bool = strawberry.field(
        description="Whether this version records that the document was removed from the asset's metadata."
    )
    author: str | None = strawberry.field(
        description="Who wrote it: a token's name, operator from the command line (null before authors were kept)."
    )
    reason: str | None = strawberry.field(description="Why, for a correction.")


@strawberry.type(description="One field that differs between two versions of a document.")
class MetadataChange:
    path: str = strawberry.field(
        description="Its keys and positions, e.g. subject_details.genotype or procedures[2].start_date."
    )
    before: JSON | None = strawberry.field(
        description="Its value in the older version; null where it was absent."
    )
    after: JSON | None = strawberry.field(
        description="Its value in the newer version; null where it is absent."
    )


def _named(info: Info, abbreviations: list[str]) -> list[Modality]:
    vocabulary = info.context.vocabulary
    return [Modality(abbreviation=a, name=vocabulary.name_of(a)) for a in abbreviations]


@strawberry.type
class Asset:
    """Its columns are plain attributes, copied once from the row (a field without a resolver costs
    the executor a third less than a method); relations resolve through the request's loaders."""

    row: strawberry.Private[models.Asset]
    name: str
    kind: AssetKind
    draft: bool = strawberry.field(
        description="A draft: processing built step by step, seen by writers only until it is sealed."
    )
    draft_step: str | None = strawberry.field(
        description="A draft's current (latest) step: the only one that may still change."
    )
    subject: Subject
    project: str | None
    institution: str | None
    data_level: str | None
    acquired_at: datetime | None
    acquired_end: datetime | None
    acquisition_duration: float | None = strawberry.field(
        description="Seconds from the start of the acquisition to its end."
    )
    subject_age_at_acquisition: int | None = strawberry.field(
        description="The subject's age in whole days on the day of acquisition."
    )
    processing_duration: float | None = strawberry.field(
        description="Seconds from the start of the first processing step to the end of the last."
    )
    investigators: list[str] = strawberry.field(description="Investigators named by the data description.")
    experimenters: list[str] = strawberry.field(
        description="Who ran the acquisition (session or acquisition metadata, any generation)."
    )
    funding: list[str] = strawberry.field(
        description="Funders (abbreviation, else name) of the data description's funding sources."
    )
    session_type: str | None
    instrument_id: str | None = strawberry.field(description="The instrument or rig it was acquired on.")
    qc_status: str | None
    process_label: str | None
    registered_at: datetime | None
    record_created: datetime | None = strawberry.field(
        description="When the metadata record was created (DocDB's created), UTC."
    )
    record_modified: datetime | None = strawberry.field(
        description="When the metadata record was last modified (DocDB's last_modified), UTC."
    )
    location: str | None = strawberry.field(
        description="Where the asset's data lives (a store prefix or an external URI)."
    )
    location_prefix: str | None = strawberry.field(
        description="The bucket or host of its location (s3://aind-open-data), or the folder holding "
        "it for a location without a host (file:///data/store)."
    )
    file_count: int
    total_size: float = strawberry.field(
        description="Bytes in all its files (a Float: assets exceed 2^31 bytes)."
    )
    warnings: list[str] = strawberry.field(
        description="What could not be read from its metadata when it was registered."
    )
    missing: list[str] = strawberry.field(
        description="The required documents (procedures) and fields (subject.genotype) its metadata "
        "lacks, by each document's schema version; fields named as schema 2.x names them."
    )
    completeness: float | None = strawberry.field(
        description="The share of required documents and fields present, 0 to 1."
    )

    primed_modalities: strawberry.Private[list[str] | None] = None
    """Its modalities' abbreviations when they were read with its row; None: not read yet."""

    @classmethod
    def of(cls, row: models.Asset, modalities: list[str] | None = None) -> Asset:
        try:
            return cls._of(row, models.loaded_values(row), modalities)
        except KeyError:  # expired or deferred columns: read through the row
            return cls._of(row, models.AttributesOf(row), modalities)

    @classmethod
    def _of(cls, row: models.Asset, values: Mapping[str, Any], modalities: list[str] | None) -> Asset:
        draft = values["state"] == models.AssetState.DRAFT
        return cls(
            row=row,
            primed_modalities=modalities,
            name=values["name"],
            kind=AssetKind(values["kind"]),
            draft=draft,
            draft_step=values["draft_step"] if draft else None,
            subject=Subject(
                subject_id=values["subject_id"],
                species=values["species"],
                sex=values["sex"],
                genotype=values["genotype"],
                date_of_birth=values["date_of_birth"],
            ),
            project=values["project"],
            institution=values["institution"],
            data_level=values["data_level"],
            acquired_at=values["acquired_at"],
            acquired_end=values["acquired_end"],
            acquisition_duration=values["acquisition_duration"],
            subject_age_at_acquisition=values["subject_age_at_acquisition"],
            processing_duration=values["processing_duration"],
            investigators=list(values["investigators"] or []),
            experimenters=list(values["experimenters"] or []),
            funding=list(values["funding"] or []),
            session_type=values["session_type"],
            instrument_id=values["instrument_id"],
            qc_status=values["qc_status"],
            process_label=values["process_label"],
            registered_at=values["registered_at"],
            record_created=values["record_created"],
            record_modified=values["record_modified"],
            location=values["location"],
            location_prefix=values["location_prefix"],
            file_count=values["file_count"],
            total_size=float(values["total_size"]),
            warnings=list(values["warnings"] or []),
            missing=list(values["missing"] or []),
            completeness=values["completeness"],
        )

    @strawberry.field
    def modalities(self, info: Info) -> list[Modality]:
        """Answered at once when the page read them with its rows (``primed_modalities``), so that
        a page completes without a task per asset; else through the loader (an awaitable, which
        graphql-core awaits)."""
        if self.primed_modalities is not None:
            return _named(info, self.primed_modalities)
        return cast("list[Modality]", self._loaded_modalities(info))

    async def _loaded_modalities(self, info: Info) -> list[Modality]:
        return _named(info, await info.context.loaders.modalities_by_asset.load(self.row.id))

    @strawberry.field(
        description="Every place its folder is kept: where it was registered (location) first, then "
        "the further copies listed with catalog locate --add, by priority."
    )
    async def locations(self, info: Info) -> list[Location]:
        further = await info.context.loaders.locations_by_asset.load(self.row.id)
        return [Location.of(found) for found in locations.listing(self.row, further)]

    @strawberry.field(description="Names of the assets it was derived from, with where each edge came from.")
    async def inputs(self, info: Info) -> list[ProvenanceInput]:
        edges = await info.context.loaders.inputs_by_asset.load(self.row.id)
        return [ProvenanceInput(name=name, source=source) for name, source in edges]

    @strawberry.field(
        description="Metadata, its current version: every document, one document, or the values at a "
        "dot path in it (arrays crossed: a list of every value reached); with where, only the elements "
        "the path reaches that satisfy every condition (read from each element). With version, that "
        "version of the document instead (see metadataVersions; null for a version saying it was removed)."
    )
    async def metadata(
        self,
        info: Info,
        document: str | None = None,
        path: str | None = None,
        where: list[ElementPredicate] | None = None,
        version: int | None = None,
    ) -> JSON | None:
        if (path is not None or where or version is not None) and document is None:
            raise Invalid("a path or a version needs a document")
        if where:
            if path is None:
                raise Invalid("where needs a path: the conditions are read from the elements it reaches")
            conditions = tuple(c.as_condition() for c in where)
            key = (self.row.id, document or "", path, conditions, version)
            return cast("JSON", await info.context.loaders.elements_of_asset.load(key))
        if version is not None:
            content = await info.context.loaders.content_of_version.load(
                (self.row.id, document or "", version)
            )
        else:
            documents = await info.context.loaders.documents_of_asset.load((self.row.id, document))
            if document is None:
                return cast("JSON", documents)
            content = documents.get(document)
        if content is None or path is None:
            return cast("JSON | None", content)
        return cast("JSON", values_at(content, parse_path(path)))

    @strawberry.field(
        description="Every recorded version of one metadata document, oldest first: a changed record of "
        "the asset adds a version of each document that changed; the current one is what queries read."
    )
    async def metadata_versions(self, info: Info, document: str) -> list[MetadataVersion]:
        versions = await info.context.loaders.versions_of_document.load((self.row.id, document))
        return [
            MetadataVersion(
                version=v.version,
                created_at=v.recorded_at,
                schema_version=v.schema_version,
                current=v.is_current,
                removed=v.removed,
                author=v.author,
                reason=v.reason,
            )
            for v in versions
        ]

    @strawberry.field(
        description="What changed in a document between two of its versions, field by field (see metadataVersions)."
    )
    async def metadata_diff(
        self,
        info: Info,
        document: str,
        from_version: Annotated[int, strawberry.argument(name="from")],
        to: int,
    ) -> list[MetadataChange]:
        keys = [(self.row.id, document, from_version), (self.row.id, document, to)]
        async with info.context.db.reader() as session:
            contents = await documents.contents_of_versions(session, keys)
        missing = [version for _, _, version in keys if (self.row.id, document, version) not in contents]
        if missing:
            raise NotFound(f"{self.row.name} has no version {missing[0]} of {document}")
        before, after = (contents[key] for key in keys)
        return [MetadataChange(path=c.path, before=c.before, after=c.after) for c in changes(before, after)]

    @strawberry.field(
        description="The registered assets it was derived from: its registered inputs and, past an "
        "input never registered, the nearest registered assets that input's name encodes."
    )
    async def derived_from(self, info: Info) -> list[Asset]:
        return [Asset.of(row) for row in await info.context.loaders.inputs_of_asset.load(self.row.id)]

    @strawberry.field(
        description="The registered assets derived directly from it, or through names never "
        "registered that encode it (an intermediate that was not kept)."
    )
    async def derivatives(self, info: Info) -> list[Asset]:
        return [Asset.of(row) for row in await info.context.loaders.derivatives_of_asset.load(self.row.id)]

    @strawberry.field(
        description="Its lineage to any depth in one query: upstream (what it came from), downstream "
        "(what came from it) or both; the filter narrows the nodes returned, not the walk. A name no "
        "asset has is a node (registered: false) that the walk goes through, to the names it "
        "encodes and that encode it."
    )
    async def provenance(
        self,
        info: Info,
        direction: ProvenanceDirection = ProvenanceDirection.UPSTREAM,
        depth: int = 10,
        filter: AssetFilter | None = None,
    ) -> ProvenanceGraph:
        return await resolve_provenance(self.row.id, info, direction, depth, filter)

    @strawberry.field(description="Its files in path order; pathGlob: *, **, ?, [abc] (no / = any folder).")
    async def files(
        self, info: Info, first: int | None = 50, after: str | None = None, path_glob: str | None = None
    ) -> FileConnection:
        size = page_size(first)
        after_path = decode_path_cursor(after) if after else None
        glob = compile_glob(path_glob) if path_glob else None
        rows = await info.context.loaders.files_by_asset.load((self.row.id, size + 1, after_path, glob))
        edges = [
            FileEdge(cursor=encode_cursor([row.path]), node=File.of(row, self.row.store_url))
            for row in rows[:size]
        ]
        return FileConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None
            ),
        )


@strawberry.type
class AssetEdge:
    cursor: str
    node: Asset
