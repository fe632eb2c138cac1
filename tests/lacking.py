"""What a raw record lacks, read plainly from its JSON, document by document, spelling out what
aind-data-schema 1.x and 2.x require of each (``Field(...)``, not ``Optional``): the expectation
the completeness tests compare the catalog with. No catalog code is asked."""

from __future__ import annotations

import re
from typing import Any

Fields = dict[str, list[Any]]
"""The required fields of one document, each with the values that may hold it."""

SHAPE_2X = {
    "data_description": 7,
    "subject": 5,
    "procedures": 1,
    "acquisition": 5,
    "instrument": 2,
    "processing": 1,
}
"""How many fields each document's 2.x shape requires: what a missing document weighs besides itself."""


def generation(document: dict[str, Any]) -> int:
    """2 for a document written by aind-data-schema 2.x; 1 for 0.x, 1.x or no readable version."""
    found = re.fullmatch(r"\s*([0-9]+)\.([0-9]+).*", str(document.get("schema_version") or ""))
    return 2 if found and int(found.group(1)) >= 2 else 1


def blank(value: Any) -> bool:
    """Absent, null, blank text, an empty list or an empty object: nothing recorded."""
    return value is None or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def doc(record: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = record.get(name)
    return value if isinstance(value, dict) else None


def description_fields(dd: dict[str, Any]) -> Fields:
    if generation(dd) == 2:  # 2.x: subject_id optional, project_name required
        keys = ["creation_time", "institution", "funding_source", "data_level", "investigators"]
        return {k: [dd.get(k)] for k in [*keys, "project_name", "modalities"]}
    return {  # 1.x: subject_id and platform required; 0.x splits creation_date and creation_time
        "subject_id": [dd.get("subject_id")],
        "creation_time": [dd.get("creation_time"), dd.get("creation_date")],
        "institution": [dd.get("institution")],
        "funding_source": [dd.get("funding_source")],
        "data_level": [dd.get("data_level")],
        "investigators": [dd.get("investigators")],
        "modalities": [dd.get("modality"), dd.get("modalities")],
        "platform": [dd.get("platform")],
    }


def subject_fields(subject: dict[str, Any]) -> Fields:
    if generation(subject) == 1:  # 1.x: genotype is Optional
        return {k: [subject.get(k)] for k in ["subject_id", "species", "sex", "date_of_birth"]}
    details = subject.get("subject_details")
    details = details if isinstance(details, dict) else {}
    wanted = {"Human subject": ["sex", "year_of_birth"], "Calibration object": []}.get(
        details.get("object_type"),
        ["species", "sex", "date_of_birth", "genotype"],  # a mouse
    )
    return {"subject_id": [subject.get("subject_id")], **{k: [details.get(k)] for k in wanted}}


def acquisition_fields(record: dict[str, Any]) -> Fields | None:
    """The 2.x acquisition, a 1.x light-sheet acquisition or a 1.x session: all the acquisition."""
    a, s = doc(record, "acquisition"), doc(record, "session")
    if a is not None and generation(a) == 2:
        keys = ["subject_id", "acquisition_start_time", "acquisition_end_time", "acquisition_type"]
        return {k: [a.get(k)] for k in [*keys, "instrument_id"]}
    if a is not None:
        return {
            "subject_id": [a.get("subject_id")],
            "acquisition_start_time": [a.get("session_start_time")],
            "acquisition_end_time": [a.get("session_end_time")],
            "experimenters": [a.get("experimenter_full_name")],
            "instrument_id": [a.get("instrument_id")],
        }
    if s is not None:  # a 1.x session's end time is Optional
        return {
            "subject_id": [s.get("subject_id")],
            "acquisition_start_time": [s.get("session_start_time")],
            "acquisition_type": [s.get("session_type")],
            "experimenters": [s.get("experimenter_full_name")],
            "instrument_id": [s.get("rig_id")],
        }
    return None


def instrument_fields(record: dict[str, Any]) -> Fields | None:
    """The instrument (its id required by 2.x only) or a 1.x rig (rig_id required)."""
    i, rig = doc(record, "instrument"), doc(record, "rig")
    if i is not None:
        dated = {"modification_date": [i.get("modification_date")]}
        return {"instrument_id": [i.get("instrument_id")], **dated} if generation(i) == 2 else dated
    if rig is not None:
        return {
            "instrument_id": [rig.get("rig_id"), rig.get("instrument_id")],
            "modification_date": [rig.get("modification_date")],
        }
    return None


def processing_fields(processing: dict[str, Any]) -> Fields:
    pipeline = processing.get("processing_pipeline")
    steps = [processing.get("data_processes")]
    if generation(processing) == 1 and isinstance(pipeline, dict):
        steps.append(pipeline.get("data_processes"))
    return {"data_processes": steps}


def required_documents(record: dict[str, Any], *, derived: bool) -> dict[str, Fields | None]:
    """Every document an asset needs (processing when derived) → its required fields, None if absent."""
    found: dict[str, Fields | None] = {}
    dd, subject, procedures = (
        doc(record, "data_description"),
        doc(record, "subject"),
        doc(record, "procedures"),
    )
    found["data_description"] = None if dd is None else description_fields(dd)
    found["subject"] = None if subject is None else subject_fields(subject)
    found["procedures"] = None if procedures is None else {"subject_id": [procedures.get("subject_id")]}
    found["acquisition"] = acquisition_fields(record)
    found["instrument"] = instrument_fields(record)
    if derived:
        processing = doc(record, "processing")
        found["processing"] = None if processing is None else processing_fields(processing)
    return found


def expected_missing(record: dict[str, Any], *, derived: bool) -> list[str]:
    """Each absent document, and ``document.field`` for each required field with nothing in it."""
    out: list[str] = []
    for name, fields in required_documents(record, derived=derived).items():
        if fields is None:
            out.append(name)
        else:
            out += [f"{name}.{field}" for field, values in fields.items() if all(blank(v) for v in values)]
    return out


def expected_score(record: dict[str, Any], *, derived: bool) -> float:
    """Items present over items required: each document and each of its fields; an absent document
    counts as itself and the fields of its 2.x shape, all lacking."""
    required = lacking = 0
    for name, fields in required_documents(record, derived=derived).items():
        if fields is None:
            required += 1 + SHAPE_2X[name]
            lacking += 1 + SHAPE_2X[name]
        else:
            required += 1 + len(fields)
            lacking += sum(all(blank(v) for v in values) for values in fields.values())
    return (required - lacking) / required


def is_derived(name: str, record: dict[str, Any]) -> bool:
    """Two date-time pairs in the name, or a description saying derived."""
    times = re.findall(r"[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}", name)
    return len(times) > 1 or (doc(record, "data_description") or {}).get("data_level") == "derived"
