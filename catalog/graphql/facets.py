"""Facets: counts per value of a dimension under the filter; disjunctively, each facet under the
filter less its own fields, saying which it ignored."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.scalars import JSON
from strawberry.utils.str_converters import to_camel_case

from catalog.errors import Invalid
from catalog.graphql.context import Info
from catalog.limits import MAX_FACET_VALUES, MAX_FACETS
from catalog.repo import facets
from catalog.schemas.enums import CountUnit, FacetField
from catalog.schemas.filters import AssetFilter
from catalog.schemas.paths import MetadataPath
from catalog.schemas.zones import time_zone


@strawberry.type
class FacetValue:
    value: JSON | None
    count: int


@strawberry.type
class Facet:
    field: str = strawberry.field(description="The facet's name, or document:path for a metadata field.")
    values: list[FacetValue] = strawberry.field(
        description="Most frequent first; null counts the assets (or subjects) with no value."
    )
    distinct_values: int = strawberry.field(description="How many values there are in all, null included.")
    truncated: bool = strawberry.field(
        description="More values than `limit`: only the most frequent are listed."
    )
    ignored: list[str] = strawberry.field(
        description="The filter fields this facet did not apply (only with `disjunctive`): its own."
    )


def _facet(field: str, counts: facets.Counts, ignored: tuple[str, ...] = ()) -> Facet:
    return Facet(
        field=field,
        values=[FacetValue(value=v, count=n) for v, n in counts.values],
        distinct_values=counts.distinct,
        truncated=counts.truncated,
        ignored=[to_camel_case(name) for name in ignored],
    )


async def resolve_facets(
    info: Info,
    spec: AssetFilter | None,
    fields: list[FacetField] | None,
    metadata_fields: list[MetadataPath] | None,
    limit: int,
    unit: CountUnit,
    disjunctive: bool,
    zone_name: str | None = None,
) -> list[Facet]:
    if not 0 < limit <= MAX_FACET_VALUES:
        raise Invalid(f"limit must be between 1 and {MAX_FACET_VALUES}")
    zone = time_zone(zone_name)
    db, where = info.context.db, info.context.filter(spec, zone)
    if fields is None and metadata_fields is None:
        fields = list(FacetField)
    if len(fields or ()) + len(metadata_fields or ()) > MAX_FACETS:
        raise Invalid(f"ask for at most {MAX_FACETS} facets (fields and metadata fields) at once")

    async def count_field(field: FacetField) -> Facet:
        async with db.reader() as session:
            counts = await facets.counts(
                session, db.dialect, field, where, limit, unit, disjunctive=disjunctive, zone=zone
            )
        return _facet(field.value, counts, facets.ignored(field, where) if disjunctive else ())

    async def count_path(item: MetadataPath) -> Facet:
        async with db.reader() as session:
            counts = await facets.metadata_counts(session, db.dialect, item, where, limit, unit)
        return _facet(f"{item.document}:{item.path}", counts)

    async def count_all() -> list[Facet]:
        # A session per facet, as many at once as the request may hold: PostgreSQL counts them on
        # several cores.
        return list(
            await asyncio.gather(
                *(count_field(field) for field in fields or []),
                *(count_path(item) for item in metadata_fields or []),
            )
        )

    question = ("facets", repr((where, fields, metadata_fields)), limit, unit, disjunctive, zone.key)
    found: list[Facet] = await info.context.answers.get(db, question, count_all)
    return found
