"""Portable column types: how each dialect stores documents, timestamps and keys.

Query code is written once against these; PostgreSQL gets JSONB and timestamptz, SQLite
gets JSON text and ISO strings, with timestamps normalised to UTC on the way in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, UserDefinedType

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect

JSONDocument = JSON().with_variant(JSONB(), "postgresql")
"""A whole JSON document: JSONB on PostgreSQL (indexable, path-queryable), JSON text on SQLite."""


class JSONText(str):
    """A document already encoded as JSON: written as is, not encoded a second time."""


_ENCODER = json.JSONEncoder(ensure_ascii=False)
"""``json.dumps(value, ensure_ascii=False)`` without building an encoder per value (several per
asset row)."""


def serialize_json(value: Any) -> str:
    """The engines' JSON serializer: passes JSONText through, encodes anything else."""
    return value if isinstance(value, JSONText) else _ENCODER.encode(value)


MAX_BIGINT = 2**63 - 1
"""The largest value a BIGINT column holds on either dialect."""

BigIntId = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit surrogate key; SQLite only auto-increments a column declared INTEGER."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC; naive values are refused, not guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: give it a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class AnyValue(UserDefinedType[Any]):
    """A column holding any scalar as given (SQLite's BLOB affinity converts nothing): a number
    stays a number and a string a string, so comparisons order each as its kind orders."""

    cache_ok = True

    def get_col_spec(self, **_kwargs: Any) -> str:
        return "BLOB"
