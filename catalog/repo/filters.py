"""Which assets a request means: the plain-data ``AssetFilter`` compiled to one SQL condition.

This is the one place a filter becomes SQL: pages, counts, facets, aggregates, manifests and
provenance all call ``condition``."""

from __future__ import annotations

import math
import operator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, exists, false, func, literal, not_, or_, select, true

from catalog.conventions.modalities import spellings
from catalog.db.models import (
    Asset,
    AssetModality,
    AssetTerm,
    MetadataContent,
    MetadataDocument,
    ProvenanceEdge,
    TermKind,
)
from catalog.db.patterns import caseless_pattern, literal_pattern
from catalog.db.types import MAX_BIGINT
from catalog.errors import Invalid
from catalog.limits import MAX_CASELESS_CHARS, MAX_GLOB_CHARS
from catalog.repo import documents, paths, values
from catalog.repo.selections import found_elsewhere
from catalog.schemas.enums import PredicateOp

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy import Select

    from catalog.db.dialects import Dialect
    from catalog.db.dialects.base import ConditionSpec
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
    "completeness": Asset.completeness,
}
"""Measures filtered by ``<name>_min`` and ``<name>_max`` (inclusive), ``<name>_above`` and
``<name>_below`` (exclusive)."""
BOUNDS = (
    ("min", operator.ge, math.ceil),
    ("max", operator.le, math.floor),
    ("above", operator.gt, math.floor),
    ("below", operator.lt, math.ceil),
)
"""Each bound of a range: its suffix, its comparison, and how a size bound rounds to whole bytes."""
TIMES = {
    "acquired_after": (Asset.acquired_at, operator.ge),
    "acquired_strictly_after": (Asset.acquired_at, operator.gt),
    "acquired_before": (Asset.acquired_at, operator.lt),
    "acquired_on_or_before": (Asset.acquired_at, operator.le),
    "registered_after": (Asset.registered_at, operator.ge),
    "registered_strictly_after": (Asset.registered_at, operator.gt),
    "registered_before": (Asset.registered_at, operator.lt),
    "registered_on_or_before": (Asset.registered_at, operator.le),
    "record_created_after": (Asset.record_created, operator.ge),
    "record_created_before": (Asset.record_created, operator.lt),
    "record_modified_after": (Asset.record_modified, operator.ge),
    "record_modified_before": (Asset.record_modified, operator.lt),
}
"""The time bounds of a filter (``schemas.filters.MOMENTS``), each with the comparison it makes:
``…after`` and ``…on_or_before`` inclusive, ``…strictly_after`` and ``…before`` exclusive."""
LISTS = {
    "names": "name",
    "subject_ids": "subject_id",
    "genotypes": "genotype",
    "projects": "project",
    "institutions": "institution",
    "data_levels": "data_level",
    "qc_statuses": "qc_status",
    "process_labels": "process_label",
    "session_types": "session_type",
    "instrument_ids": "instrument_id",
    "investigators": "investigator",
    "experimenters": "experimenter",
}
"""The list form of a field of ``EQUALS`` or ``TERMS``: any of its values (none: no asset)."""


def condition(dialect: Dialect, spec: AssetFilter | None, *, caseless: bool = False) -> ColumnElement[bool]:
    """One boolean over ``Asset`` columns (subqueries for modalities, lineage and metadata);
    ``caseless``: an enclosing filter compares text ignoring case."""
    if spec is None:
        return true()
    caseless = caseless or spec.case_insensitive
    parts = _texts(dialect, spec, caseless)
    if spec.name_contains:
        parts.append(func.lower(Asset.name).contains(spec.name_contains.lower(), autoescape=True))
    if spec.text:
        parts.extend(_mentions(word) for word in spec.text.lower().split())
    parts += [
        _known(column, compare(column, value))
        for name, (column, compare) in TIMES.items()
        if (value := getattr(spec, name)) is not None
    ]
    parts += _ranges(spec)
    parts += _lacking(spec)
    if spec.location is not None:
        parts.append(_known(Asset.location, _under(Asset.location, spec.location)))
    if spec.location_matches is not None:
        parts.append(
            _known(Asset.location, dialect.matches(Asset.location, _location_regex(spec.location_matches)))
        )
    if spec.modality is not None:
        parts.append(Asset.id.in_(_holding_modality(spec.modality)))
    parts += [Asset.id.in_(_holding_modality([term])) for term in dict.fromkeys(spec.modalities_all or ())]
    if spec.derived_from is not None:
        parts.append(
            Asset.id.in_(
                select(ProvenanceEdge.derived_id).where(ProvenanceEdge.input_name == spec.derived_from)
            )
        )
    parts += [metadata_condition(dialect, p) for p in spec.metadata or ()]
    parts += [condition(dialect, sub, caseless=caseless) for sub in spec.and_ or ()]
    if spec.or_ is not None:  # an empty "or" holds for no asset, as an empty "and" holds for all
        parts.append(or_(false(), *(condition(dialect, sub, caseless=caseless) for sub in spec.or_)))
    if spec.not_ is not None:
        parts.append(not_(condition(dialect, spec.not_, caseless=caseless)))
    return and_(true(), *parts)


def _texts(dialect: Dialect, spec: AssetFilter, caseless: bool) -> list[ColumnElement[bool]]:
    """The exact text fields, single-valued and listed: the asset's column, or one of its term
    rows, holds one of the values."""
    asked = [(name, [value]) for name in (*EQUALS, *TERMS) if (value := getattr(spec, name)) is not None]
    asked += [
        (name, values) for plural, name in LISTS.items() if (values := getattr(spec, plural)) is not None
    ]
    parts: list[ColumnElement[bool]] = []
    for name, values in asked:
        if name in TERMS:
            holds = _one_of(dialect, AssetTerm.value, values, caseless=caseless)
            parts.append(Asset.id.in_(select(AssetTerm.asset_id).where(AssetTerm.kind == TERMS[name], holds)))
        else:
            column = EQUALS[name]
            parts.append(
                _known(column, _one_of(dialect, column, values, caseless=caseless and name != "kind"))
            )
    return parts


def _one_of(dialect: Dialect, column: Any, values: Sequence[str], *, caseless: bool) -> ColumnElement[bool]:
    """``column`` equals one of ``values``; ``caseless``, with ASCII letters in either case, by a
    pattern both engines read alike (their ``lower()`` differ beyond ASCII)."""
    if not caseless:
        equal: ColumnElement[bool] = column == values[0] if len(values) == 1 else column.in_(values)
        return equal
    if not values:
        return false()
    if sum(map(len, values)) > MAX_CASELESS_CHARS:
        raise Invalid(f"a case-insensitive field compares at most {MAX_CASELESS_CHARS} characters in all")
    return dialect.matches(column, rf"(?s)\A(?:{'|'.join(map(caseless_pattern, values))})\Z")


def _holding_modality(terms: Sequence[str]) -> Select[Any]:
    """The assets holding one of the modality terms, case-insensitively, a vocabulary term in any
    of its spellings (``SPIM`` as ``SmartSPIM``...): records keep the term as written."""
    wanted = sorted(set().union(*map(spellings, terms)))
    return select(AssetModality.asset_id).where(func.lower(AssetModality.abbreviation).in_(wanted))


def _location_regex(glob: str) -> str:
    """The whole location matching ``glob``: ``*`` any run of characters, ``?`` any one, every
    other character itself."""
    if not glob or len(glob) > MAX_GLOB_CHARS:
        raise Invalid(f"a location pattern has 1 to {MAX_GLOB_CHARS} characters")
    pieces = {"*": ".*", "?": "."}
    return rf"(?s)\A{''.join(pieces.get(c) or literal_pattern(c) for c in glob)}\Z"


def _ranges(spec: AssetFilter) -> list[ColumnElement[bool]]:
    parts = []
    for name, column in RANGES.items():
        for suffix, compare, rounding in BOUNDS:
            bound = getattr(spec, f"{name}_{suffix}")
            if name == "total_size":  # given as Floats (sizes exceed 2^31), compared as whole bytes
                bound = _whole_bytes(rounding, bound)
            if bound is not None:
                parts.append(_known(column, compare(column, bound)))
    return parts


def _lacking(spec: AssetFilter) -> list[ColumnElement[bool]]:
    """``missing`` (any of these items, a row each in ``asset_terms``) and ``complete``."""
    parts: list[ColumnElement[bool]] = []
    if spec.missing is not None:
        lacking = select(AssetTerm.asset_id).where(
            AssetTerm.kind == TermKind.MISSING, AssetTerm.value.in_(spec.missing)
        )
        parts.append(Asset.id.in_(lacking))
    if spec.complete is not None:
        whole = Asset.completeness >= 1
        parts.append(_known(Asset.completeness, whole if spec.complete else not_(whole)))
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
    """Some current version of the named document of the asset satisfies the predicate. The
    predicate is evaluated over the distinct contents (``metadata_contents``), once each, and the
    documents holding one that satisfies it are found by ``content_id``: a subject's documents
    repeat across its assets."""
    if paths.is_unified(spec):  # every schema generation's spelling of the path, each read below
        return paths.expanded(spec, lambda one: metadata_condition(dialect, one))
    content = MetadataContent.__table__.c.content
    if bool(spec.element_match) == (spec.op is not None) or (spec.element_match and spec.value is not None):
        raise Invalid("a metadata predicate takes either op (and value) or elementMatch")
    if spec.other_document is not None and spec.other_path is None:
        raise Invalid("otherDocument names where otherPath is read: give otherPath")
    if spec.other_path is not None and (spec.element_match or spec.value is not None):
        raise Invalid("otherPath compares with another field instead of a value or elementMatch")
    absent_ok = spec.op == PredicateOp.EXISTS and spec.value in (None, True, False)  # type: ignore[comparison-overlap]
    if spec.absent_from is not None and not absent_ok:
        raise Invalid(
            "absentFrom goes with op EXISTS: some value reached that no asset has at the other path"
        )
    if spec.op == PredicateOp.NE:
        return not_(metadata_condition(dialect, replace(spec, op=PredicateOp.EQ)))
    # JSON is NewType("JSON", object) to mypy, so a bool looks impossible; any JSON value comes here.
    if spec.op == PredicateOp.EXISTS and spec.value is False:  # type: ignore[comparison-overlap]
        return not_(metadata_condition(dialect, replace(spec, value=True)))
    current = (MetadataDocument.document == spec.document, MetadataDocument.is_current.is_(True))
    if spec.absent_from is not None:
        found = dialect.reached(content, spec.path)
        unmatched = and_(found.condition, ~found_elsewhere(dialect, spec.absent_from, found))
        holds: ColumnElement[bool] = exists(select(literal(1)).select_from(found.source).where(unmatched))
    elif spec.op is None:
        conditions = [e.as_condition() for e in spec.element_match or ()]
        holds = dialect.element_match(content, spec.path, conditions)
        if dialect.indexes_values:
            return _indexed_element_match(spec, conditions, current, holds)
    elif spec.other_path is None:
        holds = dialect.predicate(content, spec.path, spec.op, spec.value)
        if dialect.indexes_values and values.served(spec.op, spec.value):
            return Asset.id.in_(values.holding(spec.document, spec.path, spec.op, spec.value))
    elif spec.other_document in (None, spec.document):
        holds = dialect.compare_fields(content, spec.path, spec.op, content, spec.other_path)
    else:  # a field of another current document of the same asset: a pair of contents
        other = MetadataDocument.__table__.alias("other_document")
        other_joined, other_content = documents.with_contents(other, "other_content")
        compared = dialect.compare_fields(content, spec.path, spec.op, other_content, spec.other_path)
        pairs = (
            select(MetadataDocument.asset_id)
            .select_from(documents.CURRENT_WITH_CONTENTS)
            .join(other_joined, other.c.asset_id == MetadataDocument.asset_id)
            .where(*current, other.c.document == spec.other_document, other.c.is_current.is_(True))
        )
        return Asset.id.in_(pairs.where(compared))
    return Asset.id.in_(select(MetadataDocument.asset_id).where(*current, _holding(holds)))


def _holding(holds: ColumnElement[bool]) -> ColumnElement[bool]:
    """The document's content is one of those satisfying ``holds`` (a condition on
    ``MetadataContent.content`` alone), each evaluated once."""
    return MetadataDocument.content_id.in_(select(MetadataContent.id).where(holds))


def _indexed_element_match(
    spec: MetadataPredicate,
    conditions: Sequence[ConditionSpec],
    current: Sequence[ColumnElement[bool]],
    holds: ColumnElement[bool],
) -> ColumnElement[bool]:
    """An element match read from the index of values, the contents parsed (``holds``: a content
    holding a matching element) only where the index cannot tell: those of the few documents it
    leaves, read through the join, else each distinct content once."""
    verdicts = values.element_verdicts(spec.document, spec.path, conditions)
    if verdicts is not None:
        # Both CTEs: verdicts is read twice and computed once (SQLite materialises a CTE used
        # twice), and the JSON reading, deep already, is parsed at the top of the statement
        # (SQLite's parser has a bounded stack).
        unsure = select(verdicts.c.asset_id).where(verdicts.c.verdict.is_(None))
        rechecked = (
            select(MetadataDocument.asset_id)
            .select_from(documents.CURRENT_WITH_CONTENTS)
            .where(*current, holds, MetadataDocument.asset_id.in_(unsure))
            .cte()
        )
        return or_(
            Asset.id.in_(select(verdicts.c.asset_id).where(verdicts.c.verdict == 1)),
            Asset.id.in_(select(rechecked.c.asset_id)),
        )
    narrowed = values.candidates(spec.document, spec.path, conditions)
    if narrowed is None:
        return Asset.id.in_(select(MetadataDocument.asset_id).where(*current, _holding(holds)))
    # the documents read only where the index leaves a chance
    found = (
        select(MetadataDocument.asset_id).select_from(documents.CURRENT_WITH_CONTENTS).where(*current, holds)
    )
    return Asset.id.in_(found.where(MetadataDocument.asset_id.in_(narrowed)))
