"""Aggregates: group the matching assets and measure each group."""

from __future__ import annotations

import strawberry

from catalog.schemas.enums import AggregateOp, Comparison, CountUnit, DateBucket, FacetField, MeasureField
from catalog.schemas.paths import MetadataPath


@strawberry.input(description="A dimension (field) or any metadata value (path), one of the two.")
class GroupKey:
    field: FacetField | None = None
    path: MetadataPath | None = None
    bucket: DateBucket | None = strawberry.field(
        default=None, description="Group a path's ISO dates by day, month or year."
    )
    element: str | None = strawberry.field(
        default=None, description="With unwind: a path read from each unwound element, e.g. procedure_type."
    )
    expression: str | None = strawberry.field(
        default=None,
        description=(
            "With unwind: arithmetic over paths of each unwound element (document:path for another "
            "document of the asset; days(path) for a date), e.g. animal_weight_post - animal_weight_prior."
        ),
    )
    as_: str | None = strawberry.field(
        default=None,
        name="as",
        description="Its name in columns and record; by default the field (project), the path "
        "(subject.genotype) or the element, with the bucket (_month).",
    )

    @property
    def name(self) -> str:
        if self.as_ is not None:
            return self.as_
        if self.field is not None:
            return self.field.lower()
        spelled = _spelled(self.path) if self.path is not None else self.element or ""
        return spelled + (f"_{self.bucket.lower()}" if self.bucket is not None else "")


@strawberry.input(
    description="What to compute per group: a typed field or the values a metadata path reaches."
)
class Measure:
    op: AggregateOp
    field: MeasureField | None = None
    path: MetadataPath | None = None
    unit: CountUnit = strawberry.field(
        default=CountUnit.ASSETS,
        description="What COUNT counts: assets, distinct subjects, or array elements.",
    )
    element: str | None = strawberry.field(
        default=None, description="With unwind: the values of a path read from each unwound element."
    )
    expression: str | None = strawberry.field(
        default=None,
        description=(
            "With unwind: arithmetic over paths of each unwound element, e.g. "
            "days(start_date) - days(subject:date_of_birth) (the subject's age in days at a procedure)."
        ),
    )
    as_: str | None = strawberry.field(
        default=None,
        name="as",
        description="Its name in columns and record; by default the op, what it reads and the unit: "
        "count, count_subjects, avg_acquisition_duration, max_acquired_at.",
    )

    @property
    def name(self) -> str:
        if self.as_ is not None:
            return self.as_
        target = _spelled(self.path) if self.path is not None else self.element
        if self.field is not None and self.field is not MeasureField.ASSET:
            target = self.field.lower()
        unit = self.unit.lower() if self.unit is not CountUnit.ASSETS else None
        return "_".join(part for part in (self.op.lower(), target, unit) if part)


def _spelled(path: MetadataPath) -> str:
    """A path as a default column name: document.path(.elementPath)."""
    return ".".join(part for part in (path.document, path.path, path.element_path) if part)


@strawberry.input(description="Keep groups whose measure (by its index in measures) compares so.")
class HavingPredicate:
    measure: int
    op: Comparison
    value: float


@strawberry.input(
    description="Order by a measure or a group key (by index); groups are always ordered by their keys last."
)
class AggregateOrder:
    measure: int | None = None
    key: int | None = None
    descending: bool = False
