"""Builders of test data: asset folders laid out as the naming convention says."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

RECORD_DOCUMENTS = (
    "data_description",
    "subject",
    "procedures",
    "session",
    "acquisition",
    "rig",
    "instrument",
    "processing",
    "quality_control",
)


def load_record(fixtures: Path, name: str) -> dict[str, Any]:
    return json.loads((fixtures / "records" / f"{name}.json").read_text())


def record_names(fixtures: Path) -> list[str]:
    return sorted(path.stem for path in (fixtures / "records").glob("*.json"))


def write_asset(
    root: Path,
    name: str,
    record: dict[str, Any] | None = None,
    files: dict[str, bytes] | None = None,
) -> Path:
    """An asset folder: the record's metadata files plus data files (a default small one)."""
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    for document in RECORD_DOCUMENTS:
        if record and isinstance(record.get(document), dict):
            (folder / f"{document}.json").write_text(json.dumps(record[document], indent=1))
    for path, content in (files if files is not None else {"data/raw.bin": payload(name)}).items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return folder


def payload(seed: str, size: int = 2048) -> bytes:
    """Distinct, deterministic bytes for a seed."""
    block = hashlib.sha256(seed.encode()).digest()
    return (block * (size // len(block) + 1))[:size]


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
