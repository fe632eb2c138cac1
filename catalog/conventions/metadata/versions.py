"""Each document's own ``schema_version``, the key to reading it. Real records mix generations (a 1.x
record may carry a 2.x data description and a 0.x rig), so the field families ask the version of the
document at hand, never the record's, whenever 0.x, 1.x and 2.x put a field in different places."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from catalog.conventions.metadata.values import kind

if TYPE_CHECKING:
    from collections.abc import Mapping

    from catalog.conventions.metadata.extracted import Extracted
    from catalog.conventions.metadata.reader import Reader


def read_schema_versions(reader: Reader, out: Extracted) -> None:
    """Each document's own version: the one that decides how it is read."""
    for name, document in reader.documents.items():
        version = document.get("schema_version")
        if isinstance(version, str) and version.strip():
            out.schema_versions[name] = version.strip()
        elif version is None:
            reader.warn(f"{name}.schema_version", "missing")
        else:
            reader.warn(f"{name}.schema_version", f"expected text, got {kind(version)}")


def schema_version(document: Mapping[str, Any]) -> tuple[int, int] | None:
    """``(major, minor)`` of a document's ``schema_version``, None when absent or unreadable."""
    version = document.get("schema_version")
    if not isinstance(version, str):
        return None
    parts = version.strip().split(".")
    if len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    return int(parts[0]), int(parts[1])


def major(document: Mapping[str, Any]) -> int:
    """The schema generation, 0 when unknown: where asked, 0.x and unknown read like 1.x."""
    version = schema_version(document)
    return 0 if version is None else version[0]
