"""Facets: counts per value of a dimension, each counted under the filter of the others."""

from __future__ import annotations

import asyncio
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
    MONTH = "MONTH"
    INVESTIGATOR = "INVESTIGATOR"
    EXPERIMENTER = "EXPERIMENTER"
    FUNDING = "FUNDING"
    INSTRUMENT = "INSTRUMENT"
    LOCATION = "LOCATION"


assert {f.value for f in FacetField} == set(facets.FACETS), "every facet the repo counts is exposed"


@strawberry.enum(description="What a count counts.")
class CountUnit(enum.Enum):
    ASSETS = "ASSETS"
    SUBJECTS = strawberry.enum_value(
        "SUBJECTS", description="Distinct subjects; assets without one are not counted."
    )
    ELEMENTS = strawberry.enum_value(
        "ELEMENTS", description="Elements of aggregated values (not for facets)."
    )


assert {CountUnit.ASSETS.value, CountUnit.SUBJECTS.value} == set(facets.COUNTED)


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
    unit: CountUnit = CountUnit.ASSETS,
) -> list[Facet]:
    if not 0 < limit <= MAX_VALUES:
        raise Invalid(f"limit must be between 1 and {MAX_VALUES}")
    if unit.value not in facets.COUNTED:
        raise Invalid(f"facets count {' or '.join(facets.COUNTED)}, not {unit.value}")
    dialect = info.context.db.dialect
    base = to_filter(spec, info.context.vocabulary) or filters.AssetFilter()
    if fields is None and metadata_fields is None:
        fields = list(FacetField)
    db = info.context.db

    async def count_field(field: FacetField) -> Facet:
        where = filters.condition(dialect, base.without(*facets.FILTER_FIELDS[field.value]))
        async with db.reader() as session:
            counts = await facets.counts(session, dialect, field.value, where, limit, unit.value)
        return Facet(field=field.value, values=[FacetValue(value=v, count=n) for v, n in counts])

    async def count_path(item: MetadataPath) -> Facet:
        where = filters.condition(dialect, base)
        async with db.reader() as session:
            counts = await facets.metadata_counts(
                session, dialect, item.document, item.path, where, limit, unit.value
            )
        return Facet(
            field=f"{item.document}:{item.path}", values=[FacetValue(value=v, count=n) for v, n in counts]
        )

    # One session per facet, all at once: PostgreSQL counts them on several cores.
    return list(
        await asyncio.gather(
            *(count_field(field) for field in fields or []),
            *(count_path(item) for item in metadata_fields or []),
        )
    )
