"""What reading an asset's documents yields: the fields the catalog indexes. A plain result shared by
every field family (each fills its own fields) and by registration, which turns it into an asset row, its
provenance edges and its warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date, datetime

    from catalog.conventions.modalities import ModalityTerm


@dataclass(frozen=True, slots=True)
class InputRef:
    """One input of a derived asset: its asset name when known, where it was read from, or both."""

    name: str | None
    location: str | None
    source: str


@dataclass(slots=True)
class Extracted:
    """The fields the catalog indexes, read from one asset's documents."""

    name: str | None = None
    subject_id: str | None = None
    species: str | None = None
    sex: str | None = None
    date_of_birth: date | None = None
    genotype: str | None = None
    modalities: list[ModalityTerm] = field(default_factory=list)
    project: str | None = None
    institution: str | None = None
    investigators: list[str] = field(default_factory=list)
    experimenters: list[str] = field(default_factory=list)
    funding: list[str] = field(default_factory=list)
    data_level: str | None = None
    acquired_start: datetime | None = None
    acquired_end: datetime | None = None
    instrument_id: str | None = None
    session_type: str | None = None
    qc_status: str | None = None
    processed_start: datetime | None = None
    processed_end: datetime | None = None
    inputs: list[InputRef] = field(default_factory=list)
    schema_versions: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
