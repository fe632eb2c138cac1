"""Statements whose spelling differs between PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func


def year_of(dialect: str, column: Any) -> ColumnElement[Any]:
    """The UTC calendar year of a timestamp column."""
    if dialect == "postgresql":
        return func.extract("year", func.timezone("UTC", column))
    return func.strftime("%Y", column)


def month_of(dialect: str, column: Any) -> ColumnElement[Any]:
    """The UTC calendar month of a timestamp column, as ``YYYY-MM`` text."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def matches(dialect: str, column: Any, regex: str) -> ColumnElement[bool]:
    """``column`` matches ``regex`` somewhere (anchor it to match it whole): PostgreSQL's ``~``,
    SQLite's REGEXP operator, which calls the ``regexp`` function every connection registers."""
    return column.op("~" if dialect == "postgresql" else "REGEXP", is_comparison=True)(regex)
