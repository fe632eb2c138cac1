"""Where PostgreSQL and SQLite differ: statements spelled per dialect here, one ``Dialect``
subclass each, chosen once per engine (``Database.dialect``); how columns are stored in
``catalog.db.types``. Everything else is written once for both."""

from __future__ import annotations

from catalog.db.dialects.base import Dialect, Reached
from catalog.db.dialects.postgresql import PostgreSQLDialect
from catalog.db.dialects.sqlite import SQLiteDialect

__all__ = ["Dialect", "PostgreSQLDialect", "Reached", "SQLiteDialect", "dialect_for"]

_DIALECTS: dict[str, type[Dialect]] = {d.name: d for d in (PostgreSQLDialect, SQLiteDialect)}


def dialect_for(name: str) -> Dialect:
    """The dialect SQLAlchemy calls ``name`` (``engine.dialect.name``)."""
    try:
        return _DIALECTS[name]()
    except KeyError:
        raise ValueError(f"no dialect {name!r}: the catalog runs on {' or '.join(_DIALECTS)}") from None
