"""Facets: counts per value of a dimension, each counted under the filter of the others."""

from __future__ import annotations

import enum

import strawberry
from strawberry.scalars import JSON

from catalog.errors import Invalid
from catalog.graphql.context import Info
from catalog.graphql.inputs import AssetFilter, to_filter
from catalog.repo import facets, filters

MAX_VALUES = 1000


@strawberry.enum
class FacetField(enum.Enum):
    MODALITY = "MODALITY"
    SPECIES = "SPECIES"
    SEX = "SEX"
    PROJECT = "PROJECT"
    SUBJECT = "SUBJECT"
    INSTITUTION = "INSTITUTION"
    DATA_LEVEL = "DATA_LEVEL"
    KIND = "KIND"
    YEAR = "YEAR"
    QC_STATUS = "QC_STATUS"


assert {f.value for f in FacetField} == set(facets.FACETS), "every facet the repo counts is exposed"


@strawberry.input(description="A field of a metadata document, by a dot path that crosses arrays.")
class MetadataPath:
    document: str
    path: str


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
) -> list[Facet]:
    if not 0 < limit <= MAX_VALUES:
        raise Invalid(f"limit must be between 1 and {MAX_VALUES}")
    dialect = info.context.db.dialect
    base = to_filter(spec, info.context.vocabulary) or filters.AssetFilter()
    if fields is None and metadata_fields is None:
        fields = list(FacetField)
    found = []
    async with info.context.db.reader() as session:
        for field in fields or []:
            where = filters.condition(dialect, base.without(*facets.FILTER_FIELDS[field.value]))
            counts = await facets.counts(session, dialect, field.value, where, limit)
            found.append(Facet(field=field.value, values=[FacetValue(value=v, count=n) for v, n in counts]))
        where = filters.condition(dialect, base)
        for item in metadata_fields or []:
            counts = await facets.metadata_counts(session, dialect, item.document, item.path, where, limit)
            values = [FacetValue(value=v, count=n) for v, n in counts]
            found.append(Facet(field=f"{item.document}:{item.path}", values=values))
    return found
