"""Which assets a request means: the asset filter and its metadata predicates."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.scalars import JSON

from catalog.conventions.names import AssetKind
from catalog.errors import Invalid
from catalog.limits import MAX_FILTER_PARTS
from catalog.schemas.enums import PredicateOp

if TYPE_CHECKING:
    from catalog.conventions.modalities import Vocabulary


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
    text: str | None = strawberry.field(
        default=None,
        description="Free text: every word is part of the name, the subject id or the project (any case).",
    )
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

    def without(self, *names: str) -> AssetFilter:
        """The same filter less some top-level fields: a facet counts under the *other* filters."""
        cleared: dict[str, Any] = dict.fromkeys(names)
        return dataclasses.replace(self, **cleared)

    def nested(self) -> list[AssetFilter]:
        """The filters this one combines with and/or/not."""
        return [*(self.and_ or ()), *(self.or_ or ()), *([self.not_] if self.not_ else ())]


def prepared(spec: AssetFilter | None, vocabulary: Vocabulary) -> AssetFilter | None:
    """The filter as the database reads it: within the size every front door allows, with
    modality terms spelled as the vocabulary spells them (a name or an abbreviation both work),
    and a date or date-time without an offset read as UTC."""
    if spec is None:
        return None
    _check_size(spec)
    return _normalized(spec, vocabulary)


def _check_size(spec: AssetFilter) -> None:
    """Counted without recursion and stopped at the limit, however deep the filter nests."""
    parts, pending = 0, [spec]
    while pending:
        current = pending.pop()
        parts += 1 + len(current.metadata or ())
        if parts > MAX_FILTER_PARTS:
            raise Invalid(
                f"the filter has more than {MAX_FILTER_PARTS} parts (nested filters and predicates)"
            )
        pending += current.nested()


def _normalized(spec: AssetFilter, vocabulary: Vocabulary) -> AssetFilter:
    return dataclasses.replace(
        spec,
        modality=_terms(spec.modality, vocabulary),
        modalities_all=_terms(spec.modalities_all, vocabulary),
        acquired_after=_utc(spec.acquired_after),
        acquired_before=_utc(spec.acquired_before),
        registered_after=_utc(spec.registered_after),
        registered_before=_utc(spec.registered_before),
        and_=[_normalized(sub, vocabulary) for sub in spec.and_] if spec.and_ is not None else None,
        or_=[_normalized(sub, vocabulary) for sub in spec.or_] if spec.or_ is not None else None,
        not_=_normalized(spec.not_, vocabulary) if spec.not_ is not None else None,
    )


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _terms(values: list[str] | None, vocabulary: Vocabulary) -> list[str] | None:
    if values is None:
        return None
    resolved = (vocabulary.resolve(value) for value in values)
    return [term.abbreviation if term else value for term, value in zip(resolved, values, strict=True)]
