"""Facets: how many assets (or distinct subjects) have each value of a dimension, under a filter,
counted in SQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, func, select

from catalog.conventions.modalities import ALIASES
from catalog.db.jsonvalues import MAX_EXACT, is_number, read_number
from catalog.db.models import Asset, AssetModality, AssetTerm, TermKind
from catalog.db.types import UTCDateTime
from catalog.errors import Invalid
from catalog.repo import paths, values, visibility
from catalog.repo.filters import condition
from catalog.schemas.enums import CountUnit, DateBucket, FacetField
from catalog.schemas.zones import UTC_ZONE

if TYPE_CHECKING:
    from collections.abc import Callable
    from zoneinfo import ZoneInfo

    from sqlalchemy import Subquery
    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.db.dialects import Dialect
    from catalog.schemas.filters import AssetFilter
    from catalog.schemas.paths import MetadataPath

COLUMNS: dict[FacetField, Any] = {
    FacetField.SPECIES: Asset.species,
    FacetField.SEX: Asset.sex,
    FacetField.PROJECT: Asset.project,
    FacetField.SUBJECT: Asset.subject_id,
    FacetField.INSTITUTION: Asset.institution,
    FacetField.DATA_LEVEL: Asset.data_level,
    FacetField.KIND: Asset.kind,
    FacetField.QC_STATUS: Asset.qc_status,
    FacetField.INSTRUMENT: Asset.instrument_id,
    FacetField.LOCATION: Asset.location_prefix,
    FacetField.SESSION_TYPE: Asset.session_type,
    FacetField.GENOTYPE: Asset.genotype,
}
CALENDARS: dict[FacetField, tuple[Any, DateBucket]] = {
    FacetField.YEAR: (Asset.acquired_at, DateBucket.YEAR),
    FacetField.MONTH: (Asset.acquired_at, DateBucket.MONTH),
    FacetField.DAY: (Asset.acquired_at, DateBucket.DAY),
    FacetField.DATE_OF_BIRTH: (Asset.date_of_birth, DateBucket.DAY),
    FacetField.DATE_OF_BIRTH_MONTH: (Asset.date_of_birth, DateBucket.MONTH),
    FacetField.DATE_OF_BIRTH_YEAR: (Asset.date_of_birth, DateBucket.YEAR),
    FacetField.RECORD_CREATED_DAY: (Asset.record_created, DateBucket.DAY),
    FacetField.RECORD_CREATED_MONTH: (Asset.record_created, DateBucket.MONTH),
    FacetField.RECORD_CREATED_YEAR: (Asset.record_created, DateBucket.YEAR),
    FacetField.RECORD_MODIFIED_DAY: (Asset.record_modified, DateBucket.DAY),
    FacetField.RECORD_MODIFIED_MONTH: (Asset.record_modified, DateBucket.MONTH),
    FacetField.RECORD_MODIFIED_YEAR: (Asset.record_modified, DateBucket.YEAR),
}
"""Dimensions that are the calendar day (``YYYY-MM-DD``), month (``YYYY-MM``) or year (a number)
of a time, in the request's time zone, or of a date."""
TERMS = {
    FacetField.INVESTIGATOR: TermKind.INVESTIGATOR,
    FacetField.EXPERIMENTER: TermKind.EXPERIMENTER,
    FacetField.FUNDING: TermKind.FUNDING,
    FacetField.MISSING: TermKind.MISSING,
}
COUNTED = {CountUnit.ASSETS: Asset.id, CountUnit.SUBJECTS: Asset.subject_id}
"""What a facet counts per value: assets, or distinct subjects (assets without one not counted)."""
FILTER_FIELDS: dict[FacetField, tuple[str, ...]] = {
    FacetField.MODALITY: ("modality", "modalities_all"),
    FacetField.MODALITY_FAMILY: ("modality", "modalities_all"),
    FacetField.SPECIES: ("species",),
    FacetField.SEX: ("sex",),
    FacetField.PROJECT: ("project",),
    FacetField.SUBJECT: ("subject_id",),
    FacetField.INSTITUTION: ("institution",),
    FacetField.DATA_LEVEL: ("data_level",),
    FacetField.KIND: ("kind",),
    FacetField.YEAR: ("acquired_after", "acquired_before"),
    FacetField.QC_STATUS: ("qc_status",),
    FacetField.MONTH: ("acquired_after", "acquired_before"),
    FacetField.INVESTIGATOR: ("investigator",),
    FacetField.EXPERIMENTER: ("experimenter",),
    FacetField.FUNDING: ("funding",),
    FacetField.INSTRUMENT: ("instrument_id",),
    FacetField.LOCATION: ("location",),
    FacetField.SESSION_TYPE: ("session_type",),
    FacetField.GENOTYPE: ("genotype",),
    FacetField.DAY: ("acquired_after", "acquired_before"),
    FacetField.DATE_OF_BIRTH: (),
    FacetField.DATE_OF_BIRTH_MONTH: (),
    FacetField.DATE_OF_BIRTH_YEAR: (),
    FacetField.MISSING: ("missing",),
    **dict.fromkeys(
        (FacetField.RECORD_CREATED_DAY, FacetField.RECORD_CREATED_MONTH, FacetField.RECORD_CREATED_YEAR),
        ("record_created_after", "record_created_before"),
    ),
    **dict.fromkeys(
        (FacetField.RECORD_MODIFIED_DAY, FacetField.RECORD_MODIFIED_MONTH, FacetField.RECORD_MODIFIED_YEAR),
        ("record_modified_after", "record_modified_before"),
    ),
}
"""The filter fields a facet ignores when counted disjunctively."""


@dataclass(frozen=True, slots=True)
class Counts:
    """A facet's values with their counts, most frequent first (at most the limit asked), and
    how many distinct values there are in all."""

    values: list[tuple[Any, int]]
    distinct: int

    @property
    def truncated(self) -> bool:
        return self.distinct > len(self.values)


def ignored(facet: FacetField, spec: AssetFilter | None) -> tuple[str, ...]:
    """The fields of ``spec`` that ``facet`` ignores when counted disjunctively: its own, set at
    the top level (a field nested in and/or/not always applies)."""
    return tuple(
        name for name in FILTER_FIELDS[facet] if spec is not None and getattr(spec, name) is not None
    )


async def counts(
    session: AsyncSession,
    dialect: Dialect,
    facet: FacetField,
    spec: AssetFilter | None,
    limit: int,
    unit: CountUnit = CountUnit.ASSETS,
    *,
    disjunctive: bool = False,
    zone: ZoneInfo = UTC_ZONE,
) -> Counts:
    """Values of a dimension with the number of assets or subjects holding each, counted under
    the filter (``disjunctive``: less the facet's own top-level fields, so ticking one value
    still shows the others' counts). Assets without a value count under NULL."""
    # An asset holds a value once (one row per asset, or a key unique per asset and value), so
    # assets are counted without DISTINCT and its sort; subjects repeat across assets.
    number = (func.count() if unit is CountUnit.ASSETS else func.count(_counted(unit).distinct())).label("n")
    value, joined = dimension(dialect, facet, keep_missing=True, zone=zone)
    applied = spec.without(*ignored(facet, spec)) if spec is not None and disjunctive else spec
    query = (
        joined(select(value, number, func.count().over().label("distinct")).select_from(Asset))
        .where(visibility.readable(), condition(dialect, applied))
        .group_by(value)
        .order_by(number.desc(), value)
        .limit(limit)
    )
    rows = (await session.execute(query)).all()
    return Counts([(v, n) for v, n, _ in rows if n], rows[0].distinct if rows else 0)


def _counted(unit: CountUnit) -> Any:
    if unit not in COUNTED:
        raise Invalid(f"facets count {' or '.join(COUNTED)}, not {unit}")
    return COUNTED[unit]


def multi_valued(facet: FacetField) -> bool:
    """Whether an asset may hold several values of the dimension (its join gives one row each)."""
    return facet in TERMS or facet in (FacetField.MODALITY, FacetField.MODALITY_FAMILY)


def dimension(
    dialect: Dialect, facet: FacetField, *, keep_missing: bool = False, zone: ZoneInfo = UTC_ZONE
) -> tuple[Any, Callable[[Select[Any]], Select[Any]]]:
    """A facet's value per asset and what a query over assets must join to read it (a
    multi-valued dimension gives an asset one row per value; with ``keep_missing``, an asset
    without any gives one row with NULL); calendars of times are drawn in ``zone``."""
    if facet is FacetField.MODALITY:
        on: Any = AssetModality.asset_id == Asset.id
        return AssetModality.abbreviation, lambda q: q.join(AssetModality, on, isouter=keep_missing)
    if facet is FacetField.MODALITY_FAMILY:
        families = _modality_families()
        on = families.c.asset_id == Asset.id
        return families.c.family, lambda q: q.join(families, on, isouter=keep_missing)
    if facet in TERMS:
        on = and_(AssetTerm.asset_id == Asset.id, AssetTerm.kind == TERMS[facet])
        return AssetTerm.value, lambda q: q.join(AssetTerm, on, isouter=keep_missing)
    if facet in CALENDARS:
        column, bucket = CALENDARS[facet]
        day = dialect.calendar(column, bucket, zone.key if isinstance(column.type, UTCDateTime) else None)
        return (cast(day, Integer) if bucket is DateBucket.YEAR else day), lambda q: q
    return COLUMNS[facet], lambda q: q


def _modality_families() -> Subquery:
    """Each asset's modality families, once each (``SmartSPIM`` and ``SPIM`` are one ``SPIM``)."""
    stored = func.lower(AssetModality.abbreviation)
    family = case(dict(ALIASES), value=stored, else_=AssetModality.abbreviation)
    return select(AssetModality.asset_id, family.label("family")).distinct().subquery("modality_families")


async def metadata_counts(
    session: AsyncSession,
    dialect: Dialect,
    path: MetadataPath,
    spec: AssetFilter | None,
    limit: int,
    unit: CountUnit = CountUnit.ASSETS,
) -> Counts:
    """Distinct values of any metadata field (or of the matching elements' ``elementPath``) with
    the number of assets (or subjects) holding each; a number and a string reading as the same
    number are one value (as predicates read them), and the assets with no value count under NULL."""
    if path.where is not None and path.element_path is None:
        raise Invalid("a facet over matching elements reads a value from each: give elementPath")
    number = func.count(_counted(unit).distinct()).label("n")
    matching = (visibility.readable(), condition(dialect, spec))
    grouped = _indexed_groups if dialect.indexes_values and _plain(path) else _read_groups
    rows, has_value = await grouped(session, dialect, path, number, matching, limit)
    merged: dict[str, tuple[Any, int]] = {}  # by the value's JSON: true and 1 stay two values
    for found_value, n, _ in rows:
        value = _as_number(found_value)
        key = json.dumps(value, sort_keys=True)
        merged[key] = (value, merged.get(key, (value, 0))[1] + n)
    counted = func.count() if unit is CountUnit.ASSETS else func.count(_counted(unit).distinct())
    missing = await session.scalar(select(counted).where(*matching, ~has_value))
    ranked = sorted(merged.values(), key=lambda item: -item[1])
    if missing:
        ranked.append((None, int(missing)))
    distinct = (rows[0][2] if rows else 0) - (len(rows) - len(merged)) + (1 if missing else 0)
    return Counts(ranked, distinct)


Groups = tuple[list[tuple[Any, int, int]], ColumnElement[bool]]
"""A facet's groups of equal values (the value, its count, how many groups in all), at most the
limit, and whether an asset reaches some value."""


async def _indexed_groups(
    session: AsyncSession, dialect: Dialect, path: MetadataPath, number: Any, matching: Any, limit: int
) -> Groups:
    """The groups of a plain path, from the index of values: no document parsed."""
    found = values.reached(path.document, path.path)
    query = (
        select(found.c.kind, found.c.value, number, func.count().over().label("distinct"))
        .select_from(Asset)
        .join(found, found.c.asset_id == Asset.id)
        .where(*matching)
        .group_by(found.c.kind, found.c.value)
        .order_by(number.desc())
        .limit(limit)
    )
    rows = [(values.scalar(kind, v), n, d) for kind, v, n, d in await session.execute(query)]
    # Not correlated: the index is keyed by value, so one pass over the path's rows beats a
    # search of them per asset.
    return rows, Asset.id.in_(select(found.c.asset_id))


async def _read_groups(
    session: AsyncSession, dialect: Dialect, path: MetadataPath, number: Any, matching: Any, limit: int
) -> Groups:
    """The groups of any path, read from the documents: a value reading as a number is grouped as
    that number, so that an asset reaching it in both spellings counts once."""
    selection = paths.selection(dialect, path, Asset.id)  # each generation's spelling, when unified
    found = selection.found
    as_number = dialect.as_number(found)
    value = case((as_number.is_(None), found.value))
    json_type = case((as_number.is_(None), found.json_type))
    columns = (as_number, value, json_type, number, func.count().over().label("distinct"))
    query = (
        selection.join(select(*columns).select_from(Asset))
        .where(*matching)
        .group_by(as_number, value, json_type)
        .order_by(number.desc())
        .limit(limit)
    )
    rows = [
        (read if read is not None else dialect.reached_value(v, kind), n, d)
        for read, v, kind, n, d in await session.execute(query)
    ]
    return rows, select(found.source.c.asset_id).where(found.condition).exists()


def _plain(path: MetadataPath) -> bool:
    """A path read as itself: the values it reaches, which the index holds."""
    plain = path.where is None and path.element_path is None and path.absent_from is None
    return plain and not path.length and not paths.is_unified(path)


def _as_number(value: Any) -> Any:
    """One spelling per number: a string that reads as a finite number becomes that number, and a
    whole number is an int (``"2.0"``, ``2.0`` and ``2`` are one value); anything else is itself."""
    number = read_number(value) if isinstance(value, str) else value if is_number(value) else None
    if number is None:
        return value
    return int(number) if float(number).is_integer() and abs(number) <= MAX_EXACT else number
