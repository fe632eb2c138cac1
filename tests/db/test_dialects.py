"""One dialect object per database, chosen once by SQLAlchemy's name for the engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import literal, select

from catalog.db.dialects import Dialect, PostgreSQLDialect, SQLiteDialect, dialect_for

if TYPE_CHECKING:
    from catalog.db.engine import Database


@pytest.mark.parametrize(("name", "kind"), [("postgresql", PostgreSQLDialect), ("sqlite", SQLiteDialect)])
def test_the_engine_name_chooses_the_dialect(name: str, kind: type[Dialect]) -> None:
    dialect = dialect_for(name)

    assert isinstance(dialect, kind)
    assert dialect.name == name


def test_an_engine_without_a_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="'mysql'"):
        dialect_for("mysql")


async def test_a_database_speaks_its_engines_dialect(db: Database) -> None:
    assert db.dialect.name == db.engine.dialect.name
    async with db.reader() as session:
        matched = await session.scalar(select(db.dialect.matches(literal("a/b.tif"), r"\.tif$")))

    assert matched
