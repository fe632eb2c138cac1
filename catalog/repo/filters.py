"""Which assets a query means: a filter as plain data, compiled to one SQL condition.

The GraphQL layer turns its ``AssetFilter`` input into an ``AssetFilter`` here; facets,
pages, counts, manifests and provenance all compile it the same way."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, select, true

from catalog.db import jsonpath
from catalog.db.models import Asset, AssetModality, MetadataDocument, ProvenanceEdge


@dataclass(frozen=True, slots=True)
class MetadataPredicate:
    document: str
    path: str
    op: str
    value: Any = None


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
}


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


def _known(column: Any, comparison: ColumnElement[bool]) -> ColumnElement[bool]:
    """Two-valued: a missing value fails the comparison instead of making it unknown, so that
    ``not`` is the complement people expect."""
    return and_(column.is_not(None), comparison)


def metadata_condition(dialect: str, spec: MetadataPredicate) -> ColumnElement[bool]:
    """Some current version of the named document of the asset satisfies the predicate."""
    if spec.op == "NE":
        return not_(metadata_condition(dialect, replace(spec, op="EQ")))
    if spec.op == "EXISTS" and spec.value is False:
        return not_(metadata_condition(dialect, replace(spec, value=True)))
    holds = jsonpath.predicate(dialect, MetadataDocument.__table__.c.content, spec.path, spec.op, spec.value)
    return Asset.id.in_(
        select(MetadataDocument.asset_id).where(
            MetadataDocument.document == spec.document, MetadataDocument.is_current.is_(True), holds
        )
    )
