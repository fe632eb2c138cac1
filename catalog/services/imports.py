"""Metadata-only registration from whole-asset records (DocDB exports, metadata.nd.json,
JSON lines): how a lab moves an existing catalog over. Data stays where the record's
``location`` says; nothing is copied. Batched: this is the fast registration path."""

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
from catalog.repo import assets
from catalog.services.describe import Description, describe
from catalog.services.register import RegistrationReport, now, published_fields, write_related

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database

BATCH = 500


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
        return result

    def _next_batch(
        self, source: Iterator[Record], errors: list[str]
    ) -> list[tuple[Record, Description, str | None]]:
        batch: list[tuple[Record, Description, str | None]] = []
        for record in source:
            try:
                batch.append((record, *self._describe(record)))
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
        return describe(name, documents_from_record(content), self.vocabulary), (
            location if isinstance(location, str) else None
        )

    async def _register(
        self, batch: list[tuple[Record, Description, str | None]], result: RegistrationReport
    ) -> None:
        """One transaction per batch; a name registered concurrently makes the batch retry."""
        for _attempt in range(3):
            try:
                await self._register_once(batch, result)
                return
            except IntegrityError:
                continue
        raise Conflict("records keep colliding with a concurrent registration; try again")

    async def _register_once(
        self, batch: list[tuple[Record, Description, str | None]], result: RegistrationReport
    ) -> None:
        if not batch:
            return
        new: dict[str, tuple[Description, str | None]] = {}
        outcome = RegistrationReport()
        async with self.db.transaction() as session:
            taken = await assets.digests_by_name(session, [d.name.name for _, d, _ in batch])
            for record, description, location in batch:
                name = description.name.name
                if name in new or name in taken:
                    state, digest = taken.get(
                        name, (AssetState.READY, new[name][0].digest if name in new else None)
                    )
                    if state == AssetState.READY and digest == description.digest:
                        outcome.unchanged += 1
                    else:
                        outcome.errors.append(
                            f"{record.origin}: {name}: already registered with different metadata; "
                            "registered assets are immutable"
                        )
                    continue
                new[name] = (description, location)
            rows = [
                {"name": name, **published_fields(d, location=location, store_url=None, files=[])}
                for name, (d, location) in new.items()
            ]
            ids = await assets.insert_ready(session, rows)
            await write_related(session, [(ids[name], d) for name, (d, _) in new.items()], now())
        result.registered += len(new)
        result.unchanged += outcome.unchanged
        result.errors += outcome.errors
        for name, (description, _) in new.items():
            if description.warnings:
                result.warnings[name] = description.warnings
