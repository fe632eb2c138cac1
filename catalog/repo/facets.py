"""Facets: how many assets (or distinct subjects) have each value of a dimension, under a filter,
counted in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, func, select, true
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
    number = func.count(COUNTED[unit].distinct()).label("n")
    if facet == "MODALITY":
        value: Any = AssetModality.abbreviation
        query = select(value, number).join(Asset, Asset.id == AssetModality.asset_id)
    elif facet in TERMS:
        value = AssetTerm.value
        query = (
            select(value, number)
            .join(Asset, Asset.id == AssetTerm.asset_id)
            .where(AssetTerm.kind == TERMS[facet])
        )
    elif facet == "YEAR":
        value = cast(year_of(dialect, Asset.acquired_at), Integer)
        query = select(value, number)
    elif facet == "MONTH":
        value = month_of(dialect, Asset.acquired_at)
        query = select(value, number)
    else:
        value = COLUMNS[facet]
        query = select(value, number)
    query = (
        query.where(Asset.state == AssetState.READY, where)
        .group_by(value)
        .order_by(number.desc(), value)
        .limit(limit)
    )
    return [(v, n) for v, n in await session.execute(query)]


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
    source, value, json_type = jsonpath.values(dialect, MetadataDocument.__table__.c.content, path)
    number = func.count(COUNTED[unit].distinct()).label("n")
    keys = [value] if json_type is None else [value, json_type]
    query = (
        select(*keys, number)
        .select_from(MetadataDocument)
        .join(Asset, Asset.id == MetadataDocument.asset_id)
        .join(source, true())  # the path's values of each document (an implicitly lateral function)
        .where(MetadataDocument.document == document, MetadataDocument.is_current.is_(True))
        .where(Asset.state == AssetState.READY, where)
    )
    if json_type is not None:
        query = query.where(json_type.is_not(None))
    query = query.group_by(*keys).order_by(number.desc()).limit(limit)
    rows = (await session.execute(query)).all()
    if json_type is None:
        return [(row[0], row[1]) for row in rows]
    return [(_sqlite_scalar(row[0], row[1]), row[2]) for row in rows]


def _sqlite_scalar(atom: Any, json_type: str) -> Any:
    return {"true": True, "false": False}.get(json_type, atom)
