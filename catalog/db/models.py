"""ORM models: the relational shape of the catalog.

An asset row carries the query dimensions extracted from its metadata (denormalised, so a
filtered page needs no joins); whole documents are kept in ``metadata_documents`` with a
version each (each distinct content once, in ``metadata_contents``), files in ``files``, lineage
in ``provenance_edges``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    inspect,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.orm.attributes import instance_dict

from catalog.db.types import AnyValue, BigIntId, JSONDocument, UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def loaded_values(row: Base) -> Mapping[str, Any]:
    """A row's loaded attributes by name, read without the ORM's descriptors (a fifth of their
    cost: a page copies thirty-odd columns of each asset). An expired or deferred attribute is
    missing: read those through ``AttributesOf``."""
    return instance_dict(row)


class AttributesOf(Mapping[str, Any]):
    """A row's column attributes by name, read through the ORM's descriptors."""

    def __init__(self, row: Base) -> None:
        self._row = row

    def __getitem__(self, name: str) -> Any:
        if name not in inspect(type(self._row)).column_attrs:
            raise KeyError(name)
        return getattr(self._row, name)

    def __iter__(self) -> Iterator[str]:
        return iter(inspect(type(self._row)).column_attrs.keys())

    def __len__(self) -> int:
        return len(inspect(type(self._row)).column_attrs)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AssetState:
    """An asset is invisible while ``PENDING`` (files still arriving), visible once ``READY``; a
    ``DRAFT`` (processing built step by step, see ``services/uploads.py``) is visible to writers
    only, and changes until it is sealed ``READY``."""

    PENDING = "pending"
    READY = "ready"
    DRAFT = "draft"


class Asset(Base):
    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default=AssetState.PENDING)
    label: Mapped[str | None] = mapped_column(String(255))
    subject_id: Mapped[str | None] = mapped_column(String(255), index=True)
    species: Mapped[str | None] = mapped_column(String(255))
    sex: Mapped[str | None] = mapped_column(String(64))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    genotype: Mapped[str | None] = mapped_column(String(1024))
    project: Mapped[str | None] = mapped_column(String(512), index=True)
    institution: Mapped[str | None] = mapped_column(String(255))
    investigators: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    experimenters: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    funding: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    data_level: Mapped[str | None] = mapped_column(String(64))
    acquired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    acquired_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    instrument_id: Mapped[str | None] = mapped_column(String(512), index=True)
    session_type: Mapped[str | None] = mapped_column(String(512), index=True)
    qc_status: Mapped[str | None] = mapped_column(String(16))
    process_label: Mapped[str | None] = mapped_column(String(255))
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    store_url: Mapped[str | None] = mapped_column(String(1024))
    location: Mapped[str | None] = mapped_column(String(2048))
    location_prefix: Mapped[str | None] = mapped_column(String(2048), index=True)
    file_count: Mapped[int] = mapped_column(Integer, default=0)
    total_size: Mapped[int] = mapped_column(BigInteger, default=0)
    metadata_digest: Mapped[str | None] = mapped_column(String(64))
    warnings: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    claim_token: Mapped[str | None] = mapped_column(String(64))
    claimed_by: Mapped[str | None] = mapped_column(String(512))  # "pid@machine", see services/claims.py
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The metadata record's own times (a DocDB record's ``created`` / ``last_modified``)
    record_created: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    record_modified: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Measures derived at registration (see catalog.services.describe.measures)
    acquisition_duration: Mapped[float | None] = mapped_column(Double, index=True)  # seconds
    subject_age_at_acquisition: Mapped[int | None] = mapped_column(Integer, index=True)  # days
    processing_duration: Mapped[float | None] = mapped_column(Double, index=True)  # seconds
    # What its metadata lacks (see catalog.conventions.metadata.completeness), and the share it has
    missing: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    completeness: Mapped[float | None] = mapped_column(Double, index=True)
    # The access rule that applies (its own, else its project's; none: public), kept current by
    # catalog.repo.access so that a read tests one column
    access_rule_id: Mapped[int | None] = mapped_column(BigIntId, index=True)
    # A draft's current (latest) step; its earlier steps are in ``draft_steps``
    draft_step: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (Index(None, "state", "registered_at"),)


class AssetModality(Base):
    __tablename__ = "asset_modalities"

    asset_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    abbreviation: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class TermKind:
    """The multi-valued dimensions kept one row per value in ``asset_terms``."""

    INVESTIGATOR = "investigator"
    EXPERIMENTER = "experimenter"
    FUNDING = "funding"
    MISSING = "missing"  # a required document or field the metadata lacks


class AssetTerm(Base):
    """One value of a multi-valued dimension of an asset (the JSON lists on ``assets`` as
    rows), so that filters and facets over them are plain indexed joins on both dialects."""

    __tablename__ = "asset_terms"

    asset_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(512), primary_key=True)

    __table_args__ = (Index(None, "kind", "value"),)


class MetadataContent(Base):
    """One distinct document content, kept once however many versions of however many assets hold
    it (a subject's documents repeat across its assets): a JSON predicate is evaluated once per
    distinct content, then documents are found by ``content_id``. ``digest`` is the SHA-256 of the
    content's text as the database keeps it (PostgreSQL's own jsonb text, SQLite's stored JSON),
    so equal contents share a row whoever wrote them (``catalog.repo.contents``, migration 0019).
    Never removed: a version's content stays for the history."""

    __tablename__ = "metadata_contents"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    content: Mapped[Any] = mapped_column(JSONDocument)


class MetadataDocument(Base):
    """One version of one metadata document; a correction adds a version, never overwrites. The
    version saying its document was removed has no content (``content_id`` NULL)."""

    __tablename__ = "metadata_documents"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    asset_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("assets.id", ondelete="CASCADE"))
    document: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    schema_version: Mapped[str | None] = mapped_column(String(64))
    content_id: Mapped[int | None] = mapped_column(BigIntId, ForeignKey("metadata_contents.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[str | None] = mapped_column(String(255))  # the token's name; operator from the CLI
    reason: Mapped[str | None] = mapped_column(Text)  # why, for a correction

    __table_args__ = (
        UniqueConstraint("asset_id", "document", "version"),
        Index(None, "document", "is_current", "asset_id"),
    )


class AccessRule(Base):
    """Who may read the assets of a project, or one asset (which its own rule decides, over its
    project's): everyone, or the members of some groups, until an embargo date when given."""

    __tablename__ = "access_rules"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    project: Mapped[str | None] = mapped_column(String(512), unique=True)
    asset_name: Mapped[str | None] = mapped_column(String(255), unique=True)
    public: Mapped[bool] = mapped_column(Boolean)
    embargo_until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccessRuleGroup(Base):
    """A group whose members may read what a rule covers."""

    __tablename__ = "access_rule_groups"

    rule_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("access_rules.id", ondelete="CASCADE"), primary_key=True
    )
    group: Mapped[str] = mapped_column(String(128), primary_key=True, index=True)


class DataGeneration(Base):
    """One row: a number every committed write transaction moves on (``db/generation.py``)."""

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


class AuditEvent(Base):
    """One write: who (the viewer's name), what (an action and its target, with details), when and
    from where. Never changed or removed; readable by admins."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(255), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str] = mapped_column(String(1024), index=True)
    detail: Mapped[Any] = mapped_column(JSONDocument)
    origin: Mapped[str] = mapped_column(String(255))


class Token(Base):
    """A bearer token of a person or service: its secret is kept only as a SHA-256 digest (shown
    once, at creation). Revoked tokens stay, so that the audit log can still name them."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    groups: Mapped[list[str]] = mapped_column(JSON)
    secret_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


EMBEDDED_ONLY = {"dialects": ("sqlite",)}
"""``Table.info`` of the tables only the embedded default keeps (migration 0008 creates them there;
autogenerate leaves them alone elsewhere)."""


class IndexedPath(Base):
    """A (document, path) ``metadata_values`` names by id (``catalog.db.valueindex``)."""

    __tablename__ = "metadata_paths"
    __table_args__ = (UniqueConstraint("document", "path"), {"info": EMBEDDED_ONLY})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(1024))


class IndexedValue(Base):
    """One distinct value a path reaches in a current document, in one reading of it
    (``catalog.db.valueindex``): predicates, element matches and facets over a path read these
    by B-tree on SQLite instead of parsing documents. The key is the whole row's identity, so the
    table is its own index (no rowid). No foreign keys and no index by asset: each would slow
    every registration by a fifth, and rows leave by key (``valueindex.remove``: whoever removes
    a current document, or an asset, removes its rows so)."""

    __tablename__ = "metadata_values"
    __table_args__ = ({"info": EMBEDDED_ONLY, "sqlite_with_rowid": False},)

    path_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[Any] = mapped_column(AnyValue, primary_key=True)
    asset_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    crossed: Mapped[int | None] = mapped_column(Integer)
    elements: Mapped[str | None] = mapped_column(String)


class File(Base):
    __tablename__ = "files"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    asset_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("assets.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(1024))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    key: Mapped[str] = mapped_column(String(2048))

    __table_args__ = (UniqueConstraint("asset_id", "path"),)


class AssetLocation(Base):
    """A further place an asset's folder is kept (cold storage, a mirror, a lab server), besides the
    primary ``Asset.location`` where it was registered; listed after it, by priority. Never read
    by the catalog itself: a client falls back to it, and a manifest signs it when it can."""

    __tablename__ = "asset_locations"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    asset_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("assets.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    label: Mapped[str] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(255))  # the viewer's name; operator from the CLI
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("asset_id", "url"),)


class Upload(Base):
    """Files a client sends to the store itself through presigned URLs, for one asset: open until
    completed, aborted or expired. ``open_name`` is the asset's name while open (unique: one open
    upload per name), NULL after."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # NULL once the pending asset of an abandoned upload is gone (the upload stays, as history)
    asset_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("assets.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(255), index=True)
    open_name: Mapped[str | None] = mapped_column(String(255), unique=True)
    owner: Mapped[str] = mapped_column(String(255))  # the viewer's name; operator from the CLI
    draft: Mapped[bool] = mapped_column(Boolean)
    step: Mapped[str | None] = mapped_column(String(255))  # a draft upload's step folder
    state: Mapped[str] = mapped_column(String(16))  # open, completed, aborted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class UploadFile(Base):
    """A file an upload declares: its size and sha256 are checked in the store at completion. A
    big one is sent in parts of ``part_size`` bytes to the store's multipart upload ``parts_id``."""

    __tablename__ = "upload_files"

    upload_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("uploads.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(1024), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(2048))
    part_size: Mapped[int | None] = mapped_column(BigInteger)
    parts_id: Mapped[str | None] = mapped_column(String(1024))


class DraftStep(Base):
    """One step (top-level folder) of a draft, in order: only the last may still change."""

    __tablename__ = "draft_steps"

    asset_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    step: Mapped[str] = mapped_column(String(255))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("asset_id", "step"),)


class ProvenanceEdge(Base):
    """derived → input. The input is named, not referenced: it may be registered later."""

    __tablename__ = "provenance_edges"

    derived_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    input_name: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)
    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    input_location: Mapped[str | None] = mapped_column(String(2048))


ORDER_INDEXES = ("ix_assets_acquired_order", "ix_assets_registered_order")
"""Indexes serving "newest first" keyset pages (column DESC NULLS LAST, then id). Their
spelling differs by dialect (SQLite has no NULLS LAST in an index, and needs none), so
migration 0004 creates them and autogenerate leaves them alone."""
QUERY_INDEXES = ("ix_metadata_contents_content", "ix_assets_name_trigrams")
"""PostgreSQL's GIN indexes of metadata contents (``jsonb_path_ops``: path predicates) and of
lower-cased asset names (trigrams: ``nameContains``). Only PostgreSQL has them, so migrations
0015 and 0019 create them and autogenerate leaves them alone."""
PATH_INDEXES = ("ix_files_path_binary", "ix_provenance_edges_input_binary")
"""On PostgreSQL, (asset_id, path COLLATE "C"): a ``pathGlob``'s literal prefix is a range of
paths in code-point order, which the unique (asset_id, path) index serves only when the database's
collation is C. SQLite compares text byte-wise, so its unique index serves already. Migration
0016 creates it on PostgreSQL alone, and autogenerate leaves it alone. Likewise provenance input
names in code-point order (migration 0018): the unregistered names that extend a name a lineage
walk reached are a range of them."""
TERM_INDEXES = ("ix_asset_modalities_lower_abbreviation",)
"""(lower(abbreviation), asset_id): what a modality filter reads (``filters._holding_modality``),
its assets by the term in any case from the index alone, and on PostgreSQL the statistics of
lower(abbreviation), without which the planner takes a common modality for a rare one. An
expression index, which SQLite's reflection cannot compare, so migration 0020 alone declares it."""
MIGRATION_INDEXES = (*ORDER_INDEXES, *QUERY_INDEXES, *PATH_INDEXES, *TERM_INDEXES)
"""The indexes the migrations alone declare, each dialect its own way."""
