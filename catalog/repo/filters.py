"""Which assets a query means: a filter as plain data, compiled to one SQL condition.

The GraphQL layer turns its ``AssetFilter`` input into an ``AssetFilter`` here; facets,
pages, counts, manifests and provenance all compile it the same way."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, select, true

from catalog.db import jsonpath
from catalog.db.models import Asset, AssetModality, AssetTerm, MetadataDocument, ProvenanceEdge, TermKind
from catalog.errors import Invalid


@dataclass(frozen=True, slots=True)
class ElementPredicate:
    """One condition of an ``element_match``; its path is read from the element."""

    path: str
    op: str
    value: Any = None


@dataclass(frozen=True, slots=True)
class MetadataPredicate:
    """``path op value``, or ``element_match``: conditions that must hold on one element."""

    document: str
    path: str
    op: str | None = None
    value: Any = None
    element_match: tuple[ElementPredicate, ...] = ()


@dataclass(frozen=True, slots=True)
class AssetFilter:
    name: str | None = None
    name_contains: str | None = None
    kind: str | None = None
    subject_id: str | None = None
    species: str | None = None
    sex: str | None = None
    genotype: str | None = None
    modality: tuple[str, ...] | None = None
    modalities_all: tuple[str, ...] | None = None
    project: str | None = None
    institution: str | None = None
    data_level: str | None = None
    qc_status: str | None = None
    process_label: str | None = None
    acquired_after: datetime | None = None
    acquired_before: datetime | None = None
    investigator: str | None = None
    experimenter: str | None = None
    funding: str | None = None
    session_type: str | None = None
    instrument_id: str | None = None
    location: str | None = None  # the location or anything under it: s3://bucket, file:///data/store
    registered_after: datetime | None = None
    registered_before: datetime | None = None
    acquisition_duration_min: float | None = None  # seconds; every _min / _max is inclusive
    acquisition_duration_max: float | None = None
    subject_age_at_acquisition_min: int | None = None  # days
    subject_age_at_acquisition_max: int | None = None
    processing_duration_min: float | None = None  # seconds
    processing_duration_max: float | None = None
    file_count_min: int | None = None
    file_count_max: int | None = None
    total_size_min: int | None = None  # bytes
    total_size_max: int | None = None
    derived_from: str | None = None
    metadata: tuple[MetadataPredicate, ...] = ()
    all_of: tuple[AssetFilter, ...] = field(default=())
    any_of: tuple[AssetFilter, ...] = field(default=())
    none_of: AssetFilter | None = None

    def without(self, *names: str) -> AssetFilter:
        """The same filter less some top-level fields: a facet counts under the *other* filters."""
        cleared: dict[str, Any] = dict.fromkeys(names)
        return replace(self, **cleared)


EQUALS = {
    "name": Asset.name,
    "kind": Asset.kind,
    "subject_id": Asset.subject_id,
    "species": Asset.species,
    "sex": Asset.sex,
    "genotype": Asset.genotype,
    "project": Asset.project,
    "institution": Asset.institution,
    "data_level": Asset.data_level,
    "qc_status": Asset.qc_status,
    "process_label": Asset.process_label,
    "session_type": Asset.session_type,
    "instrument_id": Asset.instrument_id,
}
TERMS = {
    "investigator": TermKind.INVESTIGATOR,
    "experimenter": TermKind.EXPERIMENTER,
    "funding": TermKind.FUNDING,
}
"""Filter fields matching one value of a multi-valued dimension (a row of ``asset_terms``)."""
RANGES = {
    "acquisition_duration": Asset.acquisition_duration,
    "subject_age_at_acquisition": Asset.subject_age_at_acquisition,
    "processing_duration": Asset.processing_duration,
    "file_count": Asset.file_count,
    "total_size": Asset.total_size,
}
"""Measures filtered by ``<name>_min`` and ``<name>_max``, both inclusive."""


def condition(dialect: str, spec: AssetFilter | None) -> ColumnElement[bool]:
    """One boolean over ``Asset`` columns (subqueries for modalities, lineage and metadata)."""
    if spec is None:
        return true()
    parts: list[ColumnElement[bool]] = [
        _known(column, column == getattr(spec, name))
        for name, column in EQUALS.items()
        if getattr(spec, name) is not None
    ]
    if spec.name_contains:
        parts.append(func.lower(Asset.name).contains(spec.name_contains.lower(), autoescape=True))
    if spec.acquired_after is not None:
        parts.append(_known(Asset.acquired_at, Asset.acquired_at >= spec.acquired_after))
    if spec.acquired_before is not None:
        parts.append(_known(Asset.acquired_at, Asset.acquired_at < spec.acquired_before))
    if spec.registered_after is not None:
        parts.append(_known(Asset.registered_at, Asset.registered_at >= spec.registered_after))
    if spec.registered_before is not None:
        parts.append(_known(Asset.registered_at, Asset.registered_at < spec.registered_before))
    parts += _ranges(spec)
    parts += [
        Asset.id.in_(select(AssetTerm.asset_id).where(AssetTerm.kind == kind, AssetTerm.value == value))
        for name, kind in TERMS.items()
        if (value := getattr(spec, name)) is not None
    ]
    if spec.location is not None:
        parts.append(_known(Asset.location, _under(Asset.location, spec.location)))
    if spec.modality is not None:
        parts.append(
            Asset.id.in_(select(AssetModality.asset_id).where(AssetModality.abbreviation.in_(spec.modality)))
        )
    if spec.modalities_all:
        wanted = set(spec.modalities_all)
        parts.append(
            Asset.id.in_(
                select(AssetModality.asset_id)
                .where(AssetModality.abbreviation.in_(wanted))
                .group_by(AssetModality.asset_id)
                .having(func.count() == len(wanted))
            )
        )
    if spec.derived_from is not None:
        parts.append(
            Asset.id.in_(
                select(ProvenanceEdge.derived_id).where(ProvenanceEdge.input_name == spec.derived_from)
            )
        )
    parts += [metadata_condition(dialect, p) for p in spec.metadata]
    parts += [condition(dialect, sub) for sub in spec.all_of]
    if spec.any_of:
        parts.append(or_(*(condition(dialect, sub) for sub in spec.any_of)))
    if spec.none_of is not None:
        parts.append(not_(condition(dialect, spec.none_of)))
    return and_(true(), *parts)


def _ranges(spec: AssetFilter) -> list[ColumnElement[bool]]:
    parts = []
    for name, column in RANGES.items():
        low, high = getattr(spec, f"{name}_min"), getattr(spec, f"{name}_max")
        if low is not None:
            parts.append(_known(column, column >= low))
        if high is not None:
            parts.append(_known(column, column <= high))
    return parts


def _under(column: Any, prefix: str) -> ColumnElement[bool]:
    """The location itself or one below it, by whole path segments: ``s3://open`` is not a
    prefix of ``s3://open-2/x``."""
    root = prefix.rstrip("/")
    return or_(column == root, column.startswith(f"{root}/", autoescape=True))


def _known(column: Any, comparison: ColumnElement[bool]) -> ColumnElement[bool]:
    """Two-valued: a missing value fails the comparison instead of making it unknown, so that
    ``not`` is the complement people expect."""
    return and_(column.is_not(None), comparison)


def metadata_condition(dialect: str, spec: MetadataPredicate) -> ColumnElement[bool]:
    """Some current version of the named document of the asset satisfies the predicate."""
    content = MetadataDocument.__table__.c.content
    if bool(spec.element_match) == (spec.op is not None) or (spec.element_match and spec.value is not None):
        raise Invalid("a metadata predicate takes either op (and value) or elementMatch")
    if spec.op == "NE":
        return not_(metadata_condition(dialect, replace(spec, op="EQ")))
    if spec.op == "EXISTS" and spec.value is False:
        return not_(metadata_condition(dialect, replace(spec, value=True)))
    if spec.op is None:
        conditions = [(e.path, e.op, e.value) for e in spec.element_match]
        holds = jsonpath.element_match(dialect, content, spec.path, conditions)
    else:
        holds = jsonpath.predicate(dialect, content, spec.path, spec.op, spec.value)
    return Asset.id.in_(
        select(MetadataDocument.asset_id).where(
            MetadataDocument.document == spec.document, MetadataDocument.is_current.is_(True), holds
        )
    )
