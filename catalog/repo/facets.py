"""Facets: how many assets (or distinct subjects) have each value of a dimension, under a filter,
counted in SQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, Select, and_, cast, func, select, true

from catalog.db.jsonvalues import MAX_EXACT, is_number, read_number
from catalog.db.models import Asset, AssetModality, AssetState, AssetTerm, MetadataDocument, TermKind
from catalog.errors import Invalid
from catalog.repo.filters import condition
from catalog.schemas.enums import CountUnit, FacetField

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.db.dialects import Dialect
    from catalog.schemas.filters import AssetFilter

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
}
TERMS = {
    FacetField.INVESTIGATOR: TermKind.INVESTIGATOR,
    FacetField.EXPERIMENTER: TermKind.EXPERIMENTER,
    FacetField.FUNDING: TermKind.FUNDING,
}
COUNTED = {CountUnit.ASSETS: Asset.id, CountUnit.SUBJECTS: Asset.subject_id}
"""What a facet counts per value: assets, or distinct subjects (assets without one not counted)."""
FILTER_FIELDS: dict[FacetField, tuple[str, ...]] = {
    FacetField.MODALITY: ("modality", "modalities_all"),
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
) -> Counts:
    """Values of a dimension with the number of assets or subjects holding each, counted under
    the filter (``disjunctive``: less the facet's own top-level fields, so ticking one value
    still shows the others' counts). Assets without a value count under NULL."""
    # An asset holds a value once (one row per asset, or a key unique per asset and value), so
    # assets are counted without DISTINCT and its sort; subjects repeat across assets.
    number = (func.count() if unit is CountUnit.ASSETS else func.count(_counted(unit).distinct())).label("n")
    value, joined = dimension(dialect, facet, keep_missing=True)
    applied = spec.without(*ignored(facet, spec)) if spec is not None and disjunctive else spec
    query = (
        joined(select(value, number, func.count().over().label("distinct")).select_from(Asset))
        .where(Asset.state == AssetState.READY, condition(dialect, applied))
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


def dimension(
    dialect: Dialect, facet: FacetField, *, keep_missing: bool = False
) -> tuple[Any, Callable[[Select[Any]], Select[Any]]]:
    """A facet's value per asset and what a query over assets must join to read it (a
    multi-valued dimension gives an asset one row per value; with ``keep_missing``, an asset
    without any gives one row with NULL)."""
    if facet is FacetField.MODALITY:
        on: Any = AssetModality.asset_id == Asset.id
        return AssetModality.abbreviation, lambda q: q.join(AssetModality, on, isouter=keep_missing)
    if facet in TERMS:
        on = and_(AssetTerm.asset_id == Asset.id, AssetTerm.kind == TERMS[facet])
        return AssetTerm.value, lambda q: q.join(AssetTerm, on, isouter=keep_missing)
    if facet is FacetField.YEAR:
        return cast(dialect.year_of(Asset.acquired_at), Integer), lambda q: q
    if facet is FacetField.MONTH:
        return dialect.month_of(Asset.acquired_at), lambda q: q
    return COLUMNS[facet], lambda q: q


async def metadata_counts(
    session: AsyncSession,
    dialect: Dialect,
    document: str,
    path: str,
    spec: AssetFilter | None,
    limit: int,
    unit: CountUnit = CountUnit.ASSETS,
) -> Counts:
    """Distinct values of any metadata field with the number of assets (or subjects) holding
    each; a number and a string reading as the same number are one value (as predicates read
    them), and the assets with no value at the path count under NULL."""
    found = dialect.reached(MetadataDocument.__table__.c.content, path)
    number = func.count(_counted(unit).distinct()).label("n")
    matching = (Asset.state == AssetState.READY, condition(dialect, spec))
    holds = and_(MetadataDocument.document == document, MetadataDocument.is_current.is_(True))
    query = (
        select(found.value, found.json_type, number, func.count().over().label("distinct"))
        .select_from(MetadataDocument)
        .join(Asset, Asset.id == MetadataDocument.asset_id)
        .join(found.source, true())  # the path's values of each document (an implicitly lateral function)
        .where(holds, found.condition, *matching)
        .group_by(found.value, found.json_type)
        .order_by(number.desc())
        .limit(limit)
    )
    rows = (await session.execute(query)).all()
    merged: dict[str, tuple[Any, int]] = {}  # by the value's JSON: true and 1 stay two values
    for found_value, kind, n, _ in rows:
        value = _as_number(dialect.reached_value(found_value, kind))
        key = json.dumps(value, sort_keys=True)
        merged[key] = (value, merged.get(key, (value, 0))[1] + n)
    reached = (
        select(MetadataDocument.asset_id)
        .select_from(MetadataDocument)
        .join(found.source, true())
        .where(holds, found.condition, MetadataDocument.asset_id == Asset.id)
    )
    counted = func.count() if unit is CountUnit.ASSETS else func.count(_counted(unit).distinct())
    missing = await session.scalar(select(counted).where(*matching, ~reached.exists()))
    values = sorted(merged.values(), key=lambda item: -item[1])
    if missing:
        values.append((None, int(missing)))
    distinct = (rows[0].distinct if rows else 0) - (len(rows) - len(merged)) + (1 if missing else 0)
    return Counts(values, distinct)


def _as_number(value: Any) -> Any:
    """One spelling per number: a string that reads as a finite number becomes that number, and a
    whole number is an int (``"2.0"``, ``2.0`` and ``2`` are one value); anything else is itself."""
    number = read_number(value) if isinstance(value, str) else value if is_number(value) else None
    if number is None:
        return value
    return int(number) if float(number).is_integer() and abs(number) <= MAX_EXACT else number
