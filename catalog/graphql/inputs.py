"""GraphQL inputs for finding assets, and their translation into the repo's filter."""

from __future__ import annotations

import enum
import math
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import ColumnElement
from strawberry.scalars import JSON

from catalog.conventions.modalities import Vocabulary
from catalog.errors import Invalid
from catalog.graphql.context import Info
from catalog.graphql.enums import AssetKind
from catalog.repo import filters
from catalog.repo.pages import DEFAULT_ORDER, ORDERABLE, Order

MAX_FILTER_NODES = 64


@strawberry.enum
class PredicateOp(enum.Enum):
    EQ = "EQ"
    NE = "NE"
    LT = "LT"
    LTE = "LTE"
    GT = "GT"
    GTE = "GTE"
    IN = "IN"
    CONTAINS = "CONTAINS"
    ICONTAINS = "ICONTAINS"
    MATCHES = "MATCHES"
    EXISTS = "EXISTS"
    LENGTH_EQ = "LENGTH_EQ"
    LENGTH_GT = "LENGTH_GT"
    LENGTH_LT = "LENGTH_LT"


@strawberry.input(description="One condition of an elementMatch, its path read from the element.")
class ElementPredicate:
    path: str = strawberry.field(description="e.g. injection_volume, channel.laser_power")
    op: PredicateOp
    value: JSON | None = None


@strawberry.input(description="Any field of any metadata document, by a dot path that crosses arrays.")
class MetadataPredicate:
    document: str = strawberry.field(description="e.g. subject, acquisition, session, procedures")
    path: str = strawberry.field(description="e.g. tiles.channel.laser_power")
    op: PredicateOp | None = strawberry.field(default=None, description="Omitted with elementMatch.")
    value: JSON | None = None
    element_match: list[ElementPredicate] | None = strawberry.field(
        default=None, description="Conditions that must all hold on one element the path reaches."
    )


@strawberry.input(description="Conditions that must all hold; and/or/not combine filters.")
class AssetFilter:
    name: str | None = None
    name_contains: str | None = None
    kind: AssetKind | None = None
    subject_id: str | None = None
    species: str | None = None
    sex: str | None = None
    genotype: str | None = None
    modality: list[str] | None = strawberry.field(default=None, description="Any of these modalities.")
    modalities_all: list[str] | None = strawberry.field(default=None, description="All of these modalities.")
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
    location: str | None = strawberry.field(
        default=None,
        description="This location or any below it, by whole segments (e.g. s3://aind-open-data).",
    )
    registered_after: datetime | None = None
    registered_before: datetime | None = None
    acquisition_duration_min: float | None = strawberry.field(default=None, description="Seconds, inclusive.")
    acquisition_duration_max: float | None = strawberry.field(default=None, description="Seconds, inclusive.")
    subject_age_at_acquisition_min: int | None = strawberry.field(
        default=None, description="Days, inclusive."
    )
    subject_age_at_acquisition_max: int | None = strawberry.field(
        default=None, description="Days, inclusive."
    )
    processing_duration_min: float | None = strawberry.field(default=None, description="Seconds, inclusive.")
    processing_duration_max: float | None = strawberry.field(default=None, description="Seconds, inclusive.")
    file_count_min: int | None = None
    file_count_max: int | None = None
    total_size_min: float | None = strawberry.field(default=None, description="Bytes, inclusive.")
    total_size_max: float | None = strawberry.field(default=None, description="Bytes, inclusive.")
    derived_from: str | None = strawberry.field(default=None, description="Derived directly from this asset.")
    metadata: list[MetadataPredicate] | None = None
    and_: list[AssetFilter] | None = strawberry.field(default=None, name="and")
    or_: list[AssetFilter] | None = strawberry.field(default=None, name="or")
    not_: AssetFilter | None = strawberry.field(default=None, name="not")


@strawberry.enum
class AssetOrderField(enum.Enum):
    NAME = "NAME"
    ACQUIRED_AT = "ACQUIRED_AT"
    REGISTERED_AT = "REGISTERED_AT"
    SUBJECT_ID = "SUBJECT_ID"
    PROJECT = "PROJECT"
    SPECIES = "SPECIES"
    KIND = "KIND"
    DATA_LEVEL = "DATA_LEVEL"
    QC_STATUS = "QC_STATUS"
    FILE_COUNT = "FILE_COUNT"
    TOTAL_SIZE = "TOTAL_SIZE"
    ACQUISITION_DURATION = "ACQUISITION_DURATION"
    SUBJECT_AGE_AT_ACQUISITION = "SUBJECT_AGE_AT_ACQUISITION"
    PROCESSING_DURATION = "PROCESSING_DURATION"


assert {f.value for f in AssetOrderField} == set(ORDERABLE), "every orderable column is exposed"


@strawberry.enum
class SortDirection(enum.Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input
class AssetOrder:
    field: AssetOrderField
    direction: SortDirection = SortDirection.ASC


def to_orders(orders: list[AssetOrder] | None) -> tuple[Order, ...]:
    if not orders:
        return DEFAULT_ORDER
    return tuple(Order(o.field.value, o.direction is SortDirection.DESC) for o in orders)


def to_filter(
    spec: AssetFilter | None, vocabulary: Vocabulary, budget: list[int] | None = None
) -> filters.AssetFilter | None:
    """The repo's filter; modality terms are spelled as the vocabulary spells them."""
    if spec is None:
        return None
    budget = budget if budget is not None else [MAX_FILTER_NODES]
    budget[0] -= 1
    if budget[0] < 0:
        raise Invalid(f"the filter has more than {MAX_FILTER_NODES} nested parts")
    nested = [to_filter(sub, vocabulary, budget) for sub in spec.and_ or []]
    return filters.AssetFilter(
        name=spec.name,
        name_contains=spec.name_contains,
        kind=spec.kind.value if spec.kind else None,
        subject_id=spec.subject_id,
        species=spec.species,
        sex=spec.sex,
        genotype=spec.genotype,
        modality=_terms(spec.modality, vocabulary),
        modalities_all=_terms(spec.modalities_all, vocabulary),
        project=spec.project,
        institution=spec.institution,
        data_level=spec.data_level,
        qc_status=spec.qc_status,
        process_label=spec.process_label,
        acquired_after=spec.acquired_after,
        acquired_before=spec.acquired_before,
        investigator=spec.investigator,
        experimenter=spec.experimenter,
        funding=spec.funding,
        session_type=spec.session_type,
        instrument_id=spec.instrument_id,
        location=spec.location,
        registered_after=spec.registered_after,
        registered_before=spec.registered_before,
        **_ranges(spec),
        derived_from=spec.derived_from,
        metadata=tuple(
            filters.MetadataPredicate(
                p.document,
                p.path,
                p.op.value if p.op else None,
                p.value,
                tuple(filters.ElementPredicate(e.path, e.op.value, e.value) for e in p.element_match or []),
            )
            for p in spec.metadata or []
        ),
        all_of=tuple(f for f in nested if f is not None),
        any_of=tuple(
            f for f in (to_filter(sub, vocabulary, budget) for sub in spec.or_ or []) if f is not None
        ),
        none_of=to_filter(spec.not_, vocabulary, budget),
    )


def _ranges(spec: AssetFilter) -> dict[str, Any]:
    """Every ``<measure>_min`` / ``_max``; sizes arrive as Floats and compare as whole bytes."""
    found = {f"{m}_{end}": getattr(spec, f"{m}_{end}") for m in filters.RANGES for end in ("min", "max")}
    if spec.total_size_min is not None:
        found["total_size_min"] = math.ceil(spec.total_size_min)
    if spec.total_size_max is not None:
        found["total_size_max"] = math.floor(spec.total_size_max)
    return found


def _terms(values: list[str] | None, vocabulary: Vocabulary) -> tuple[str, ...] | None:
    if values is None:
        return None
    resolved = (vocabulary.resolve(value) for value in values)
    return tuple(term.abbreviation if term else value for term, value in zip(resolved, values, strict=True))


def where_clause(info: Info, spec: AssetFilter | None) -> ColumnElement[bool]:
    """The SQL condition an API filter means, in the request's dialect and vocabulary."""
    return filters.condition(info.context.db.dialect, to_filter(spec, info.context.vocabulary))
