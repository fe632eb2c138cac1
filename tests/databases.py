"""Test databases: copies of a SQLite catalog, and the tables each dialect keeps."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

from catalog.db.models import Base

if TYPE_CHECKING:
    from pathlib import Path


def kept_tables(dialect: str) -> set[str]:
    """The models' tables a dialect keeps (some only the embedded default does)."""
    tables = Base.metadata.tables.items()
    return {name for name, table in tables if dialect in table.info.get("dialects", (dialect,))}


def copy_sqlite(template: Path, path: Path) -> None:
    """A copy of a SQLite catalog: the backup API copies a consistent database whatever its
    journal (WAL) holds."""
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)
