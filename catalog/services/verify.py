"""The catalog checked against its stores: every recorded file present with its size (and, when
asked, its sha256, streamed), and nothing else under a registered asset's prefix.

An asset's objects live under ``<name>/`` in its store: every registration path stores them so.
One asset is held in memory at a time (its rows and its listing)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from catalog.errors import NotFound
from catalog.repo import files

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from catalog.db.engine import Database
    from catalog.db.models import File
    from catalog.storage import ObjectStore
    from catalog.storage.registry import StoreRegistry


class Discrepancy(StrEnum):
    MISSING = "missing"
    UNEXPECTED = "unexpected"
    SIZE = "size changed"
    SHA256 = "sha256 changed"


@dataclass(frozen=True, slots=True)
class Finding:
    discrepancy: Discrepancy
    asset: str
    url: str
    """Where the object is (or should be): the store's URL and the key."""
    detail: str


@dataclass(slots=True)
class VerifyReport:
    assets: int = 0
    files: int = 0
    bytes: int = 0
    rehashed: int = 0
    findings: list[Finding] = field(default_factory=list)


async def verify(
    *,
    db: Database,
    stores: StoreRegistry,
    names: Sequence[str] = (),
    rehash: bool = False,
    concurrency: int = 8,
    on_bytes: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Compare the files of the assets ``names`` (default: every asset kept in a store) with their
    stores. ``rehash`` streams each object to compare its sha256, reporting progress to
    ``on_bytes``; ``concurrency`` bounds the objects read at once."""
    async with db.reader() as session:
        held = await files.held_in_stores(session, names)
    if unknown := sorted(set(names) - {asset.name for asset in held}):
        raise NotFound(f"no registered asset with files in a store is named {', '.join(unknown)}")
    report = VerifyReport()
    checker = _Checker(report, rehash, asyncio.Semaphore(concurrency), on_bytes)
    for asset in held:
        async with db.reader() as session:
            recorded = await files.of_asset(session, asset.id)
        await checker.asset(stores.for_url(asset.store_url), asset.name, list(recorded.values()))
    return report


@dataclass(slots=True)
class _Checker:
    report: VerifyReport
    rehash: bool
    semaphore: asyncio.Semaphore
    on_bytes: Callable[[int], None] | None

    async def asset(self, store: ObjectStore, name: str, recorded: list[File]) -> None:
        listed = {info.key: info.size async for info in store.list(f"{name}/")}
        to_hash = []
        for row in sorted(recorded, key=lambda row: row.key):
            size = listed.pop(row.key, None)
            if size is None:
                self._found(Discrepancy.MISSING, store, name, row.key, f"recorded {row.size} bytes")
            elif size != row.size:
                self._found(Discrepancy.SIZE, store, name, row.key, f"recorded {row.size}, stored {size}")
            elif self.rehash and row.sha256 is not None:
                to_hash.append(row)
        for key, size in sorted(listed.items()):
            self._found(Discrepancy.UNEXPECTED, store, name, key, f"{size} bytes, not recorded")
        await asyncio.gather(*(self._rehash(store, name, row) for row in to_hash))
        self.report.assets += 1
        self.report.files += len(recorded)
        self.report.bytes += sum(row.size for row in recorded)

    async def _rehash(self, store: ObjectStore, name: str, row: File) -> None:
        async with self.semaphore:
            try:
                digest = await store.sha256(row.key)
            except NotFound:  # deleted since it was listed
                self._found(Discrepancy.MISSING, store, name, row.key, f"recorded {row.size} bytes")
                return
        self.report.rehashed += 1
        if self.on_bytes is not None:
            self.on_bytes(row.size)
        if digest != row.sha256:
            self._found(Discrepancy.SHA256, store, name, row.key, f"recorded {row.sha256}, stored {digest}")

    def _found(self, discrepancy: Discrepancy, store: ObjectStore, name: str, key: str, detail: str) -> None:
        self.report.findings.append(Finding(discrepancy, name, f"{store.url}/{key}", detail))
