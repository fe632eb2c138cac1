"""Derived measures, location prefix and multi-valued dimensions as rows

Measures computed once at registration (acquisition and processing durations, the subject's
age at acquisition) and the location's bucket / folder become indexed columns; investigators,
experimenters and funders get one row each in ``asset_terms``. Both are backfilled from what
the assets already hold, by the rules registration used at this revision; the age of an asset
registered before this revision is counted on the UTC day of acquisition (its local zone was
not kept).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:16:35
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000

# Frozen copy of registration's rules (services.describe, .register) at this revision: meant, not duplication.
TERM_FIELDS = {"investigator": "investigators", "experimenter": "experimenters", "funding": "funding"}
MAX_ACQUISITION = timedelta(days=366)
MAX_PROCESSING = timedelta(days=10 * 366)
MAX_AGE_DAYS = 100 * 366


def upgrade() -> None:
    op.create_table(
        "asset_terms",
        sa.Column("asset_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=512), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_asset_terms_asset_id_assets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("asset_id", "kind", "value", name=op.f("pk_asset_terms")),
    )
    with op.batch_alter_table("asset_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_terms_kind_value"), ["kind", "value"], unique=False)

    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location_prefix", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("acquisition_duration", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("subject_age_at_acquisition", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("processing_duration", sa.Double(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_assets_acquisition_duration"), ["acquisition_duration"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assets_instrument_id"), ["instrument_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_location_prefix"), ["location_prefix"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assets_processing_duration"), ["processing_duration"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assets_session_type"), ["session_type"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assets_subject_age_at_acquisition"), ["subject_age_at_acquisition"], unique=False
        )

    _backfill()


def downgrade() -> None:
    # In place, never by batch mode: on SQLite batch mode copies ``assets`` and drops the old
    # table, which (foreign keys on) cascades to every document, file and edge of every asset.
    for index in (
        "ix_assets_subject_age_at_acquisition",
        "ix_assets_session_type",
        "ix_assets_processing_duration",
        "ix_assets_location_prefix",
        "ix_assets_instrument_id",
        "ix_assets_acquisition_duration",
    ):
        op.drop_index(index, table_name="assets")
    for column in (
        "processing_duration",
        "subject_age_at_acquisition",
        "acquisition_duration",
        "location_prefix",
    ):
        op.drop_column("assets", column)  # SQLite 3.35+
    op.drop_index("ix_asset_terms_kind_value", table_name="asset_terms")
    op.drop_table("asset_terms")


def _backfill() -> None:
    """Derived columns and term rows of the assets registered before this revision."""
    times = sa.DateTime(timezone=True)
    lists = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    assets = sa.table(
        "assets",
        sa.column("id", sa.Integer()),
        sa.column("date_of_birth", sa.Date()),
        sa.column("acquired_at", times),
        sa.column("acquired_end", times),
        sa.column("processed_at", times),
        sa.column("processed_end", times),
        sa.column("location", sa.String()),
        sa.column("location_prefix", sa.String()),
        sa.column("acquisition_duration", sa.Double()),
        sa.column("subject_age_at_acquisition", sa.Integer()),
        sa.column("processing_duration", sa.Double()),
        *(sa.column(name, lists) for name in TERM_FIELDS.values()),
    )
    terms = sa.table("asset_terms", sa.column("asset_id"), sa.column("kind"), sa.column("value"))
    bind = op.get_bind()
    updates, term_rows = [], []
    for row in bind.execute(sa.select(assets)).mappings().all():
        derived = {"location_prefix": _location_prefix(row["location"]), **_measures(row)}
        updates.append({"_id": row["id"], **{f"_{name}": value for name, value in derived.items()}})
        for kind, name in TERM_FIELDS.items():
            values = dict.fromkeys(row[name] or [])
            term_rows += [{"asset_id": row["id"], "kind": kind, "value": value} for value in values]
    if not updates:
        return
    names = [name.removeprefix("_") for name in updates[0] if name != "_id"]
    update = (
        assets.update()
        .where(assets.c.id == sa.bindparam("_id"))
        .values({name: sa.bindparam(f"_{name}") for name in names})
    )
    for start in range(0, len(updates), BATCH):
        bind.execute(update, updates[start : start + BATCH])
    for start in range(0, len(term_rows), BATCH):
        bind.execute(terms.insert(), term_rows[start : start + BATCH])


def _measures(row: sa.RowMapping) -> dict[str, Any]:
    """Durations in seconds and the subject's age in days (``describe.measures``, warnings unused)."""
    acquired = _utc(row["acquired_at"])
    return {
        "acquisition_duration": _seconds(acquired, _utc(row["acquired_end"]), MAX_ACQUISITION),
        "subject_age_at_acquisition": _age_days(row["date_of_birth"], acquired),
        "processing_duration": _seconds(
            _utc(row["processed_at"]), _utc(row["processed_end"]), MAX_PROCESSING
        ),
    }


def _utc(value: datetime | None) -> datetime | None:
    """A stored timestamp as ``UTCDateTime`` reads it: SQLite keeps naive UTC, PostgreSQL any zone."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _seconds(start: datetime | None, end: datetime | None, ceiling: timedelta) -> float | None:
    """end − start; a negative span or one beyond ``ceiling`` is an error in the metadata."""
    if start is None or end is None:
        return None
    span = end - start
    if span < timedelta(0) or span > ceiling:
        return None
    return span.total_seconds()


def _age_days(born: date | None, acquired: datetime | None) -> int | None:
    """Whole days from birth to the (UTC) day of acquisition, when plausible."""
    if born is None or acquired is None:
        return None
    days = (acquired.date() - born).days
    return days if 0 <= days <= MAX_AGE_DAYS else None


def _location_prefix(location: str | None) -> str | None:
    """``scheme://host`` of a URI with a host, else the folder holding the asset; None if no URI."""
    if not location:
        return None
    parts = urlsplit(location)
    if not parts.scheme or len(parts.scheme) == 1:  # a one-letter scheme is a Windows drive
        return None
    scheme = parts.scheme.lower()
    if parts.netloc:
        return f"{scheme}://{parts.netloc}"
    folder = parts.path.rstrip("/").rpartition("/")[0]
    return f"{scheme}://{folder}" if folder else None
