"""From a name and its metadata documents to everything the catalog records about an asset.

Pure (no I/O): the one place where names, metadata and vocabulary meet, shared by folder
ingest, bucket index and record import so all three register the same facts."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from catalog.conventions.metadata import Extracted, assess_completeness, extract
from catalog.conventions.metadata.reader import Reader
from catalog.conventions.names import AssetKind, AssetName, is_valid_name, parse_name
from catalog.db import valueindex
from catalog.db.types import JSONText

if TYPE_CHECKING:
    from collections.abc import Mapping

    from catalog.conventions.modalities import Vocabulary


@dataclass(frozen=True, slots=True)
class Edge:
    input_name: str
    source: str  # "name", "processing" or "data_description"
    location: str | None = None


@dataclass(slots=True)
class Description:
    """What registration writes: the asset row's fields, documents, modalities and edges."""

    name: AssetName
    fields: dict[str, Any]
    documents: dict[str, Any]
    encoded: dict[str, JSONText]  # each document as canonical JSON, encoded once
    schema_versions: dict[str, str]
    modalities: list[str]
    edges: list[Edge]
    digest: str
    warnings: list[str] = field(default_factory=list)
    walked: dict[str, dict[valueindex.Key, valueindex.Occurrence]] | None = None

    def indexed_values(self) -> dict[str, dict[valueindex.Key, valueindex.Occurrence]]:
        """Each written document's values as the embedded default's value index keeps them
        (``catalog.db.valueindex``): walked on first ask, which an import makes in its worker
        thread while the previous batch is written."""
        if self.walked is None:
            self.walked = {name: WALKS.of(text, self.documents[name]) for name, text in self.encoded.items()}
        return self.walked


class Walks:
    """The value-index walks of the documents described last, by content (their canonical JSON):
    a subject's procedures, an instrument, a pipeline's processing repeat across many assets, and
    walking a large document costs more than encoding it. The walks are shared, never changed; they
    are kept up to about ``budget`` bytes (texts and walks), the oldest dropped first."""

    ENTRY = 400
    """Bytes a walk's entry takes, about (its key and occurrence; measured on real documents)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.walked: dict[str, tuple[dict[valueindex.Key, valueindex.Occurrence], int]] = {}
        self.lock = threading.Lock()

    def of(self, text: str, document: Any) -> dict[valueindex.Key, valueindex.Occurrence]:
        """The walk of ``document``, whose canonical JSON is ``text``."""
        with self.lock:
            kept = self.walked.get(text)
        if kept is not None:
            return kept[0]
        found = valueindex.indexed_values(document)
        weight = len(text) + self.ENTRY * len(found)
        with self.lock:
            while self.walked and self.used + weight > self.budget:
                self.used -= self.walked.pop(next(iter(self.walked)))[1]
            if weight <= self.budget and text not in self.walked:
                self.walked[text] = (found, weight)
                self.used += weight
        return found


WALKS = Walks(64 * 2**20)


CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
"""Canonical JSON (sorted keys, compact, UTF-8 as is), built once: ``json.dumps`` with these options
builds an encoder per call, a cost paid for every document registered."""


def encode(documents: Mapping[str, Any]) -> dict[str, JSONText]:
    """Each document as canonical JSON: stored and hashed as is."""
    return {name: JSONText(CANONICAL.encode(content)) for name, content in documents.items()}


def metadata_digest(encoded: Mapping[str, str]) -> str:
    """A content hash of all documents (their canonical JSON as one object): equal digests mean
    identical metadata."""
    members = ",".join(f"{CANONICAL.encode(name)}:{encoded[name]}" for name in sorted(encoded))
    return hashlib.sha256(f"{{{members}}}".encode()).hexdigest()


def describe(
    name: str,
    documents: Mapping[str, Any],
    vocabulary: Vocabulary,
    *,
    record: Mapping[str, Any] | None = None,
) -> Description:
    """Raises InvalidName for a bad name; anything unreadable in metadata becomes a warning.
    ``record``: the whole record an import reads the documents from (for its own times)."""
    parsed = parse_name(name)
    facts = extract(documents, vocabulary)
    warnings = list(facts.warnings)
    if parsed.out_of_order:
        warnings.append(f"name: {parsed.out_of_order}")
    modalities = _modalities(facts, vocabulary, warnings)
    edges = _edges(parsed, facts, warnings)
    if facts.name and facts.name != name:
        warnings.append(f"data_description.name: {facts.name!r} differs from the asset name")
    fields = _fields(parsed, facts, warnings)
    fields.update(measures(fields, warnings))
    fields.update(_record_times(record, warnings))
    derived = parsed.kind is AssetKind.DERIVED or fields["data_level"] == "derived"
    lacking = assess_completeness(documents, derived=derived)
    fields.update(missing=lacking.missing, completeness=lacking.score)
    encoded = encode(documents)
    return Description(
        name=parsed,
        fields=fields,
        documents=dict(documents),
        encoded=encoded,
        schema_versions=dict(facts.schema_versions),
        modalities=modalities,
        edges=edges,
        digest=metadata_digest(encoded),
        warnings=warnings,
    )


RECORD_TIMES = {"record_created": "created", "record_modified": "last_modified"}
"""The asset columns holding a DocDB record's own times, and the record's keys."""


def _record_times(record: Mapping[str, Any] | None, warnings: list[str]) -> dict[str, datetime | None]:
    """When the record was created and last modified: DocDB writes UTC, with or without the
    offset. None outside an imported record, or where the record has no such time."""
    reader = Reader({})
    times = {
        column: reader.time_of(f"record.{key}", (record or {}).get(key), UTC)
        for column, key in RECORD_TIMES.items()
    }
    warnings += reader.warnings
    return times


def _modalities(facts: Extracted, vocabulary: Vocabulary, warnings: list[str]) -> list[str]:
    warnings.extend(
        f"data_description.modalities: {term.abbreviation!r} is not in the modality vocabulary "
        "(add it to CATALOG_EXTRA_MODALITIES if it is a term of your lab)"
        for term in facts.modalities
        if not term.known
    )
    return list(dict.fromkeys(term.abbreviation for term in facts.modalities))


def _edges(parsed: AssetName, facts: Extracted, warnings: list[str]) -> list[Edge]:
    """Inputs by the naming convention and by metadata; a disagreement is worth a warning."""
    edges: dict[tuple[str, str], Edge] = {}
    if parsed.parent_name:
        edges[(parsed.parent_name, "name")] = Edge(parsed.parent_name, "name")
    named_inputs = set()
    for ref in facts.inputs:
        if ref.name and is_valid_name(ref.name) and ref.name != parsed.name:
            named_inputs.add(ref.name)
            edges.setdefault((ref.name, ref.source), Edge(ref.name, ref.source, ref.location))
    if parsed.parent_name and named_inputs and not named_inputs & {parsed.parent_name, parsed.primary_name}:
        warnings.append(
            f"provenance: the name says the input is {parsed.parent_name!r}, "
            f"metadata says {', '.join(sorted(named_inputs))}"
        )
    return list(edges.values())


def _name_time(value: datetime, what: str, warnings: list[str]) -> datetime:
    warnings.append(f"{what}: taken from the asset name; its time zone is not recorded, UTC assumed")
    return value.replace(tzinfo=UTC)


def _fields(parsed: AssetName, facts: Extracted, warnings: list[str]) -> dict[str, Any]:
    subject_id = facts.subject_id or parsed.subject_id
    if facts.subject_id and facts.subject_id != parsed.subject_id:
        warnings.append(
            f"subject.subject_id: {facts.subject_id!r} differs from the name's {parsed.subject_id!r}"
        )
    acquired = facts.acquired_start or _name_time(parsed.acquired, "acquisition start", warnings)
    processed = facts.processed_start
    if parsed.processed and processed is None:
        processed = _name_time(parsed.processed, "processing time", warnings)
    derived = parsed.kind is AssetKind.DERIVED
    return {
        "kind": parsed.kind.value,
        "label": parsed.label,
        "subject_id": subject_id,
        "species": facts.species,
        "sex": facts.sex,
        "date_of_birth": facts.date_of_birth,
        "genotype": facts.genotype,
        "project": facts.project,
        "institution": facts.institution,
        "investigators": facts.investigators,
        "experimenters": facts.experimenters,
        "funding": facts.funding,
        "data_level": facts.data_level or ("derived" if derived else "raw"),
        "acquired_at": acquired,
        "acquired_end": facts.acquired_end,
        "instrument_id": facts.instrument_id,
        "session_type": facts.session_type,
        "qc_status": facts.qc_status,
        "process_label": parsed.process_label,
        "processed_at": processed,
        "processed_end": facts.processed_end,
    }


MAX_ACQUISITION = timedelta(days=366)
MAX_PROCESSING = timedelta(days=10 * 366)
MAX_AGE_DAYS = 100 * 366
"""Beyond these a measure is an error in the metadata (a wrong year, a placeholder date), not a fact."""


def measures(fields: Mapping[str, Any], warnings: list[str]) -> dict[str, Any]:
    """What registration derives from an asset's times, computed once and stored to filter and
    order by: acquisition and processing durations in seconds (end − start), and the subject's
    age in whole days on the day of acquisition (that day where it was recorded, when the time
    zone is known). A negative or absurd value is left out with a warning."""
    acquired = fields.get("acquired_at")
    return {
        "acquisition_duration": _seconds(
            acquired, fields.get("acquired_end"), MAX_ACQUISITION, "acquisition duration", warnings
        ),
        "subject_age_at_acquisition": _age_days(fields.get("date_of_birth"), acquired, warnings),
        "processing_duration": _seconds(
            fields.get("processed_at"),
            fields.get("processed_end"),
            MAX_PROCESSING,
            "processing duration",
            warnings,
        ),
    }


def _seconds(
    start: datetime | None, end: datetime | None, ceiling: timedelta, what: str, warnings: list[str]
) -> float | None:
    if start is None or end is None:
        return None
    span = end - start
    if span < timedelta(0):
        warnings.append(
            f"{what}: the end {end.isoformat()} is before the start {start.isoformat()}; not recorded"
        )
        return None
    if span > ceiling:
        warnings.append(
            f"{what}: {span.days} days from {start.isoformat()} to {end.isoformat()} is more than "
            f"{ceiling.days}; not recorded"
        )
        return None
    return span.total_seconds()


def _age_days(born: date | None, acquired: datetime | None, warnings: list[str]) -> int | None:
    if born is None or acquired is None:
        return None
    days = (acquired.date() - born).days
    if not 0 <= days <= MAX_AGE_DAYS:
        warnings.append(
            f"subject age at acquisition: {days} days (born {born}, acquired {acquired.date()}) "
            "is not plausible; not recorded"
        )
        return None
    return days


def location_prefix(location: str | None) -> str | None:
    """Where an asset's data lives, coarsely, for filters and facets: ``scheme://host`` of a URI
    with a host (the bucket of ``s3://aind-open-data/<name>``, the server of an https URL); for a
    URI without one (``file:///data/store/<name>``) the folder holding the asset
    (``file:///data/store``). None for a location that is not a URI."""
    if not location:
        return None
    parts = urlsplit(location)
    if not parts.scheme or len(parts.scheme) == 1:  # a one-letter scheme is a Windows drive
        return None
    scheme = parts.scheme.lower()
    if parts.netloc:
        return f"{scheme}://{parts.netloc}"
    folder = parts.path.rstrip("/").rpartition("/")[0]
    return f"{scheme}://{folder}" if folder else None
