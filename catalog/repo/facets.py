"""Facets: how many assets (or distinct subjects) have each value of a dimension, under a filter,
counted in SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, cast, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.db import jsonpath
from catalog.db.dialect import month_of, year_of
from catalog.db.models import Asset, AssetModality, AssetState, AssetTerm, MetadataDocument, TermKind

COLUMNS: dict[str, Any] = {
    "SPECIES": Asset.species,
    "SEX": Asset.sex,
    "PROJECT": Asset.project,
    "SUBJECT": Asset.subject_id,
    "INSTITUTION": Asset.institution,
    "DATA_LEVEL": Asset.data_level,
    "KIND": Asset.kind,
    "QC_STATUS": Asset.qc_status,
    "INSTRUMENT": Asset.instrument_id,
    "LOCATION": Asset.location_prefix,
}
TERMS = {
    "INVESTIGATOR": TermKind.INVESTIGATOR,
    "EXPERIMENTER": TermKind.EXPERIMENTER,
    "FUNDING": TermKind.FUNDING,
}
FACETS = (*COLUMNS, *TERMS, "MODALITY", "YEAR", "MONTH")
COUNTED = {"ASSETS": Asset.id, "SUBJECTS": Asset.subject_id}
"""What a facet counts per value: assets, or distinct subjects (assets without one not counted)."""
FILTER_FIELDS: dict[str, tuple[str, ...]] = {
    "MODALITY": ("modality", "modalities_all"),
    "SPECIES": ("species",),
    "SEX": ("sex",),
    "PROJECT": ("project",),
    "SUBJECT": ("subject_id",),
    "INSTITUTION": ("institution",),
    "DATA_LEVEL": ("data_level",),
    "KIND": ("kind",),
    "YEAR": ("acquired_after", "acquired_before"),
    "QC_STATUS": ("qc_status",),
    "MONTH": ("acquired_after", "acquired_before"),
    "INVESTIGATOR": ("investigator",),
    "EXPERIMENTER": ("experimenter",),
    "FUNDING": ("funding",),
    "INSTRUMENT": ("instrument_id",),
    "LOCATION": ("location",),
}
"""The filter fields a facet ignores, so ticking one value still shows the others' counts."""


async def counts(
    session: AsyncSession,
    dialect: str,
    facet: str,
    where: ColumnElement[bool],
    limit: int,
    unit: str = "ASSETS",
) -> list[tuple[Any, int]]:
    """(value, number of assets or subjects) pairs, most frequent first."""
    # An asset holds a value once (one row per asset, or a key unique per asset and value), so
    # assets are counted without DISTINCT and its sort; subjects repeat across assets.
    number = (func.count() if unit == "ASSETS" else func.count(COUNTED[unit].distinct())).label("n")
    value, joined = dimension(dialect, facet)
    query = (
        joined(select(value, number).select_from(Asset))
        .where(Asset.state == AssetState.READY, where)
        .group_by(value)
        .order_by(number.desc(), value)
        .limit(limit)
    )
    return [(v, n) for v, n in await session.execute(query)]


def dimension(
    dialect: str, facet: str, *, keep_missing: bool = False
) -> tuple[Any, Callable[[Select[Any]], Select[Any]]]:
    """A facet's value per asset and what a query over assets must join to read it (a
    multi-valued dimension gives an asset one row per value; with ``keep_missing``, an asset
    without any gives one row with NULL)."""
    if facet == "MODALITY":
        on: Any = AssetModality.asset_id == Asset.id
        return AssetModality.abbreviation, lambda q: q.join(AssetModality, on, isouter=keep_missing)
    if facet in TERMS:
        on = and_(AssetTerm.asset_id == Asset.id, AssetTerm.kind == TERMS[facet])
        return AssetTerm.value, lambda q: q.join(AssetTerm, on, isouter=keep_missing)
    if facet == "YEAR":
        return cast(year_of(dialect, Asset.acquired_at), Integer), lambda q: q
    if facet == "MONTH":
        return month_of(dialect, Asset.acquired_at), lambda q: q
    return COLUMNS[facet], lambda q: q


async def metadata_counts(
    session: AsyncSession,
    dialect: str,
    document: str,
    path: str,
    where: ColumnElement[bool],
    limit: int,
    unit: str = "ASSETS",
) -> list[tuple[Any, int]]:
    """Distinct values of any metadata field with the number of assets (or subjects) holding each."""
    found = jsonpath.reached(dialect, MetadataDocument.__table__.c.content, path)
    number = func.count(COUNTED[unit].distinct()).label("n")
    query = (
        select(found.value, found.json_type, number)
        .select_from(MetadataDocument)
        .join(Asset, Asset.id == MetadataDocument.asset_id)
        .join(found.source, true())  # the path's values of each document (an implicitly lateral function)
        .where(MetadataDocument.document == document, MetadataDocument.is_current.is_(True), found.condition)
        .where(Asset.state == AssetState.READY, where)
        .group_by(found.value, found.json_type)
        .order_by(number.desc())
        .limit(limit)
    )
    return [(jsonpath.decoded(value, kind), n) for value, kind, n in await session.execute(query)]
