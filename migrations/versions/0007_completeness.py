"""Completeness: what each asset's metadata lacks, and the share it has

Registration now lists the required documents and fields an asset's metadata lacks (a JSON list
on the asset and one ``asset_terms`` row of kind ``missing`` each) and scores the share present
(``completeness``, 0 to 1). Both are backfilled from each registered asset's current documents,
by the rules registration uses at this revision (``catalog.conventions.metadata.completeness``).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 17:00:00
"""

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

# Frozen copy of registration's rules (conventions.metadata.completeness) at this revision: meant, not
# duplication. Per document as written and generation (1: 0.x and 1.x): the required fields as the
# catalog names them, each with its key paths ("|" between alternatives).
_MOUSE = {
    "species": "subject_details.species",
    "sex": "subject_details.sex",
    "date_of_birth": "subject_details.date_of_birth",
    "genotype": "subject_details.genotype",
}
FIELDS: dict[tuple[str, int], dict[str, str]] = {
    ("data_description", 1): {
        "subject_id": "subject_id",
        "creation_time": "creation_time|creation_date",
        "institution": "institution",
        "funding_source": "funding_source",
        "data_level": "data_level",
        "investigators": "investigators",
        "modalities": "modality|modalities",
        "platform": "platform",
    },
    ("data_description", 2): {
        "creation_time": "creation_time",
        "institution": "institution",
        "funding_source": "funding_source",
        "data_level": "data_level",
        "investigators": "investigators",
        "project_name": "project_name",
        "modalities": "modalities",
    },
    ("subject", 1): {
        "subject_id": "subject_id",
        "species": "species",
        "sex": "sex",
        "date_of_birth": "date_of_birth",
    },
    ("subject", 2): {"subject_id": "subject_id", **_MOUSE},
    ("procedures", 1): {"subject_id": "subject_id"},
    ("procedures", 2): {"subject_id": "subject_id"},
    ("session", 1): {
        "subject_id": "subject_id",
        "acquisition_start_time": "session_start_time",
        "acquisition_type": "session_type",
        "experimenters": "experimenter_full_name",
        "instrument_id": "rig_id",
    },
    ("acquisition", 1): {
        "subject_id": "subject_id",
        "acquisition_start_time": "session_start_time",
        "acquisition_end_time": "session_end_time",
        "experimenters": "experimenter_full_name",
        "instrument_id": "instrument_id",
    },
    ("acquisition", 2): {
        "subject_id": "subject_id",
        "acquisition_start_time": "acquisition_start_time",
        "acquisition_end_time": "acquisition_end_time",
        "acquisition_type": "acquisition_type",
        "instrument_id": "instrument_id",
    },
    ("rig", 1): {"instrument_id": "rig_id|instrument_id", "modification_date": "modification_date"},
    ("instrument", 1): {"modification_date": "modification_date"},
    ("instrument", 2): {"instrument_id": "instrument_id", "modification_date": "modification_date"},
    ("processing", 1): {"data_processes": "processing_pipeline.data_processes|data_processes"},
    ("processing", 2): {"data_processes": "data_processes"},
}
SUBJECT_DETAILS = {
    "Mouse subject": _MOUSE,
    "Human subject": {"sex": "subject_details.sex", "year_of_birth": "subject_details.year_of_birth"},
    "Calibration object": {},
}
DOCUMENTS = {
    "data_description": ("data_description",),
    "subject": ("subject",),
    "procedures": ("procedures",),
    "acquisition": ("acquisition", "session"),
    "instrument": ("instrument", "rig"),
    "processing": ("processing",),
}
REQUIRED = ("data_description", "subject", "procedures", "acquisition", "instrument")
KEYS = sorted(
    {"schema_version"}
    | {
        path.split(".")[0]
        for fields in FIELDS.values()
        for paths in fields.values()
        for path in paths.split("|")
    }
)
"""The top-level keys the rules read: all the backfill decodes of a document (never its tiles)."""


def upgrade() -> None:
    # Columns added in place: on SQLite, recreating ``assets`` (batch mode's copy for a NOT NULL
    # change) would cascade-delete every row referring to it, foreign keys being on. A NOT NULL
    # column is added in place only with a default: an empty list.
    op.add_column("assets", sa.Column("missing", DOCUMENT, nullable=False, server_default="[]"))
    op.add_column("assets", sa.Column("completeness", sa.Double(), nullable=True))
    op.create_index(op.f("ix_assets_completeness"), "assets", ["completeness"], unique=False)
    _backfill()


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM asset_terms WHERE kind = 'missing'"))
    op.drop_index(op.f("ix_assets_completeness"), table_name="assets")
    op.drop_column("assets", "completeness")  # in place, as added (SQLite 3.35+)
    op.drop_column("assets", "missing")


def _backfill() -> None:
    """Missing items and scores of the registered assets; pending ones (still being registered)
    get theirs when published."""
    assets = sa.table(
        "assets",
        sa.column("id", sa.Integer()),
        sa.column("state", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("data_level", sa.String()),
        sa.column("missing", DOCUMENT),
        sa.column("completeness", sa.Double()),
    )
    documents = sa.table(
        "metadata_documents",
        sa.column("asset_id", sa.Integer()),
        sa.column("document", sa.String()),
        sa.column("is_current", sa.Boolean()),
        sa.column("content", DOCUMENT),
    )
    terms = sa.table("asset_terms", sa.column("asset_id"), sa.column("kind"), sa.column("value"))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(assets.c.id, assets.c.kind, assets.c.data_level).where(assets.c.state == "ready")
    ).all()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        found: dict[int, dict[str, Any]] = {asset_id: {} for asset_id, _, _ in batch}
        current = sa.select(
            documents.c.asset_id, documents.c.document, _read(bind, documents.c.content)
        ).where(
            documents.c.document.in_([name for names in DOCUMENTS.values() for name in names]),
            documents.c.is_current.is_(True),
            documents.c.asset_id.in_(list(found)),
        )
        for asset_id, name, content in bind.execute(current):
            found[asset_id][name] = content or {}
        updates, term_rows = [], []
        for asset_id, kind, data_level in batch:
            missing, score = _completeness(
                found[asset_id], derived=kind == "DERIVED" or data_level == "derived"
            )
            updates.append({"_id": asset_id, "_missing": missing, "_completeness": score})
            term_rows += [{"asset_id": asset_id, "kind": "missing", "value": item} for item in missing]
        bind.execute(
            assets.update()
            .where(assets.c.id == sa.bindparam("_id"))
            .values(missing=sa.bindparam("_missing"), completeness=sa.bindparam("_completeness")),
            updates,
        )
        if term_rows:
            bind.execute(terms.insert(), term_rows)


def _read(bind: sa.Connection, content: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """A document less everything but ``KEYS``, each document parsed (PostgreSQL: detoasted) once:
    decoding whole documents took most of the time (about 6 ms an asset on SQLite)."""
    each, collect = (
        ("jsonb_each", "jsonb_object_agg")
        if bind.dialect.name == "postgresql"
        else ("json_each", "json_group_object")
    )
    entries = getattr(sa.func, each)(content).table_valued("key", "value")
    kept = getattr(sa.func, collect)(entries.c.key, entries.c.value, type_=DOCUMENT)
    return sa.select(kept).where(entries.c.key.in_(KEYS)).scalar_subquery()


def _completeness(documents: Mapping[str, Any], *, derived: bool) -> tuple[list[str], float]:
    """The required items the documents lack and the share present; a missing document weighs as
    itself and every field its 2.x shape requires."""
    missing: list[str] = []
    required = lacking = 0
    for name in (*REQUIRED, "processing") if derived else REQUIRED:
        found = next((s for s in DOCUMENTS[name] if isinstance(documents.get(s), Mapping)), None)
        if found is None:
            missing.append(name)
            weight = 1 + len(FIELDS[(name, 2)])
            required, lacking = required + weight, lacking + weight
            continue
        fields = _required_fields(found, documents[found])
        absent = [
            f"{name}.{field}"
            for field, paths in fields.items()
            if not any(_holds(documents[found], path.split(".")) for path in paths.split("|"))
        ]
        missing += absent
        required, lacking = required + 1 + len(fields), lacking + len(absent)
    return missing, (required - lacking) / required


def _required_fields(name: str, document: Mapping[str, Any]) -> dict[str, str]:
    version = document.get("schema_version")
    parts = version.strip().split(".") if isinstance(version, str) else []
    readable = len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit()
    generation = 2 if readable and int(parts[0]) >= 2 else 1
    fields = FIELDS[(name, generation)]
    if name == "subject" and generation == 2:
        details = document.get("subject_details")
        kind = details.get("object_type") if isinstance(details, Mapping) else None
        return {"subject_id": "subject_id", **SUBJECT_DETAILS.get(str(kind), _MOUSE)}
    return fields


def _holds(document: Mapping[str, Any], path: Sequence[str]) -> bool:
    """Whether the path reaches a value: not absent, null, blank, nor an empty list or object."""
    value: Any = document
    for key in path:
        if not isinstance(value, Mapping):
            return False
        value = value.get(key)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and value != [] and value != {}
