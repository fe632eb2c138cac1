"""What an asset's metadata lacks: the core documents it should carry and, in each document it has,
the fields that document's own schema version requires, read from the parsed JSON like every other
field family (no validation, never raising).

Where the requirements come from (``aind-data-schema`` is not installed; its rules are restated here
once, from its sources and ``docs/source``):

- **Documents.** ``aind-data-schema`` 2.x ``core/metadata.py``, ``REQUIRED_FILE_SETS``: an asset with a
  ``subject`` needs ``data_description``, ``procedures``, ``instrument`` and ``acquisition``. 1.x
  (``core/metadata.py`` with ``aind-data-schema-models`` 0.8.0 ``ExpectedFiles``) requires
  ``subject``, ``data_description`` and ``procedures`` for every modality, plus ``session`` and ``rig``
  (physiology, behaviour) or ``acquisition`` and ``instrument`` (imaging). Every asset is acquired from
  a subject (the naming convention puts its id in the name), so all five are required of every asset;
  ``processing`` too of a derived asset (the conventions: it carries ``processing.json``; 2.x: the
  file set of derived data). ``quality_control`` is optional in both generations. An optional
  document is not checked field by field: raw assets often carry a placeholder ``processing`` with
  no steps, which says nothing about what they lack.
- **One name per document across generations.** ``session`` or ``acquisition`` fills ``acquisition``,
  ``rig`` or ``instrument`` fills ``instrument``: a user asks for "records missing the instrument"
  without knowing which generation wrote them.
- **Fields** of each required document, by the version of the document at hand (0.x read like
  1.x, as everywhere in this package): the fields its pydantic model declares without a default (``Field(...)``), at 1.x
  (v1.4.0) and at 2.x (``docs/source/*.md``: types not ``Optional``). A field is named as 2.x names
  it (``acquisition.acquisition_start_time``, also for a 1.x ``session_start_time``) and a 2.x
  subject's ``subject_details`` are the subject's own fields (``subject.genotype``): one name per fact.
  Of the required fields only those saying something about the data are listed (not ``describedBy``,
  ``schema_version``, device lists or coordinate systems).

A field is missing when it is absent, null, blank text or an empty list or object. The score is the
share of required items present; a missing document counts as missing itself and every field its 2.x
shape requires, so lacking a whole subject weighs more than lacking a subject's genotype."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog.conventions.metadata.versions import major

Paths = tuple[tuple[str, ...], ...]
"""Where a shape keeps a field: alternative key paths, the first holding a value counts."""


def _fields(*fields: tuple[str, str]) -> tuple[tuple[str, Paths], ...]:
    """``(name, "a.b|c")``: the field's name and its key paths, ``|`` between alternatives."""
    return tuple((name, tuple(tuple(p.split(".")) for p in paths.split("|"))) for name, paths in fields)


_MOUSE = _fields(
    ("species", "subject_details.species"),
    ("sex", "subject_details.sex"),
    ("date_of_birth", "subject_details.date_of_birth"),
    ("genotype", "subject_details.genotype"),
)

FIELDS: dict[tuple[str, int], tuple[tuple[str, Paths], ...]] = {
    ("data_description", 1): _fields(
        ("subject_id", "subject_id"),
        ("creation_time", "creation_time|creation_date"),
        ("institution", "institution"),
        ("funding_source", "funding_source"),
        ("data_level", "data_level"),
        ("investigators", "investigators"),
        ("modalities", "modality|modalities"),
        ("platform", "platform"),
    ),
    ("data_description", 2): _fields(
        ("creation_time", "creation_time"),
        ("institution", "institution"),
        ("funding_source", "funding_source"),
        ("data_level", "data_level"),
        ("investigators", "investigators"),
        ("project_name", "project_name"),
        ("modalities", "modalities"),
    ),
    ("subject", 1): _fields(
        ("subject_id", "subject_id"),
        ("species", "species"),
        ("sex", "sex"),
        ("date_of_birth", "date_of_birth"),
    ),
    ("subject", 2): (*_fields(("subject_id", "subject_id")), *_MOUSE),
    ("procedures", 1): _fields(("subject_id", "subject_id")),
    ("procedures", 2): _fields(("subject_id", "subject_id")),
    ("session", 1): _fields(
        ("subject_id", "subject_id"),
        ("acquisition_start_time", "session_start_time"),
        ("acquisition_type", "session_type"),
        ("experimenters", "experimenter_full_name"),
        ("instrument_id", "rig_id"),
    ),
    ("acquisition", 1): _fields(
        ("subject_id", "subject_id"),
        ("acquisition_start_time", "session_start_time"),
        ("acquisition_end_time", "session_end_time"),
        ("experimenters", "experimenter_full_name"),
        ("instrument_id", "instrument_id"),
    ),
    ("acquisition", 2): _fields(
        ("subject_id", "subject_id"),
        ("acquisition_start_time", "acquisition_start_time"),
        ("acquisition_end_time", "acquisition_end_time"),
        ("acquisition_type", "acquisition_type"),
        ("instrument_id", "instrument_id"),
    ),
    ("rig", 1): _fields(
        ("instrument_id", "rig_id|instrument_id"), ("modification_date", "modification_date")
    ),
    ("instrument", 1): _fields(("modification_date", "modification_date")),
    ("instrument", 2): _fields(
        ("instrument_id", "instrument_id"), ("modification_date", "modification_date")
    ),
    ("processing", 1): _fields(("data_processes", "processing_pipeline.data_processes|data_processes")),
    ("processing", 2): _fields(("data_processes", "data_processes")),
}
"""The required fields of each document, by its name as written and its generation (1: 0.x and 1.x)."""

SUBJECT_DETAILS: dict[str, tuple[tuple[str, Paths], ...]] = {
    "Mouse subject": _MOUSE,
    "Human subject": _fields(
        ("sex", "subject_details.sex"), ("year_of_birth", "subject_details.year_of_birth")
    ),
    "Calibration object": (),
}
"""2.x ``subject_details`` by its ``object_type``: a human has a year of birth and no genotype, a
calibration object none of these (``components/subjects.md``)."""

DOCUMENTS: dict[str, tuple[str, ...]] = {
    "data_description": ("data_description",),
    "subject": ("subject",),
    "procedures": ("procedures",),
    "acquisition": ("acquisition", "session"),
    "instrument": ("instrument", "rig"),
    "processing": ("processing",),
}
"""Each document as the catalog names it, and the documents that fill it (the 2.x one first)."""

REQUIRED = ("data_description", "subject", "procedures", "acquisition", "instrument")
REQUIRED_OF_DERIVED = (*REQUIRED, "processing")
"""The documents an asset must carry, primary or derived."""


@dataclass(frozen=True, slots=True)
class Completeness:
    """The required items an asset lacks (``procedures``, ``subject.genotype``), in table order, and
    the share of required items it has (1.0 when it lacks none)."""

    missing: list[str]
    score: float


def assess_completeness(documents: Mapping[str, Any], *, derived: bool) -> Completeness:
    """What the asset's documents lack; ``derived``: the asset was computed from others."""
    missing: list[str] = []
    required = lacking = 0
    for name in REQUIRED_OF_DERIVED if derived else REQUIRED:
        found = next((s for s in DOCUMENTS[name] if isinstance(documents.get(s), Mapping)), None)
        if found is None:
            missing.append(name)
            weight = 1 + len(FIELDS[(name, 2)])
            required, lacking = required + weight, lacking + weight
            continue
        fields = _required_fields(found, documents[found])
        absent = [
            f"{name}.{field}"
            for field, paths in fields
            if not any(_holds(documents[found], path) for path in paths)
        ]
        missing += absent
        required, lacking = required + 1 + len(fields), lacking + len(absent)
    return Completeness(missing, (required - lacking) / required)


def _required_fields(name: str, document: Mapping[str, Any]) -> tuple[tuple[str, Paths], ...]:
    generation = 2 if major(document) >= 2 else 1
    fields = FIELDS[(name, generation)]
    if name == "subject" and generation == 2:
        details = document.get("subject_details")
        kind = details.get("object_type") if isinstance(details, Mapping) else None
        return fields[:1] + SUBJECT_DETAILS.get(str(kind), _MOUSE)
    return fields


def _holds(document: Mapping[str, Any], path: tuple[str, ...]) -> bool:
    """Whether the path reaches a value: not absent, null, blank, nor an empty list or object."""
    value: Any = document
    for key in path:
        if not isinstance(value, Mapping):
            return False
        value = value.get(key)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and value != [] and value != {}
