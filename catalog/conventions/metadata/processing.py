"""When a derived asset was computed, and from which assets: its provenance as metadata states it. Inputs
are declared in the data description or only implied by the processing steps' locations, which also hold
intermediate files and container paths; this module tells asset names from working files."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from catalog.conventions.metadata.extracted import Extracted, InputRef
from catalog.conventions.metadata.values import clean, kind, quote
from catalog.conventions.metadata.versions import schema_version
from catalog.conventions.names import is_valid_name

if TYPE_CHECKING:
    from catalog.conventions.metadata.reader import Reader

# Cheap pre-filter before the strict name parser: a path element ending in _yyyy-mm-dd_HH-MM-SS.
_ENDS_LIKE_NAME = re.compile(r"_[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}\Z")
_PATH_ELEMENT = re.compile(r"[^/\\]+")


def read_processing(reader: Reader, out: Extracted) -> None:
    """When the asset was computed, and from what."""
    where, processes = _processes(reader)
    starts = reader.times(f"{where}[].start_date_time", (p.get("start_date_time") for p in processes))
    ends = reader.times(f"{where}[].end_date_time", (p.get("end_date_time") for p in processes))
    out.processed_start = min(starts, default=None)
    out.processed_end = max(ends, default=None)
    out.inputs = _inputs(reader, out, processes)


def _processes(reader: Reader) -> tuple[str, list[Mapping[str, Any]]]:
    """The pipeline's steps: top-level in 0.1/0.2 and 2.x, under ``processing_pipeline`` between."""
    processing = reader.document("processing")
    pipeline = processing.get("processing_pipeline")
    if pipeline is not None and not isinstance(pipeline, Mapping):
        reader.warn("processing.processing_pipeline", f"expected an object, got {kind(pipeline)}")
    nested = (
        "processing.processing_pipeline.data_processes",
        pipeline.get("data_processes") if isinstance(pipeline, Mapping) else None,
    )
    flat = ("processing.data_processes", processing.get("data_processes"))
    version = schema_version(processing)
    places = [nested, flat] if version is None or (0, 3) <= version < (2, 0) else [flat, nested]
    where, raw = next(((w, value) for w, value in places if value is not None), places[0])
    return where, reader.objects(where, raw)


def _inputs(reader: Reader, out: Extracted, processes: list[Mapping[str, Any]]) -> list[InputRef]:
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


def _declared_inputs(reader: Reader) -> Iterator[InputRef]:
    """1.x ``input_data_name`` (a name) and 2.x ``source_data`` (a list of names)."""
    description = reader.document("data_description")
    for key in ("input_data_name", "source_data", "input_data"):
        raw = description.get(key)
        if raw is None:
            continue
        for index, item in enumerate(raw if isinstance(raw, list) else [raw]):
            ref = _input_ref(item, "data_description")
            if ref is None:
                reader.warn(f"data_description.{key}[{index}]", f"not an asset name: {quote(item)}")
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
        name, url = clean(value.get("name")), clean(value.get("url"))
        located = _from_location(url, source) if url else None
        if name is None:
            return located
        return InputRef(name=name, location=located.location if located else None, source=source)
    text = clean(value)
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
