"""An asset folder on disk, as ingest and the client's uploads both read it: its regular files,
each with its ``/``-separated path relative to the folder. Kept apart from the services so the
client can read a folder without importing the server."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class LocalFile:
    path: str  # relative to the asset folder, "/"-separated
    source: Path
    size: int


def scan_folder(folder: Path) -> list[LocalFile]:
    """Every regular file below ``folder`` (symbolic links to files followed, to folders not)."""
    found = []
    for directory, subdirectories, names in os.walk(folder):
        subdirectories.sort()
        for name in names:
            source = Path(directory, name)
            if not source.is_file():
                continue
            relative = source.relative_to(folder).as_posix()
            found.append(LocalFile(relative, source, source.stat().st_size))
    return sorted(found, key=lambda f: f.path)
