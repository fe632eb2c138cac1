"""Settings, read from the environment (prefix ``CATALOG_``) by pydantic-settings.

The defaults are the embedded catalog: a SQLite file and a local store under
``./catalog-data/``, so ``catalog demo`` works with no configuration at all."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from catalog.limits import MANIFEST_BATCH, MAX_URL_LIFETIME

DATA_DIR = Path("catalog-data")
POOL_SIZE = 10
"""PostgreSQL connections an engine keeps open, per process (``CATALOG_DB_POOL_SIZE``)."""
MAX_OVERFLOW = 20
"""Connections it may open beyond them at a peak, closed when returned (``CATALOG_DB_MAX_OVERFLOW``)."""
ESTIMATE_COUNTS_ABOVE = 100_000
"""Matches beyond which counting costs more than an estimate is worth (``CATALOG_ESTIMATE_COUNTS_ABOVE``):
a count reads every matching asset, tens of milliseconds per 100,000."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore")

    database_url: str = Field(
        default_factory=lambda: f"sqlite+aiosqlite:///{(DATA_DIR / 'catalog.db').resolve()}",
        description="sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db",
    )
    database_read_url: str | None = Field(
        default=None,
        description="a read replica of database_url: the API's reads go there, its writes to the primary",
    )
    db_pool_size: int = Field(
        default=POOL_SIZE, ge=1, le=1000, description="PostgreSQL connections each server process keeps open"
    )
    db_max_overflow: int = Field(
        default=MAX_OVERFLOW,
        ge=0,
        le=1000,
        description="connections a process may open beyond them at a peak",
    )
    storage_url: str = Field(
        default_factory=lambda: (DATA_DIR / "store").resolve().as_uri(),
        description="file:///abs/dir or s3://bucket[/prefix]",
    )
    s3_endpoint_url: str | None = Field(default=None, description="endpoint of an S3-compatible server")
    s3_public_endpoint_url: str | None = Field(
        default=None, description="endpoint clients reach, when it differs from s3_endpoint_url"
    )
    s3_region: str = "us-east-1"
    public_url: str = Field(default="http://127.0.0.1:8000", description="the base URL clients reach")
    secret_key: str = Field(default="change-me", description="signs local download URLs")
    anonymous_read: bool = Field(
        default=True,
        description="let requests without a token read public assets (false: a token for everything)",
    )
    max_url_expiry: int = Field(
        default=MAX_URL_LIFETIME,
        ge=1,
        le=MAX_URL_LIFETIME,
        description="cap on presigned URL lifetimes (s); SigV4 allows 7 days",
    )
    extra_modalities: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="a lab's own modality terms, comma-separated"
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="the largest request body read (bytes); larger ones get 413"
    )
    request_timeout: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="seconds of database work one request may take before it is stopped (TIMEOUT)",
    )
    manifest_batch: int = Field(
        default=MANIFEST_BATCH,
        ge=1,
        le=100_000,
        description="files GET /manifest reads, signs and sends at a time (its memory per request)",
    )
    estimate_counts_above: int = Field(
        default=ESTIMATE_COUNTS_ABOVE,
        ge=0,
        description="PostgreSQL: a totalCount the planner expects to exceed this is answered as its "
        "estimate, flagged (totalCountEstimated), unless exact: true",
    )
    sessions_per_request: int = Field(
        default=4, ge=1, le=32, description="database sessions one request may hold at once"
    )
    kept_answers: int = Field(
        default=256,
        ge=0,
        le=100_000,
        description="answers of facets and aggregates each server process keeps until a write (0: none)",
    )
    ingest_concurrency: int = Field(default=16, ge=1, le=256, description="parallel file uploads")
    multipart_threshold: int = Field(default=16 * 1024 * 1024, ge=5 * 1024 * 1024)
    multipart_chunk_size: int = Field(default=16 * 1024 * 1024, ge=5 * 1024 * 1024)
    upload_lifetime: int = Field(
        default=24 * 3600,
        ge=60,
        description="seconds an upload stays open (openUpload); then it expires (catalog expire-uploads)",
    )

    @field_validator("extra_modalities", mode="before")
    @classmethod
    def _split_terms(cls, value: object) -> object:
        if isinstance(value, str):
            return [term.strip() for term in value.split(",") if term.strip()]
        return value

    @field_validator("storage_url", mode="before")
    @classmethod
    def _plain_path_is_a_folder(cls, value: object) -> object:
        if isinstance(value, str) and "://" not in value:
            return Path(value).resolve().as_uri()
        return value
