"""Metadata-only registration from whole-asset records (DocDB exports, metadata.nd.json,
JSON lines): how a lab moves an existing catalog over. Data stays where the record's
``location`` says; nothing is copied. Batched: this is the fast registration path. A changed
record of a registered asset (same location) becomes a new metadata version."""

from __future__ import annotations

import asyncio
import gc
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from catalog.conventions.metadata import documents_from_record
from catalog.db.models import AssetState
from catalog.errors import CatalogError, Conflict, Invalid, InvalidMetadata
from catalog.repo import assets, documents
from catalog.services.describe import Description, describe
from catalog.services.register import (
    MetadataMoved,
    NewAsset,
    RegistrationReport,
    Update,
    apply_updates,
    now,
    plan_update,
    register_new,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database

BATCH = 500
ANALYZE_AFTER = 1_000
"""Registrations (new or updated) after which an import refreshes the planner's statistics."""


@dataclass(frozen=True, slots=True)
class Record:
    origin: str  # "file" or "file:line", for messages
    content: Any


def read_records(path: Path) -> Iterator[Record]:
    """Records of a file: JSON lines (streamed, for exports of any size), or one JSON document
    holding an object or an array of them."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _json_lines(path)
        return
    text = path.read_text(encoding="utf-8")
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":  # several documents, one per line, under another suffix
            yield from _json_lines(path)
            return
        raise InvalidMetadata(
            f"{path}: not valid JSON: {error.msg} (line {error.lineno} column {error.colno})"
        ) from None
    if isinstance(content, list):
        for index, item in enumerate(content):
            yield Record(f"{path}[{index}]", item)
    else:
        yield Record(str(path), content)


def _json_lines(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                try:
                    yield Record(f"{path}:{number}", json.loads(line))
                except json.JSONDecodeError as error:
                    raise InvalidMetadata(f"{path}:{number}: not valid JSON: {error.msg}") from None


Entry = tuple[Record, Description, str | None]
"""A record with its description and the location it names."""


class RecordImport:
    def __init__(self, db: Database, vocabulary: Vocabulary, *, batch_size: int = BATCH) -> None:
        self.db = db
        self.vocabulary = vocabulary
        self.batch_size = batch_size

    async def __call__(self, records: Iterable[Record]) -> RegistrationReport:
        """Batches are read and described in a worker thread while the previous one is written:
        the database works while Python parses (one write in flight keeps the order)."""
        result = RegistrationReport()
        source = iter(records)
        writing: asyncio.Task[None] | None = None
        threshold = gc.get_threshold()
        gc.set_threshold(50_000, *threshold[1:])  # parsed documents are many small, long-lived objects
        try:
            while batch := await asyncio.to_thread(self._next_batch, source, result.errors):
                if writing is not None:
                    await writing
                writing = asyncio.create_task(self._register(batch, result))
        finally:
            if writing is not None:
                await writing
            gc.set_threshold(*threshold)
        if result.registered + result.updated >= ANALYZE_AFTER:
            await self.db.refresh_statistics()
        return result

    def _next_batch(self, source: Iterator[Record], errors: list[str]) -> list[Entry]:
        batch: list[Entry] = []
        for record in source:
            try:
                entry = (record, *self._describe(record))
                if self.db.dialect.indexes_values:
                    entry[1].indexed_values()
                batch.append(entry)
            except CatalogError as error:
                errors.append(f"{record.origin}: {error.message}")
            if len(batch) >= self.batch_size:
                break
        return batch

    def _describe(self, record: Record) -> tuple[Description, str | None]:
        content = record.content
        if not isinstance(content, dict):
            raise Invalid("expected a JSON object with a name")
        name = content.get("name")
        if not isinstance(name, str):
            raise Invalid("the record has no name")
        location = content.get("location")
        return describe(name, documents_from_record(content), self.vocabulary, record=content), (
            location if isinstance(location, str) else None
        )

    async def _register(self, batch: list[Entry], result: RegistrationReport) -> None:
        """One transaction per round. A name repeated with other metadata within a batch is written
        in a next round, as a new version of the first."""
        while batch:
            batch = await self._register_round(batch, result)

    async def _register_round(self, batch: list[Entry], result: RegistrationReport) -> list[Entry]:
        """A name registered or updated concurrently makes the round retry (reading it again)."""
        failure = "records keep colliding with a concurrent registration"
        for _attempt in range(3):
            try:
                return await self._register_once(batch, result)
            except IntegrityError:
                continue
            except MetadataMoved as error:
                failure = error.message
        raise Conflict(f"{failure}; try again")

    async def _register_once(self, batch: list[Entry], result: RegistrationReport) -> list[Entry]:
        """New names are registered, changed records of registered ones become new metadata
        versions; returns the records left for the next round."""
        new: dict[str, tuple[Description, str | None]] = {}
        changed: dict[str, tuple[Record, Description, assets.Taken]] = {}
        later: list[Entry] = []
        outcome = RegistrationReport()
        async with self.db.transaction() as session:
            taken = await assets.taken_by_name(session, [d.name.name for _, d, _ in batch])
            for entry in batch:
                record, description, location = entry
                name = description.name.name
                if name in new or name in changed:
                    planned = new[name][0] if name in new else changed[name][1]
                    if planned.digest == description.digest:
                        outcome.unchanged += 1
                    else:
                        later.append(entry)
                    continue
                held = taken.get(name)
                if held is None:
                    new[name] = (description, location)
                elif held.state == AssetState.READY and held.digest == description.digest:
                    outcome.unchanged += 1
                elif refusal := _refusal(held, location):
                    outcome.errors.append(f"{record.origin}: {name}: {refusal}")
                else:
                    changed[name] = (record, description, held)
            updates = await self._plan(session, changed, outcome)
            fresh = [NewAsset(d, location) for d, location in new.values()]
            await register_new(session, self.db.dialect, fresh, now())
            await apply_updates(session, updates, now())
        result.registered += len(new)
        result.updated += len(updates)
        result.unchanged += outcome.unchanged
        result.errors += outcome.errors
        for description in [d for d, _ in new.values()] + [u.description for u in updates]:
            if description.warnings:
                result.warnings[description.name.name] = description.warnings
        return later

    async def _plan(
        self,
        session: AsyncSession,
        changed: dict[str, tuple[Record, Description, assets.Taken]],
        outcome: RegistrationReport,
    ) -> list[Update]:
        """The new metadata versions of changed records, read from their assets' histories."""
        histories = await documents.history(session, [held.id for _, _, held in changed.values()])
        updates = []
        for name, (record, description, held) in changed.items():
            try:
                update = plan_update(name, held, histories.get(held.id, []), description)
            except Conflict as error:
                outcome.errors.append(f"{record.origin}: {error.message}")
                continue
            if update is None:
                outcome.unchanged += 1
            else:
                updates.append(update)
        return updates


def _refusal(held: assets.Taken, location: str | None) -> str | None:
    """Why a changed record of a registered name cannot be a new metadata version, if it cannot:
    its data must be the registered data (metadata is versioned, data is immutable)."""
    if held.state != AssetState.READY:
        return "being registered by an ingest right now; import it again once that is complete"
    if held.location != location:
        return (
            f"registered with its data at {held.location or 'no location'}, but this record places it "
            f"at {location or 'no location'}; registered data is immutable, only its metadata is versioned"
        )
    return None
