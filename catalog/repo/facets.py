"""Facets: how many assets (or distinct subjects) have each value of a dimension, under a filter,
counted in SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, Select, and_, cast, func, select, true

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
"""The filter fields a facet ignores, so ticking one value still shows the others' counts."""


async def counts(
    session: AsyncSession,
    dialect: Dialect,
    facet: FacetField,
    spec: AssetFilter | None,
    limit: int,
    unit: CountUnit = CountUnit.ASSETS,
) -> list[tuple[Any, int]]:
    """(value, number of assets or subjects) pairs, most frequent first, counted under the filter
    less the facet's own fields."""
    # An asset holds a value once (one row per asset, or a key unique per asset and value), so
    # assets are counted without DISTINCT and its sort; subjects repeat across assets.
    number = (func.count() if unit is CountUnit.ASSETS else func.count(_counted(unit).distinct())).label("n")
    value, joined = dimension(dialect, facet)
    others = spec.without(*FILTER_FIELDS[facet]) if spec is not None else None
    query = (
        joined(select(value, number).select_from(Asset))
        .where(Asset.state == AssetState.READY, condition(dialect, others))
        .group_by(value)
        .order_by(number.desc(), value)
        .limit(limit)
    )
    return [(v, n) for v, n in await session.execute(query)]


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
) -> list[tuple[Any, int]]:
    """Distinct values of any metadata field with the number of assets (or subjects) holding each."""
    found = dialect.reached(MetadataDocument.__table__.c.content, path)
    number = func.count(_counted(unit).distinct()).label("n")
    query = (
        select(found.value, found.json_type, number)
        .select_from(MetadataDocument)
        .join(Asset, Asset.id == MetadataDocument.asset_id)
        .join(found.source, true())  # the path's values of each document (an implicitly lateral function)
        .where(MetadataDocument.document == document, MetadataDocument.is_current.is_(True), found.condition)
        .where(Asset.state == AssetState.READY, condition(dialect, spec))
        .group_by(found.value, found.json_type)
        .order_by(number.desc())
        .limit(limit)
    )
    return [(dialect.reached_value(value, kind), n) for value, kind, n in await session.execute(query)]
