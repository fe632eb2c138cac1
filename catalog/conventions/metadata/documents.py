"""Which documents make up an asset's metadata, and how they arrive. Registration takes the nine core
documents either from files beside the data or from one whole-asset record; both doors hand
:func:`~catalog.conventions.metadata.extract` the same mapping. A file that is not a JSON object is the
user's error and raises, unlike the lenient reading of the contents."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from catalog.conventions.metadata.values import kind
from catalog.errors import InvalidMetadata

if TYPE_CHECKING:
    from pathlib import Path

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


def read_document_file(path: Path) -> dict[str, Any]:
    """Parse one metadata file; a file that is not a JSON object is the user's error."""
    return parse_document(path.read_bytes(), str(path))


def parse_document(data: bytes, where: str) -> dict[str, Any]:
    """Parse the bytes of one metadata file (``where`` names it in errors), from a folder or a store."""
    try:
        value = json.loads(data)
    except json.JSONDecodeError as error:
        raise InvalidMetadata(
            f"{where}: not valid JSON: {error.msg} (line {error.lineno} column {error.colno})"
        ) from error
    except UnicodeDecodeError as error:
        raise InvalidMetadata(f"{where}: not valid JSON: not UTF-8 text ({error.reason})") from error
    if not isinstance(value, dict):
        raise InvalidMetadata(f"{where}: expected a JSON object, got {kind(value)}")
    return value


def documents_from_record(record: object) -> dict[str, dict[str, Any]]:
    """The core documents of a whole-asset record (DocDB / ``metadata.nd.json``); nulls dropped."""
    if not isinstance(record, Mapping):
        return {}
    return {name: record[name] for name in CORE_DOCUMENTS if isinstance(record.get(name), dict)}
