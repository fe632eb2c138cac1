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
    """Every regular file below ``folder`` (symbolic links to files followed, to folders not).

    One ``scandir`` per folder and one ``stat`` per file: a chunked store holds 10^5–10^6 files."""
    found: list[LocalFile] = []
    _scan(str(folder), "", found)
    return sorted(found, key=lambda f: f.path)


def _scan(directory: str, relative: str, found: list[LocalFile]) -> None:
    with os.scandir(directory) as entries:
        for entry in entries:
            path = f"{relative}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                _scan(entry.path, f"{path}/", found)
            elif entry.is_file():
                found.append(LocalFile(path, Path(entry.path), entry.stat().st_size))
