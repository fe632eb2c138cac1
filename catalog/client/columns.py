"""The columns of an asset as the client reads it, declared once: each names where its value is
in the API's ``Asset`` (from which the GraphQL selection is written) and what kind of value it
is (from which a record holds Python values and a table its dtypes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Sequence

Kind = Literal["text", "category", "datetime", "date", "integer", "float", "object"]
"""``category``: text with few distinct values (modality, project, species), which pandas keeps
as a categorical; ``object``: a Python value per asset as the API gives it (a list of investigators)."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    path: tuple[str, ...]
    """Field names from the ``Asset`` down; a list on the way yields a list of values."""
    kind: Kind


def _column(name: str, path: str, kind: Kind) -> Column:
    return Column(name, tuple(path.split(".")), kind)


ASSET_COLUMNS = (
    _column("name", "name", "text"),
    _column("kind", "kind", "category"),
    _column("subject_id", "subject.subjectId", "text"),
    _column("species", "subject.species", "category"),
    _column("sex", "subject.sex", "category"),
    _column("genotype", "subject.genotype", "category"),
    _column("date_of_birth", "subject.dateOfBirth", "date"),
    _column("modalities", "modalities.abbreviation", "category"),
    _column("project", "project", "category"),
    _column("institution", "institution", "category"),
    _column("data_level", "dataLevel", "category"),
    _column("session_type", "sessionType", "category"),
    _column("instrument_id", "instrumentId", "category"),
    _column("qc_status", "qcStatus", "category"),
    _column("process_label", "processLabel", "category"),
    _column("acquired_at", "acquiredAt", "datetime"),
    _column("acquired_end", "acquiredEnd", "datetime"),
    _column("acquisition_duration", "acquisitionDuration", "float"),
    _column("subject_age_at_acquisition", "subjectAgeAtAcquisition", "integer"),
    _column("processing_duration", "processingDuration", "float"),
    _column("investigators", "investigators", "object"),
    _column("experimenters", "experimenters", "object"),
    _column("funding", "funding", "object"),
    _column("registered_at", "registeredAt", "datetime"),
    _column("record_created", "recordCreated", "datetime"),
    _column("record_modified", "recordModified", "datetime"),
    _column("location", "location", "text"),
    _column("file_count", "fileCount", "integer"),
    _column("total_size", "totalSize", "integer"),
    _column("completeness", "completeness", "float"),
)


def selection(columns: tuple[Column, ...]) -> str:
    """The GraphQL selection that fetches these columns: ``name subject { subjectId }``."""
    tree: dict[str, Any] = {}
    for column in columns:
        node = tree
        for field in column.path:
            node = node.setdefault(field, {})
    return _spelled(tree)


def _spelled(tree: dict[str, Any]) -> str:
    return " ".join(f"{field} {{ {_spelled(below)} }}" if below else field for field, below in tree.items())


def record(node: dict[str, Any], columns: tuple[Column, ...]) -> dict[str, Any]:
    """An answer's object as ``{column: Python value}``: datetimes aware, dates as dates, sizes
    as integers; a text column reached through a list (modalities) joins its values."""
    return {column.name: _typed(_reached(node, column.path), column.kind) for column in columns}


def cells(values: Sequence[Any], kind: Kind) -> Sequence[Any]:
    """A column of an ``assetTable`` as ``tables.columns_frame`` takes it: text read through a
    list (modalities) joined as ``record`` joins it; other values as the API wrote them (ISO
    times, numbers), which pandas parses a whole column at a time."""
    if kind in ("text", "category"):
        return [_typed(value, kind) if isinstance(value, list) else value for value in values]
    return values


def _reached(value: Any, path: tuple[str, ...]) -> Any:
    for position, field in enumerate(path):
        if isinstance(value, list):
            return [_reached(item, path[position:]) for item in value]
        if value is None:
            return None
        value = value.get(field)
    return value


def _typed(value: Any, kind: Kind) -> Any:
    if value is None or kind == "object":
        return value
    if isinstance(value, list):
        return ", ".join(sorted(str(item) for item in value if item is not None))
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "integer":
        return int(value)
    if kind == "float":
        return float(value)
    return value
