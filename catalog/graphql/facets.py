"""Facets: counts per value of a dimension, each counted under the filter of the others."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.scalars import JSON

from catalog.errors import Invalid
from catalog.graphql.context import Info
from catalog.limits import MAX_FACET_VALUES, MAX_FACETS
from catalog.repo import facets
from catalog.schemas.enums import CountUnit, FacetField
from catalog.schemas.filters import AssetFilter
from catalog.schemas.paths import MetadataPath


@strawberry.type
class FacetValue:
    value: JSON | None
    count: int


@strawberry.type
class Facet:
    field: str = strawberry.field(description="The facet's name, or document:path for a metadata field.")
    values: list[FacetValue]


async def resolve_facets(
    info: Info,
    spec: AssetFilter | None,
    fields: list[FacetField] | None,
    metadata_fields: list[MetadataPath] | None,
    limit: int,
    unit: CountUnit,
) -> list[Facet]:
    if not 0 < limit <= MAX_FACET_VALUES:
        raise Invalid(f"limit must be between 1 and {MAX_FACET_VALUES}")
    db, where = info.context.db, info.context.filter(spec)
    if fields is None and metadata_fields is None:
        fields = list(FacetField)
    if len(fields or ()) + len(metadata_fields or ()) > MAX_FACETS:
        raise Invalid(f"ask for at most {MAX_FACETS} facets (fields and metadata fields) at once")

    async def count_field(field: FacetField) -> Facet:
        async with db.reader() as session:
            counts = await facets.counts(session, db.dialect, field, where, limit, unit)
        return Facet(field=field.value, values=[FacetValue(value=v, count=n) for v, n in counts])

    async def count_path(item: MetadataPath) -> Facet:
        async with db.reader() as session:
            counts = await facets.metadata_counts(
                session, db.dialect, item.document, item.path, where, limit, unit
            )
        return Facet(
            field=f"{item.document}:{item.path}", values=[FacetValue(value=v, count=n) for v, n in counts]
        )

    # A session per facet, as many at once as the request may hold: PostgreSQL counts them on
    # several cores.
    return list(
        await asyncio.gather(
            *(count_field(field) for field in fields or []),
            *(count_path(item) for item in metadata_fields or []),
        )
    )
