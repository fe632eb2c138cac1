"""Reading AIND metadata leniently, whatever its schema version (0.x, 1.x or 2.x).

Real records mix generations (a 1.x record may carry a 2.x data description and a 0.x rig), so
every document is read by its own ``schema_version`` where the shapes differ, straight from the
parsed JSON: no pydantic validation, which no single release of ``aind-data-schema`` would pass.
A value that cannot be read becomes ``None`` plus a warning ``"<document>.<field>: <problem>"``;
:func:`extract` never raises on a JSON object, so one odd record cannot stop an import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from catalog.conventions.modalities import ModalityTerm, Vocabulary
from catalog.conventions.names import is_valid_name
from catalog.errors import InvalidMetadata

CORE_DOCUMENTS: tuple[str, ...] = (
    "data_description",
    "subject",
    "procedures",
    "instrument",
    "rig",
    "acquisition",
    "session",
    "processing",
    "quality_control",
)

_QC_STATUSES = {"pass": "PASS", "fail": "FAIL", "pending": "PENDING"}
_SEXES = {"male": "Male", "female": "Female", "m": "Male", "f": "Female"}
_TIME_ONLY = re.compile(r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?")
# Cheap pre-filter before the strict name parser: a path element ending in _yyyy-mm-dd_HH-MM-SS.
_ENDS_LIKE_NAME = re.compile(r"_[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}\Z")
_PATH_ELEMENT = re.compile(r"[^/\\]+")

# Where each acquisition field lives across generations, in order of preference.
_START_TIMES = (
    ("session", "session_start_time"),
    ("acquisition", "acquisition_start_time"),
    ("acquisition", "session_start_time"),
)
_END_TIMES = (
    ("session", "session_end_time"),
    ("acquisition", "acquisition_end_time"),
    ("acquisition", "session_end_time"),
)
_INSTRUMENT_IDS = (
    ("instrument", "instrument_id"),
    ("rig", "rig_id"),
    ("rig", "instrument_id"),
    ("acquisition", "instrument_id"),
    ("session", "rig_id"),
)
_SESSION_TYPES = (
    ("session", "session_type"),
    ("acquisition", "acquisition_type"),
    ("acquisition", "session_type"),
)
_EXPERIMENTERS = (
    ("session", "experimenter_full_name"),
    ("acquisition", "experimenter_full_name"),
    ("acquisition", "experimenters"),
)


def read_document_file(path: Path) -> dict:
    """Parse one metadata file; a file that is not a JSON object is the user's error."""
    try:
        value = json.loads(path.read_bytes())
    except json.JSONDecodeError as error:
        raise InvalidMetadata(
            f"{path}: not valid JSON: {error.msg} (line {error.lineno} column {error.colno})"
        ) from error
    except UnicodeDecodeError as error:
        raise InvalidMetadata(f"{path}: not valid JSON: not UTF-8 text ({error.reason})") from error
    if not isinstance(value, dict):
        raise InvalidMetadata(f"{path}: expected a JSON object, got {_kind(value)}")
    return value


def documents_from_record(record: dict) -> dict[str, dict]:
    """The core documents of a whole-asset record (DocDB / ``metadata.nd.json``); nulls dropped."""
    if not isinstance(record, Mapping):
        return {}
    return {name: record[name] for name in CORE_DOCUMENTS if isinstance(record.get(name), dict)}


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


def extract(documents: Mapping[str, dict], vocabulary: Vocabulary) -> Extracted:
    """Read every indexed field from an asset's core documents, warning instead of failing."""
    reader = _Reader(documents)
    out = Extracted(warnings=reader.warnings)
    steps: list[tuple[str, Callable[[], None]]] = [
        ("schema_version", lambda: _read_schema_versions(reader, out)),
        ("data_description", lambda: _read_description(reader, out, vocabulary)),
        ("subject", lambda: _read_subject(reader, out)),
        ("acquisition", lambda: _read_acquisition(reader, out)),
        ("quality_control", lambda: _read_quality_control(reader, out)),
        ("processing", lambda: _read_processing(reader, out)),
    ]
    for where, step in steps:
        try:
            step()
        except Exception as error:  # a shape no rule foresaw must not stop an import of 10,000 assets
            reader.warn(where, f"could not be read ({type(error).__name__}: {error})")
    return out


# --- field families ------------------------------------------------------------------------------


def _read_schema_versions(reader: _Reader, out: Extracted) -> None:
    """Each document's own version: the one that decides how it is read."""
    for name, document in reader.documents.items():
        version = document.get("schema_version")
        if isinstance(version, str) and version.strip():
            out.schema_versions[name] = version.strip()
        elif version is None:
            reader.warn(f"{name}.schema_version", "missing")
        else:
            reader.warn(f"{name}.schema_version", f"expected text, got {_kind(version)}")


def _read_description(reader: _Reader, out: Extracted, vocabulary: Vocabulary) -> None:
    """Administrative fields of ``data_description``."""
    out.name = reader.text("data_description", "name")
    out.project = reader.text("data_description", "project_name")
    out.institution = reader.label("data_description", "institution")
    out.data_level = _data_level(reader)
    out.modalities = _modalities(reader, vocabulary)
    out.investigators = _unique(reader.names("data_description", "investigators"))
    out.funding = _unique(_funders(reader))


def _read_subject(reader: _Reader, out: Extracted) -> None:
    """Who was recorded; 2.x nests the animal's details under ``subject_details``."""
    out.subject_id = _subject_id(reader)
    where, body = _subject_body(reader)
    out.species = reader.label_of(f"{where}.species", body.get("species"), prefer="name")
    out.sex = _sex(reader, f"{where}.sex", body.get("sex"))
    out.date_of_birth = _birth_date(reader, f"{where}.date_of_birth", body.get("date_of_birth"))
    out.genotype = reader.text_of(f"{where}.genotype", body.get("genotype"))


def _read_acquisition(reader: _Reader, out: Extracted) -> None:
    """When, where and by whom: ``session``/``rig`` (1.x) or ``acquisition``/``instrument`` (2.x).

    Light-sheet 0.x/1.x records use an ``acquisition`` shaped like a session, so each key is
    looked up where it can occur rather than by the record's generation.
    """
    zone = _declared_zone(reader)
    _, out.acquired_start = reader.first_time(_START_TIMES, zone)
    end_field, out.acquired_end = reader.first_time(_END_TIMES, zone)
    if out.acquired_start is None:
        out.acquired_start = _creation_time(reader, out.data_level)
    if out.acquired_start and out.acquired_end and out.acquired_end < out.acquired_start:
        reader.warn(end_field, f"{out.acquired_end} is before the start {out.acquired_start}")
    out.instrument_id = reader.first_text(_INSTRUMENT_IDS)
    out.session_type = reader.first_text(_SESSION_TYPES)
    out.experimenters = _unique(name for place in _EXPERIMENTERS for name in reader.names(*place))


def _read_quality_control(reader: _Reader, out: Extracted) -> None:
    """One overall PASS / FAIL / PENDING, however the document states it."""
    qc = reader.document("quality_control")
    if not qc:
        return
    if "overall_status" in qc:
        status = _overall_status(reader, qc["overall_status"])
    elif _major(qc) >= 2 or "metrics" in qc:
        metrics = qc.get("metrics")
        status = _aggregate(_metric_statuses(reader, "quality_control.metrics", metrics, _allowed_tags(qc)))
    else:
        status = _aggregate(_evaluation_statuses(reader, qc))
    summary = qc.get("status")
    if status is None and summary is not None:
        values = summary.values() if isinstance(summary, Mapping) else [summary]
        status = _aggregate(_statuses(reader, "quality_control.status", values))
    out.qc_status = status


def _read_processing(reader: _Reader, out: Extracted) -> None:
    """When the asset was computed, and from what."""
    where, processes = _processes(reader)
    starts = reader.times(f"{where}[].start_date_time", (p.get("start_date_time") for p in processes))
    ends = reader.times(f"{where}[].end_date_time", (p.get("end_date_time") for p in processes))
    out.processed_start = min(starts, default=None)
    out.processed_end = max(ends, default=None)
    out.inputs = _inputs(reader, out, processes)


# --- data description ---------------------------------------------------------------------------


def _data_level(reader: _Reader) -> str | None:
    """``raw`` / ``derived``: old records say ``raw data``."""
    level = reader.text("data_description", "data_level")
    if level is None:
        return None
    level = level.casefold()
    return level.removesuffix(" data").strip() or None


def _modalities(reader: _Reader, vocabulary: Vocabulary) -> list[ModalityTerm]:
    """``modality`` (0.x/1.x: a string, an object or a list) or ``modalities`` (2.x)."""
    description = reader.document("data_description")
    keys = ("modalities", "modality") if _major(description) >= 2 else ("modality", "modalities")
    key = next((k for k in keys if description.get(k) is not None), keys[0])
    raw = description.get(key)
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    terms: dict[str, ModalityTerm] = {}
    for index, item in enumerate(items):
        term = vocabulary.resolve(item)
        if term is None:
            where = f"data_description.{key}" + (f"[{index}]" if isinstance(raw, list) else "")
            reader.warn(where, f"not a modality: {_kind(item)}")
        else:
            terms.setdefault(term.abbreviation, term)
    return list(terms.values())


def _funders(reader: _Reader) -> list[str]:
    """Funder abbreviation (else name) of each ``funding_source`` entry."""
    raw = reader.document("data_description").get("funding_source")
    if raw is None:
        return []
    entries = raw if isinstance(raw, list) else [raw]
    funders = []
    for index, entry in enumerate(entries):
        where = f"data_description.funding_source[{index}]"
        funder = entry.get("funder") if isinstance(entry, Mapping) else entry
        if isinstance(entry, Mapping):
            where += ".funder"
        label = reader.label_of(where, funder)
        if label is not None:
            funders.append(label)
    return funders


# --- subject ------------------------------------------------------------------------------------


def _subject_id(reader: _Reader) -> str | None:
    """``subject.subject_id``, else the data description's; ids are text even when numeric."""
    from_subject = reader.text("subject", "subject_id")
    from_description = reader.text("data_description", "subject_id")
    if from_subject and from_description and from_subject != from_description:
        reader.warn("data_description.subject_id", f"{from_description!r} differs from subject.subject_id")
    return from_subject or from_description


def _subject_body(reader: _Reader) -> tuple[str, Mapping[str, Any]]:
    """Where species, sex and birth date live: the subject itself, or 2.x ``subject_details``."""
    subject = reader.document("subject")
    details = subject.get("subject_details")
    version = _version(subject)
    nested = version >= (2, 0) if version else details is not None
    if not nested:
        return "subject", subject
    if isinstance(details, Mapping):
        return "subject.subject_details", details
    if details is not None:
        reader.warn("subject.subject_details", f"expected an object, got {_kind(details)}")
    return "subject.subject_details", {}


def _sex(reader: _Reader, where: str, value: object) -> str | None:
    """``Male`` / ``Female`` whatever the case; another word is kept, capitalised."""
    text = reader.text_of(where, value)
    if text is None:
        return None
    return _SEXES.get(text.casefold(), text.capitalize())


def _birth_date(reader: _Reader, where: str, value: object) -> date | None:
    """A calendar date; a full timestamp is cut to its date."""
    text = reader.text_of(where, value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        reader.warn(where, f"not an ISO 8601 date: {_quote(text)}")
        return None


# --- acquisition --------------------------------------------------------------------------------


def _declared_zone(reader: _Reader) -> tzinfo | None:
    """2.x ``acquisition_start_tz`` (a zone name or an hour offset), for naive acquisition times."""
    raw = reader.document("acquisition").get("acquisition_start_tz")
    if raw is None:
        return None
    try:
        if isinstance(raw, str):
            return ZoneInfo(raw.strip())
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return timezone(timedelta(hours=raw))
    except (ValueError, KeyError, OSError, OverflowError):
        pass
    reader.warn("acquisition.acquisition_start_tz", f"not a time zone: {_quote(raw)}")
    return None


def _creation_time(reader: _Reader, data_level: str | None) -> datetime | None:
    """The acquisition time of last resort: when a primary asset's description was written.

    A derived asset's ``creation_time`` is when it was computed, so it is not used. 0.x
    descriptions split it into ``creation_date`` and a time-only ``creation_time``.
    """
    description = reader.document("data_description")
    created, day = description.get("creation_time"), description.get("creation_date")
    if created is None and day is None:
        return None
    if data_level == "derived":
        reader.warn(
            "data_description.creation_time",
            "not used as the acquisition time: a derived asset's creation time is when it was computed",
        )
        return None
    if isinstance(created, str) and isinstance(day, str) and _TIME_ONLY.fullmatch(created.strip()):
        return reader.time_of("data_description.creation_date", f"{day.strip()}T{created.strip()}")
    if created is None:
        return reader.time_of("data_description.creation_date", day)
    return reader.time_of("data_description.creation_time", created)


# --- quality control ----------------------------------------------------------------------------


def _overall_status(reader: _Reader, raw: object) -> str | None:
    """Early 1.x ``overall_status``: a status history (latest last), one status object, or text."""
    if isinstance(raw, list):
        raw = raw[-1] if raw else None
    if isinstance(raw, Mapping):
        raw = raw.get("status")
    return _aggregate(_statuses(reader, "quality_control.overall_status", [raw]))


def _evaluation_statuses(reader: _Reader, qc: Mapping[str, Any]) -> list[str]:
    """1.x: each evaluation's ``latest_status``, else its metrics' (honouring allowed failures)."""
    statuses: list[str] = []
    for index, evaluation in enumerate(reader.objects("quality_control.evaluations", qc.get("evaluations"))):
        where = f"quality_control.evaluations[{index}]"
        latest = evaluation.get("latest_status")
        if latest is not None:
            statuses += _statuses(reader, f"{where}.latest_status", [latest])
            continue
        metrics = _metric_statuses(reader, f"{where}.metrics", evaluation.get("metrics"))
        if evaluation.get("allow_failed_metrics") is True:
            metrics = ["PASS" if status == "FAIL" else status for status in metrics]
        status = _aggregate(metrics)
        if status is not None:
            statuses.append(status)
    return statuses


def _metric_statuses(
    reader: _Reader, where: str, metrics: object, allowed_tags: frozenset[str] = frozenset()
) -> list[str]:
    """Each metric's latest status; a failure under an allowed tag (2.x) counts as a pass."""
    statuses = []
    for index, metric in enumerate(reader.objects(where, metrics)):
        found = _statuses(reader, f"{where}[{index}].status_history", [_latest(metric.get("status_history"))])
        tags = metric.get("tags")
        if (
            found == ["FAIL"]
            and isinstance(tags, list)
            and any(isinstance(tag, str) and tag in allowed_tags for tag in tags)
        ):
            found = ["PASS"]
        statuses += found
    return statuses


def _allowed_tags(qc: Mapping[str, Any]) -> frozenset[str]:
    """2.x ``allow_tag_failures``: tags whose failing metrics do not fail the asset."""
    allowed = qc.get("allow_tag_failures")
    return (
        frozenset(tag for tag in allowed if isinstance(tag, str))
        if isinstance(allowed, list)
        else frozenset()
    )


def _latest(history: object) -> object:
    """The status of the last entry of an (append-only) status history."""
    if isinstance(history, list) and history:
        last = history[-1]
        return last.get("status") if isinstance(last, Mapping) else last
    return None


def _statuses(reader: _Reader, where: str, values: Iterable[object]) -> list[str]:
    """Normalised statuses; an unknown word is warned about and left out."""
    statuses = []
    for value in values:
        if value is None:
            continue
        status = _QC_STATUSES.get(value.strip().casefold()) if isinstance(value, str) else None
        if status is None:
            reader.warn(where, f"not a QC status (Pass/Fail/Pending): {_quote(value)}")
        else:
            statuses.append(status)
    return statuses


def _aggregate(statuses: list[str]) -> str | None:
    """Any failure fails; all passing passes; anything else is still pending."""
    if not statuses:
        return None
    if "FAIL" in statuses:
        return "FAIL"
    return "PASS" if all(status == "PASS" for status in statuses) else "PENDING"


# --- processing ---------------------------------------------------------------------------------


def _processes(reader: _Reader) -> tuple[str, list[Mapping[str, Any]]]:
    """The pipeline's steps: top-level in 0.1/0.2 and 2.x, under ``processing_pipeline`` between."""
    processing = reader.document("processing")
    pipeline = processing.get("processing_pipeline")
    if pipeline is not None and not isinstance(pipeline, Mapping):
        reader.warn("processing.processing_pipeline", f"expected an object, got {_kind(pipeline)}")
    nested = (
        "processing.processing_pipeline.data_processes",
        pipeline.get("data_processes") if isinstance(pipeline, Mapping) else None,
    )
    flat = ("processing.data_processes", processing.get("data_processes"))
    version = _version(processing)
    places = [nested, flat] if version is None or (0, 3) <= version < (2, 0) else [flat, nested]
    where, raw = next(((w, value) for w, value in places if value is not None), places[0])
    return where, reader.objects(where, raw)


def _inputs(reader: _Reader, out: Extracted, processes: list[Mapping[str, Any]]) -> list[InputRef]:
    """Assets a derived asset was computed from, by name where one can be told.

    The data description's declared inputs win. Processing steps are the fallback for
    descriptions that declare none: a derived asset's processing also carries the upload steps
    of its primary asset, whose rig-side paths are not inputs. From processing, what another
    step of the run wrote (intermediate files) is left out, and once some location names an
    asset, unnamed container paths (``/tmp/nxf...``, ``../data/...``) are left out as working
    files. A raw asset's processing only reads the rig's files, so it yields no inputs.
    """
    refs = list(_declared_inputs(reader))
    if not refs and out.data_level != "raw":
        refs = list(_processing_inputs(processes))
        if any(ref.name for ref in refs):
            refs = [ref for ref in refs if ref.name]
    unique: dict[str, InputRef] = {}
    for ref in refs:
        if ref.name is None or ref.name != out.name:
            unique.setdefault(ref.name or ref.location or "", ref)
    return list(unique.values())


def _declared_inputs(reader: _Reader) -> Iterator[InputRef]:
    """1.x ``input_data_name`` (a name) and 2.x ``source_data`` (a list of names)."""
    description = reader.document("data_description")
    for key in ("input_data_name", "source_data", "input_data"):
        raw = description.get(key)
        if raw is None:
            continue
        for index, item in enumerate(raw if isinstance(raw, list) else [raw]):
            ref = _input_ref(item, "data_description")
            if ref is None:
                reader.warn(f"data_description.{key}[{index}]", f"not an asset name: {_quote(item)}")
            else:
                yield ref


def _processing_inputs(processes: list[Mapping[str, Any]]) -> Iterator[InputRef]:
    """Each step's ``input_location`` (0.x/1.x) or ``code.input_data`` (2.x) not written in the run."""
    outputs = {
        location.rstrip("/\\")
        for process in processes
        for location in (process.get("output_location"), process.get("output_path"))
        if isinstance(location, str) and location.strip()
    }
    for process in processes:
        code = process.get("code")
        items = [process.get("input_location"), process.get("input_locations")]
        if isinstance(code, Mapping):
            items.append(code.get("input_data"))
        for item in items:
            for value in item if isinstance(item, list) else [item]:
                ref = _input_ref(value, "processing")
                if ref is not None and not _written_in_run(ref.location, outputs):
                    yield ref


def _written_in_run(location: str | None, outputs: set[str]) -> bool:
    """Whether ``location`` is, or lies under, another step's output."""
    if location is None:
        return False
    return location in outputs or any(location.startswith((f"{out}/", f"{out}\\")) for out in outputs)


def _input_ref(value: object, source: str) -> InputRef | None:
    """An input from a name, a location, or a 2.x data asset object ``{name, url}``."""
    if isinstance(value, Mapping):
        name, url = _clean(value.get("name")), _clean(value.get("url"))
        located = _from_location(url, source) if url else None
        if name is None:
            return located
        return InputRef(name=name, location=located.location if located else None, source=source)
    text = _clean(value)
    return _from_location(text, source) if text else None


def _from_location(text: str, source: str) -> InputRef:
    """Name the input after the last path element that is an asset name; cut the path there.

    ``s3://bucket/ecephys_655568_2022-04-26_11-48-09/ecephys_clipped`` gives that name and the
    location ``s3://bucket/ecephys_655568_2022-04-26_11-48-09``; a bare name has no location.
    """
    text = text.rstrip("/\\")
    for element in reversed(list(_PATH_ELEMENT.finditer(text))):
        name = element.group()
        if _ENDS_LIKE_NAME.search(name) and is_valid_name(name):
            location = text[: element.end()]
            return InputRef(name=name, location=None if location == name else location, source=source)
    return InputRef(name=None, location=text, source=source)


# --- reading primitives -------------------------------------------------------------------------


class _Reader:
    """The documents of one asset, plus the warnings collected while reading them."""

    __slots__ = ("documents", "warnings")

    def __init__(self, documents: object) -> None:
        self.warnings: list[str] = []
        self.documents: dict[str, Mapping[str, Any]] = {}
        if not isinstance(documents, Mapping):
            self.warn("documents", f"expected an object of documents, got {_kind(documents)}")
            return
        for name in CORE_DOCUMENTS:
            document = documents.get(name)
            if isinstance(document, Mapping):
                self.documents[name] = document
            elif document is not None:
                self.warn(name, f"expected a JSON object, got {_kind(document)}")

    def warn(self, where: str, problem: str) -> None:
        self.warnings.append(f"{where}: {problem}")

    def document(self, name: str) -> Mapping[str, Any]:
        """The document, or an empty one when the asset has none."""
        return self.documents.get(name, {})

    def text(self, document: str, key: str) -> str | None:
        return self.text_of(f"{document}.{key}", self.document(document).get(key))

    def text_of(self, where: str, value: object) -> str | None:
        """Stripped non-empty text; numbers are written as text, anything else is warned about."""
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _number_text(value)  # ids: 655568 and "655568" are the same subject
        self.warn(where, f"expected text, got {_kind(value)}")
        return None

    def label(self, document: str, key: str) -> str | None:
        return self.label_of(f"{document}.{key}", self.document(document).get(key))

    def label_of(self, where: str, value: object, prefer: str = "abbreviation") -> str | None:
        """Text, or an organisation/species object's abbreviation or name (``prefer`` first)."""
        if isinstance(value, Mapping):
            other = "name" if prefer == "abbreviation" else "abbreviation"
            for key in (prefer, other):
                text = value.get(key)
                if isinstance(text, str) and text.strip():
                    return text.strip()
            self.warn(where, "an object with neither name nor abbreviation")
            return None
        return self.text_of(where, value)

    def names(self, document: str, key: str) -> list[str]:
        """People: a list of names or of ``{name: ...}`` objects (or a single one of either)."""
        raw = self.document(document).get(key)
        if raw is None:
            return []
        names = []
        for index, item in enumerate(raw if isinstance(raw, list) else [raw]):
            where = f"{document}.{key}" + (f"[{index}]" if isinstance(raw, list) else "")
            value = item.get("name") if isinstance(item, Mapping) else item
            name = self.text_of(f"{where}.name" if isinstance(item, Mapping) else where, value)
            if name is not None:
                names.append(name)
        return names

    def objects(self, where: str, raw: object) -> list[Mapping[str, Any]]:
        """The objects of a list; other items are warned about once and skipped."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.warn(where, f"expected a list, got {_kind(raw)}")
            return []
        objects = [item for item in raw if isinstance(item, Mapping)]
        if len(objects) < len(raw):
            self.warn(where, f"{len(raw) - len(objects)} of {len(raw)} entries are not objects")
        return objects

    def first_text(self, places: Iterable[tuple[str, str]]) -> str | None:
        """The first place holding text."""
        for document, key in places:
            text = self.text(document, key)
            if text is not None:
                return text
        return None

    def first_time(
        self, places: Iterable[tuple[str, str]], zone: tzinfo | None
    ) -> tuple[str, datetime | None]:
        """The first place holding a readable timestamp, and that timestamp."""
        for document, key in places:
            where = f"{document}.{key}"
            moment = self.time_of(where, self.document(document).get(key), zone)
            if moment is not None:
                return where, moment
        return "", None

    def time_of(self, where: str, value: object, zone: tzinfo | None = None) -> datetime | None:
        """An aware timestamp; a naive one is read in ``zone``, else as UTC with a warning."""
        moment = _parse_time(value)
        if isinstance(moment, str):
            self.warn(where, moment)
            return None
        if moment is not None and moment.tzinfo is None:
            if zone is not None:
                return moment.replace(tzinfo=zone)
            self.warn(where, f"no time zone in {_quote(value)}: local time of an unknown zone, read as UTC")
            return moment.replace(tzinfo=UTC)
        return moment

    def times(self, where: str, values: Iterable[object]) -> list[datetime]:
        """Many timestamps of one field (processing steps): one warning per kind of problem."""
        moments, naive, problems = [], 0, []
        for value in values:
            moment = _parse_time(value)
            if isinstance(moment, str):
                problems.append(moment)
            elif moment is not None:
                naive += moment.tzinfo is None
                moments.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        if naive:
            self.warn(where, f"{naive} timestamp(s) without a time zone, local time read as UTC")
        if problems:
            self.warn(where, f"{len(problems)} unreadable timestamp(s), e.g. {problems[0]}")
        return moments


def _parse_time(value: object) -> datetime | str | None:
    """A datetime (maybe naive), None when absent, or the problem as text."""
    if value is None:
        return None
    if not isinstance(value, str):
        return f"expected an ISO 8601 timestamp, got {_kind(value)}"
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return f"not an ISO 8601 timestamp: {_quote(text)}"


def _version(document: Mapping[str, Any]) -> tuple[int, int] | None:
    """``(major, minor)`` of a document's ``schema_version``, None when absent or unreadable."""
    version = document.get("schema_version")
    if not isinstance(version, str):
        return None
    parts = version.strip().split(".")
    if len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    return int(parts[0]), int(parts[1])


def _major(document: Mapping[str, Any]) -> int:
    """The schema generation, 0 when unknown: where asked, 0.x and unknown read like 1.x."""
    version = _version(document)
    return 0 if version is None else version[0]


def _unique(values: Iterable[str]) -> list[str]:
    """Values in first-seen order without repeats."""
    return list(dict.fromkeys(values))


def _clean(value: object) -> str | None:
    """A stripped non-empty string, or None for anything else."""
    return (value.strip() or None) if isinstance(value, str) else None


def _number_text(value: int | float) -> str:
    """``655568.0`` is the id ``655568``."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _kind(value: object) -> str:
    """The JSON type of a value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _quote(value: object, limit: int = 60) -> str:
    """A short repr for a warning: records hold multi-kilobyte values."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."
