"""Which assets a request means: the plain-data ``AssetFilter`` compiled to one SQL condition.

This is the one place a filter becomes SQL: pages, counts, facets, aggregates, manifests and
provenance all call ``condition``."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select, true

from catalog.db.models import Asset, AssetModality, AssetTerm, MetadataDocument, ProvenanceEdge, TermKind
from catalog.db.types import MAX_BIGINT
from catalog.errors import Invalid
from catalog.schemas.enums import PredicateOp

if TYPE_CHECKING:
    from collections.abc import Callable

    from catalog.db.dialects import Dialect
    from catalog.schemas.filters import AssetFilter, MetadataPredicate


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


def condition(dialect: Dialect, spec: AssetFilter | None) -> ColumnElement[bool]:
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
    if spec.text:
        parts.extend(_mentions(word) for word in spec.text.lower().split())
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
    parts += [metadata_condition(dialect, p) for p in spec.metadata or ()]
    parts += [condition(dialect, sub) for sub in spec.and_ or ()]
    if spec.or_ is not None:  # an empty "or" holds for no asset, as an empty "and" holds for all
        parts.append(or_(false(), *(condition(dialect, sub) for sub in spec.or_)))
    if spec.not_ is not None:
        parts.append(not_(condition(dialect, spec.not_)))
    return and_(true(), *parts)


def _ranges(spec: AssetFilter) -> list[ColumnElement[bool]]:
    parts = []
    for name, column in RANGES.items():
        low, high = getattr(spec, f"{name}_min"), getattr(spec, f"{name}_max")
        if name == "total_size":  # given as Floats (sizes exceed 2^31), compared as whole bytes
            low = _whole_bytes(math.ceil, low)
            high = _whole_bytes(math.floor, high)
        if low is not None:
            parts.append(_known(column, column >= low))
        if high is not None:
            parts.append(_known(column, column <= high))
    return parts


def _whole_bytes(rounding: Callable[[float], int], value: float | None) -> int | None:
    """A size bound as a BIGINT: beyond its range a bound is the range's end, not an overflow."""
    if value is None:
        return None
    return max(-MAX_BIGINT - 1, min(MAX_BIGINT, rounding(value)))


def _under(column: Any, prefix: str) -> ColumnElement[bool]:
    """The location itself or one below it, by whole path segments: ``s3://open`` is not a
    prefix of ``s3://open-2/x``."""
    root = prefix.rstrip("/")
    return or_(column == root, column.startswith(f"{root}/", autoescape=True))


def _mentions(word: str) -> ColumnElement[bool]:
    """One word of a free-text search, part of the name, the subject id or the project."""
    return or_(
        *(
            func.lower(func.coalesce(column, "")).contains(word, autoescape=True)
            for column in (Asset.name, Asset.subject_id, Asset.project)
        )
    )


def _known(column: Any, comparison: ColumnElement[bool]) -> ColumnElement[bool]:
    """Two-valued: a missing value fails the comparison instead of making it unknown, so that
    ``not`` is the complement people expect."""
    return and_(column.is_not(None), comparison)


def metadata_condition(dialect: Dialect, spec: MetadataPredicate) -> ColumnElement[bool]:
    """Some current version of the named document of the asset satisfies the predicate."""
    content = MetadataDocument.__table__.c.content
    if bool(spec.element_match) == (spec.op is not None) or (spec.element_match and spec.value is not None):
        raise Invalid("a metadata predicate takes either op (and value) or elementMatch")
    if spec.op == PredicateOp.NE:
        return not_(metadata_condition(dialect, replace(spec, op=PredicateOp.EQ)))
    # JSON is NewType("JSON", object) to mypy, so a bool looks impossible; any JSON value comes here.
    if spec.op == PredicateOp.EXISTS and spec.value is False:  # type: ignore[comparison-overlap]
        return not_(metadata_condition(dialect, replace(spec, value=True)))
    if spec.op is None:
        conditions = [(e.path, e.op, e.value) for e in spec.element_match or ()]
        holds = dialect.element_match(content, spec.path, conditions)
    else:
        holds = dialect.predicate(content, spec.path, spec.op, spec.value)
    return Asset.id.in_(
        select(MetadataDocument.asset_id).where(
            MetadataDocument.document == spec.document, MetadataDocument.is_current.is_(True), holds
        )
    )
