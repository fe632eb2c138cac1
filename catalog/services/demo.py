"""The demo catalog: a few dozen asset folders grown from nine real records, then ingested.

Real metadata makes the demo look like a lab's catalog (several schema versions, modalities and
projects); session variants and derived assets add the subjects, sessions and lineage that nine
records alone cannot show. Everything is deterministic (no clock, seeded bytes), so building the
demo twice registers nothing new the second time.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import re
import struct
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog.conventions.metadata import documents_from_record
from catalog.conventions.modalities import Vocabulary
from catalog.conventions.names import parse_name
from catalog.services.ingest import FolderIngest

if TYPE_CHECKING:
    from catalog.db.engine import Database
    from catalog.storage import ObjectStore

SESSIONS = 3
"""Sessions per base record: the record itself plus variants with another subject and date."""
DERIVED_SESSIONS = 2
"""How many of those sessions were processed, so the demo also shows unprocessed primaries."""
VARIANT_DAYS = 7
PROCESSED_AFTER = timedelta(days=3, hours=5, minutes=12)
CURATED_AFTER = timedelta(days=5, hours=2, minutes=40)
RUN_TIME = timedelta(hours=1, minutes=25)

COPIED_DOCUMENTS = ("subject", "procedures", "session", "acquisition", "rig", "instrument")
"""What a derived asset carries over from its primary, as the conventions say."""

RAW_FILES = {
    "ecephys": ("ecephys/continuous.dat", "ecephys/events.npy"),
    "behavior": ("behavior/trials.h5",),
    "behavior-videos": ("behavior-videos/face_camera.avi", "behavior-videos/body_camera.avi"),
    "pophys": ("pophys/plane_0.h5",),
    "slap": ("slap/acquisition.dat",),
    "fib": ("fib/fip_green.bin", "fib/fip_red.bin"),
}
"""Data files per modality folder; a modality not listed gets ``<abbreviation>/data.bin``."""
ZARR_MODALITIES = {"SPIM": "SPIM/tile_000.ome.zarr"}
"""Modalities whose data is a Zarr store (a directory that is one logical file)."""

PROCESS_NAMES = {"sorted": "Spike sorting", "curated": "Ephys curation"}
"""``processing.json`` step names (aind-data-schema ``ProcessName``); other labels are ``Other``."""

ZARR_TILE = (32, 32)
ZARR_GRID = (4, 5)
"""Chunks of a generated Zarr store (uint16, uncompressed): 20 chunks of 2 KiB."""


@dataclass(frozen=True, slots=True)
class DemoAsset:
    """One asset folder to write: its name, metadata documents and data files."""

    name: str
    documents: dict[str, Any]
    files: dict[str, bytes]


def load_records() -> list[dict[str, Any]]:
    """The nine real primary records shipped with the package."""
    packed = resources.files("catalog.demo").joinpath("records.json.gz").read_bytes()
    records: list[dict[str, Any]] = json.loads(gzip.decompress(packed))
    return records


def demo_assets() -> list[DemoAsset]:
    """Every demo asset, inputs before outputs so lineage resolves as each one registers."""
    primaries, derived = [], []
    for record in load_records():
        for index, (name, documents) in enumerate(_sessions(record)):
            modalities = _modalities(documents["data_description"])
            primary = DemoAsset(name, documents, _raw_files(name, modalities))
            primaries.append(primary)
            if index < DERIVED_SESSIONS:
                derived.append(_derive(primary, _process_label(modalities), PROCESSED_AFTER))
    first_sorted = next(asset for asset in derived if parse_name(asset.name).process_label == "sorted")
    return [*primaries, *derived, _derive(first_sorted, "curated", CURATED_AFTER)]


def write_demo_folders(root: Path) -> list[Path]:
    """Lay the demo assets out under ``root``, one folder each, in registration order."""
    return [_write(root, asset) for asset in demo_assets()]


async def build_demo(db: Database, store: ObjectStore, vocabulary: Vocabulary) -> int:
    """Ingest the demo folders; returns how many assets are registered (new, updated or unchanged)."""
    ingest = FolderIngest(db, store, vocabulary)
    with tempfile.TemporaryDirectory(prefix="catalog-demo-") as root:
        folders = await asyncio.to_thread(write_demo_folders, Path(root))
        results = [await ingest(folder) for folder in folders]
    return sum(result.outcome in ("registered", "updated", "unchanged") for result in results)


# --- sessions -----------------------------------------------------------------------------------


def _sessions(record: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The record's own session, then variants with another subject id and acquisition date.

    Variants are made by substituting the subject id and the session's dates (the acquisition
    day and the next, for sessions past midnight) throughout the serialised record, so every
    place that names them (subject, procedures, session times, names) stays consistent.
    """
    parsed = parse_name(record["name"])
    text = json.dumps(record)
    days = [parsed.acquired.date() + timedelta(days=offset) for offset in (0, 1)]
    sessions = []
    for index in range(SESSIONS):
        shift = timedelta(days=VARIANT_DAYS * index)
        subject = str(int(parsed.subject_id) + index)
        replacements = {parsed.subject_id: subject} | {str(day): str(day + shift) for day in days}
        acquired = parsed.acquired + shift
        name = "_".join(filter(None, (parsed.label, subject, f"{acquired:%Y-%m-%d_%H-%M-%S}")))
        sessions.append((name, documents_from_record(json.loads(_substitute(text, replacements)))))
    return sessions


def _substitute(text: str, replacements: dict[str, str]) -> str:
    """Replace whole numeric tokens only: subject ``6529`` must not touch ``65291`` or ``16529``."""
    pattern = "|".join(re.escape(old) for old in replacements)
    return re.sub(rf"(?<![0-9])(?:{pattern})(?![0-9])", lambda match: replacements[match.group()], text)


def _modalities(description: dict[str, Any]) -> list[str]:
    """Modality abbreviations of a 0.x/1.x ``modality`` or a 2.x ``modalities`` list."""
    raw = description.get("modalities") or description.get("modality") or []
    vocabulary = Vocabulary()
    terms = (vocabulary.resolve(item) for item in (raw if isinstance(raw, list) else [raw]))
    return list(dict.fromkeys(term.abbreviation for term in terms if term is not None))


def _process_label(modalities: list[str]) -> str:
    if "ecephys" in modalities:
        return "sorted"
    if "SPIM" in modalities:
        return "stitched"
    return "processed"


# --- derived assets -----------------------------------------------------------------------------


def _derive(parent: DemoAsset, label: str, after: timedelta) -> DemoAsset:
    """A processing run on ``parent``, ``after`` the acquisition: copies of the primary's
    metadata (a derived parent carries them too), a derived description and a processing."""
    processed = parse_name(parent.name).acquired + after
    name = f"{parent.name}_{label}_{processed:%Y-%m-%d_%H-%M-%S}"
    description = parent.documents["data_description"]
    documents = {doc: parent.documents[doc] for doc in COPIED_DOCUMENTS if doc in parent.documents}
    documents["data_description"] = {
        **description,
        "name": name,
        "data_level": "derived",
        "input_data_name": parent.name,
    }
    start = processed.replace(tzinfo=_zone(description))
    documents["processing"] = _processing(parent.name, name, PROCESS_NAMES.get(label, "Other"), start)
    documents["quality_control"] = _quality_control(name, start)
    return DemoAsset(name, documents, _output_files(name, parent.name, label))


def _quality_control(name: str, evaluated: datetime) -> dict[str, Any]:
    """A 1.x QC document whose one metric passes or fails, deterministically per asset."""
    value = _rng(name, "quality_control").uniform(0.5, 1.0)
    status = {
        "evaluator": "Demo Pipeline",
        "status": "Pass" if value >= 0.6 else "Fail",
        "timestamp": evaluated.isoformat(),
    }
    metric = {"name": "Fraction of good units", "value": round(value, 3), "status_history": [status]}
    evaluation = {"name": "Processing quality", "stage": "Processing", "modality": None, "metrics": [metric]}
    return {"schema_version": "1.2.1", "evaluations": [evaluation]}


def _zone(description: dict[str, Any]) -> tzinfo:
    """The offset the record's creation time was written with; UTC when it has none."""
    try:
        created = datetime.fromisoformat(str(description.get("creation_time")))
    except ValueError:
        return UTC
    return created.tzinfo or UTC


def _processing(input_name: str, output_name: str, process: str, start: datetime) -> dict[str, Any]:
    """A 1.x ``processing.json`` with the one step that made ``output_name`` from ``input_name``."""
    step = {
        "name": process,
        "software_version": "1.0",
        "start_date_time": start.isoformat(),
        "end_date_time": (start + RUN_TIME).isoformat(),
        "input_location": input_name,
        "output_location": output_name,
        "code_url": "https://example.org/pipeline",
        "parameters": {},
    }
    return {
        "schema_version": "1.1.1",
        "processing_pipeline": {"processor_full_name": "Demo Pipeline", "data_processes": [step]},
    }


# --- data files ---------------------------------------------------------------------------------


def _raw_files(name: str, modalities: list[str]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for modality in modalities:
        if modality in ZARR_MODALITIES:
            files.update(_ome_zarr(name, ZARR_MODALITIES[modality]))
            continue
        for path in RAW_FILES.get(modality, (f"{modality}/data.bin",)):
            rng = _rng(name, path)
            files[path] = _npy(rng) if path.endswith(".npy") else rng.randbytes(rng.randint(2048, 6144))
    return files


def _output_files(name: str, input_name: str, label: str) -> dict[str, bytes]:
    """What a run wrote, in its ``<process-label>/`` folder."""
    if label in ("sorted", "curated"):
        path = f"{label}/units.npy"
        return {path: _npy(_rng(name, path))}
    if label == "stitched":
        return _ome_zarr(name, "stitched/fused.ome.zarr")
    path = f"{label}/summary.json"
    rng = _rng(name, path)
    summary = {"input": input_name, "frames": rng.randint(10_000, 90_000), "quality": rng.random()}
    return {path: json.dumps(summary, indent=1).encode()}


def _rng(name: str, path: str) -> random.Random:
    """Seeded by asset and path: the same bytes on every build, different bytes per file."""
    return random.Random(f"{name}/{path}")


def _npy(rng: random.Random) -> bytes:
    """A valid NumPy ``.npy`` file of random int32, written without NumPy."""
    count = rng.randint(256, 1024)
    header = f"{{'descr': '<i4', 'fortran_order': False, 'shape': ({count},), }}"
    header += " " * (-(len(header) + 11) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + rng.randbytes(4 * count)


def _ome_zarr(name: str, store: str) -> dict[str, bytes]:
    """A tiny valid OME-Zarr (v0.4) image: group metadata, one array, uncompressed chunks."""
    rows, columns = ZARR_GRID
    height, width = ZARR_TILE
    axes = [{"name": "c", "type": "channel"}] + [
        {"name": axis, "type": "space", "unit": "micrometer"} for axis in ("z", "y", "x")
    ]
    scale = {"type": "scale", "scale": [1.0, 2.0, 1.8, 1.8]}
    multiscales = [
        {"version": "0.4", "axes": axes, "datasets": [{"path": "0", "coordinateTransformations": [scale]}]}
    ]
    array = {
        "zarr_format": 2,
        "shape": [1, 1, rows * height, columns * width],
        "chunks": [1, 1, height, width],
        "dtype": "<u2",
        "compressor": None,
        "fill_value": 0,
        "order": "C",
        "filters": None,
        "dimension_separator": "/",
    }
    files = {
        f"{store}/.zgroup": json.dumps({"zarr_format": 2}).encode(),
        f"{store}/.zattrs": json.dumps({"multiscales": multiscales}, indent=1).encode(),
        f"{store}/0/.zarray": json.dumps(array, indent=1).encode(),
    }
    for row in range(rows):
        for column in range(columns):
            path = f"{store}/0/0/0/{row}/{column}"
            files[path] = _rng(name, path).randbytes(2 * height * width)
    return files


def _write(root: Path, asset: DemoAsset) -> Path:
    folder = root / asset.name
    for document, content in asset.documents.items():
        _write_file(folder / f"{document}.json", json.dumps(content, indent=2, ensure_ascii=False).encode())
    for path, content in asset.files.items():
        _write_file(folder / path, content)
    return folder


def _write_file(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
