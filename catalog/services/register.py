"""Writing a described asset: the rows every registration path shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from catalog.db.models import TermKind
from catalog.repo import assets, documents, provenance
from catalog.services.describe import Description, location_prefix

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(slots=True)
class RegistrationReport:
    """The outcome of registering many assets: counts, refusals and warnings by name."""

    registered: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)


def now() -> datetime:
    return datetime.now(UTC)


def published_fields(
    description: Description, *, location: str | None, store_url: str | None, files: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The asset row as it becomes visible."""
    return {
        **description.fields,
        "location": location,
        "location_prefix": location_prefix(location),
        "store_url": store_url,
        "file_count": len(files),
        "total_size": sum(row["size"] for row in files),
        "metadata_digest": description.digest,
        "warnings": description.warnings,
        "registered_at": now(),
    }


async def write_related(
    session: AsyncSession, described: Sequence[tuple[int, Description]], recorded_at: datetime
) -> None:
    """Documents (version 1), modalities, people, funders and provenance edges of newly
    registered assets."""
    await documents.add_first_versions(
        session, [(asset_id, d.encoded, d.schema_versions) for asset_id, d in described], recorded_at
    )
    await assets.set_modalities(
        session, [(asset_id, modality) for asset_id, d in described for modality in d.modalities]
    )
    await assets.set_terms(
        session, [(asset_id, kind, value) for asset_id, d in described for kind, value in terms(d)]
    )
    await provenance.add(
        session,
        [(asset_id, e.input_name, e.source, e.location) for asset_id, d in described for e in d.edges],
    )


TERM_FIELDS = {
    TermKind.INVESTIGATOR: "investigators",
    TermKind.EXPERIMENTER: "experimenters",
    TermKind.FUNDING: "funding",
}
"""The asset row's JSON lists kept one row per value in ``asset_terms``, by kind."""


def terms(description: Description) -> list[tuple[str, str]]:
    """(kind, value) of each investigator, experimenter and funder, once each."""
    return list(
        dict.fromkeys(
            (kind, value)
            for kind, name in TERM_FIELDS.items()
            for value in description.fields.get(name) or []
        )
    )
