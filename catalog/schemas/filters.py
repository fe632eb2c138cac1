"""Which assets a request means: the asset filter and its metadata predicates."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.utils.str_converters import to_camel_case

from catalog.conventions.names import AssetKind
from catalog.errors import Invalid
from catalog.limits import MAX_FILTER_PARTS, MAX_IN_VALUES, MAX_NAMES
from catalog.schemas.enums import PredicateOp
from catalog.schemas.paths import UNIFIED, MetadataPath
from catalog.schemas.zones import UTC_ZONE

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from catalog.conventions.modalities import Vocabulary


_COMPARED = (
    "with op EQ, NE, LT, LTE, GT or GTE and no value: numbers (strings written as numbers too) "
    "compare as numbers, ISO dates and date-times as instants, other strings as strings"
)
_OTHER_PATH_OF_ELEMENT = f"Compare with another field of the same element instead of a value, {_COMPARED}."
_OTHER_PATH = (
    f"Compare with another field (any value it reaches) instead of a value, {_COMPARED}; "
    "of this document unless otherDocument names another document of the asset."
)


@strawberry.input(description="One condition of an elementMatch, its path read from the element.")
class ElementPredicate:
    path: str = strawberry.field(description="e.g. injection_volume, channel.laser_power")
    op: PredicateOp
    value: JSON | None = None
    other_path: str | None = strawberry.field(default=None, description=_OTHER_PATH_OF_ELEMENT)

    def as_condition(self) -> tuple[str, str, Any, str | None]:
        """The condition as the dialects take it: (path, op, value, other path)."""
        return (self.path, self.op, self.value, self.other_path)


@strawberry.input(description="Any field of any metadata document, by a dot path that crosses arrays.")
class MetadataPredicate:
    document: str = strawberry.field(description="e.g. subject, acquisition, session, procedures")
    path: str = strawberry.field(description="e.g. tiles.channel.laser_power")
    op: PredicateOp | None = strawberry.field(default=None, description="Omitted with elementMatch.")
    value: JSON | None = None
    element_match: list[ElementPredicate] | None = strawberry.field(
        default=None, description="Conditions that must all hold on one element the path reaches."
    )
    unified: bool = strawberry.field(default=False, description=UNIFIED)
    other_path: str | None = strawberry.field(default=None, description=_OTHER_PATH)
    other_document: str | None = strawberry.field(
        default=None,
        description="The document of the asset otherPath is read in (by default this predicate's document).",
    )
    absent_from: MetadataPath | None = strawberry.field(
        default=None,
        description=(
            "With op EXISTS: the path reaches a value that no asset has at this other document and path "
            "(an anti-join, e.g. an instrument id no instrument document names)."
        ),
    )


_ANY = f"Any of these (at most {MAX_IN_VALUES}; an empty list matches nothing)."


@strawberry.input(
    description=(
        "Conditions that must all hold; and/or/not combine filters. Bounds named after/min/max "
        "are inclusive, before/strictlyAfter/above/below exclusive, onOrBefore inclusive."
    )
)
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
    record_created_after: datetime | None = strawberry.field(
        default=None, description="The metadata record was created at or after this time."
    )
    record_created_before: datetime | None = None
    record_modified_after: datetime | None = strawberry.field(
        default=None, description="The metadata record was last modified at or after this time."
    )
    record_modified_before: datetime | None = None
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
    names: list[str] | None = strawberry.field(
        default=None, description=f"Any of these names (at most {MAX_NAMES})."
    )
    subject_ids: list[str] | None = strawberry.field(default=None, description=_ANY)
    genotypes: list[str] | None = strawberry.field(default=None, description=_ANY)
    projects: list[str] | None = strawberry.field(default=None, description=_ANY)
    institutions: list[str] | None = strawberry.field(default=None, description=_ANY)
    data_levels: list[str] | None = strawberry.field(default=None, description=_ANY)
    qc_statuses: list[str] | None = strawberry.field(default=None, description=_ANY)
    process_labels: list[str] | None = strawberry.field(default=None, description=_ANY)
    session_types: list[str] | None = strawberry.field(default=None, description=_ANY)
    instrument_ids: list[str] | None = strawberry.field(default=None, description=_ANY)
    investigators: list[str] | None = strawberry.field(default=None, description=_ANY)
    experimenters: list[str] | None = strawberry.field(default=None, description=_ANY)
    case_insensitive: bool = strawberry.field(
        default=False,
        description=(
            "Exact text fields (name, subjectId, genotype, project, institution, dataLevel, qcStatus, "
            "processLabel, sessionType, instrumentId, species, sex, investigator, experimenter, funding "
            "and the lists) ignore the case of ASCII letters, in this filter and every filter nested "
            "in it. modality, nameContains and text always do; location never does."
        ),
    )
    location_matches: str | None = strawberry.field(
        default=None,
        description=(
            "The whole location matches this pattern, case-sensitively: * is any run of characters "
            "(/ included), ? any one character (e.g. s3://aind-open-data/SmartSPIM_*)."
        ),
    )
    acquired_strictly_after: datetime | None = strawberry.field(default=None, description="Exclusive (>).")
    acquired_on_or_before: datetime | None = strawberry.field(default=None, description="Inclusive (<=).")
    registered_strictly_after: datetime | None = strawberry.field(default=None, description="Exclusive (>).")
    registered_on_or_before: datetime | None = strawberry.field(default=None, description="Inclusive (<=).")
    acquisition_duration_above: float | None = strawberry.field(
        default=None, description="Seconds, exclusive."
    )
    acquisition_duration_below: float | None = strawberry.field(
        default=None, description="Seconds, exclusive."
    )
    subject_age_at_acquisition_above: int | None = strawberry.field(
        default=None, description="Days, exclusive."
    )
    subject_age_at_acquisition_below: int | None = strawberry.field(
        default=None, description="Days, exclusive."
    )
    processing_duration_above: float | None = strawberry.field(
        default=None, description="Seconds, exclusive."
    )
    processing_duration_below: float | None = strawberry.field(
        default=None, description="Seconds, exclusive."
    )
    file_count_above: int | None = strawberry.field(default=None, description="Exclusive.")
    file_count_below: int | None = strawberry.field(default=None, description="Exclusive.")
    total_size_above: float | None = strawberry.field(default=None, description="Bytes, exclusive.")
    total_size_below: float | None = strawberry.field(default=None, description="Bytes, exclusive.")
    completeness_above: float | None = strawberry.field(default=None, description="0 to 1, exclusive.")
    completeness_below: float | None = strawberry.field(default=None, description="0 to 1, exclusive.")
    missing: list[str] | None = strawberry.field(
        default=None,
        description="Lacking any of these required items, as Asset.missing names them: a document "
        f"(procedures) or a field (subject.genotype). {_ANY}",
    )
    complete: bool | None = strawberry.field(
        default=None, description="Lacks no required document or field (false: lacks some)."
    )
    completeness_min: float | None = strawberry.field(
        default=None, description="The share of required items present, 0 to 1, inclusive."
    )
    completeness_max: float | None = strawberry.field(default=None, description="0 to 1, inclusive.")
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


def prepared(
    spec: AssetFilter | None, vocabulary: Vocabulary, zone: ZoneInfo = UTC_ZONE
) -> AssetFilter | None:
    """The filter as the database reads it: within the size every front door allows, with
    modality terms spelled as the vocabulary spells them (a name or an abbreviation both work),
    and a date or date-time without an offset read in ``zone`` (UTC unless the request names one)."""
    if spec is None:
        return None
    _check_size(spec)
    return _normalized(spec, vocabulary, zone)


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
        _check_lists(current)
        pending += current.nested()


def _check_lists(spec: AssetFilter) -> None:
    """Every list of values (``projects``, ``modality``...) within its limit: an ``IN`` each."""
    for field in dataclasses.fields(spec):
        values = getattr(spec, field.name)
        limit = MAX_NAMES if field.name == "names" else MAX_IN_VALUES
        if isinstance(values, list) and values and isinstance(values[0], str) and len(values) > limit:
            raise Invalid(f"the filter's {to_camel_case(field.name)} lists more than {limit} values")


def _normalized(spec: AssetFilter, vocabulary: Vocabulary, zone: ZoneInfo) -> AssetFilter:
    moments: dict[str, Any] = {name: _zoned(getattr(spec, name), zone) for name in MOMENTS}
    return dataclasses.replace(
        spec,
        modality=_terms(spec.modality, vocabulary),
        modalities_all=_terms(spec.modalities_all, vocabulary),
        **moments,
        and_=[_normalized(sub, vocabulary, zone) for sub in spec.and_] if spec.and_ is not None else None,
        or_=[_normalized(sub, vocabulary, zone) for sub in spec.or_] if spec.or_ is not None else None,
        not_=_normalized(spec.not_, vocabulary, zone) if spec.not_ is not None else None,
    )


MOMENTS = (
    "acquired_after",
    "acquired_before",
    "registered_after",
    "registered_before",
    "record_created_after",
    "record_created_before",
    "record_modified_after",
    "record_modified_before",
    "acquired_strictly_after",
    "acquired_on_or_before",
    "registered_strictly_after",
    "registered_on_or_before",
)
"""The filter's time fields: a value without an offset is read in the request's time zone."""


def _zoned(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.replace(tzinfo=zone) if moment is not None and moment.tzinfo is None else moment


def _terms(values: list[str] | None, vocabulary: Vocabulary) -> list[str] | None:
    if values is None:
        return None
    resolved = (vocabulary.resolve(value) for value in values)
    return [term.abbreviation if term else value for term, value in zip(resolved, values, strict=True)]
