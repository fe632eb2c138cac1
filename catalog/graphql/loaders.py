"""Per-request DataLoaders, one per relation: a page of N assets costs a fixed number of
statements, however large N is. Named ``<thing>_by_<key>``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from strawberry.dataloader import DataLoader

from catalog.db.engine import Database
from catalog.db.models import File
from catalog.repo import assets as asset_repo
from catalog.repo import files, provenance

K = TypeVar("K")
V = TypeVar("V")

FilesKey = tuple[int, int, str | None]  # asset id, first, after path


def _grouped(
    load: Callable[[Sequence[int]], Awaitable[dict[int, V]]], default: Callable[[], V]
) -> Callable[[list[int]], Awaitable[list[V]]]:
    async def batch(keys: list[int]) -> list[V]:
        found = await load(keys)
        return [found.get(key, default()) for key in keys]

    return batch


@dataclass(slots=True)
class Loaders:
    modalities_by_asset: DataLoader[int, list[str]]
    inputs_by_asset: DataLoader[int, list[tuple[str, str]]]
    files_by_asset: DataLoader[FilesKey, list[File]]


def create_loaders(db: Database) -> Loaders:
    async def modalities(ids: Sequence[int]) -> dict[int, list[str]]:
        async with db.reader() as session:
            return await asset_repo.modalities_by_asset(session, ids)

    async def inputs(ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        async with db.reader() as session:
            return await provenance.inputs_of(session, ids)

    async def file_pages(keys: list[FilesKey]) -> list[list[File]]:
        """Keys sharing (first, after) are answered by one statement."""
        shapes: dict[tuple[int, str | None], list[int]] = {}
        for asset_id, first, after in keys:
            shapes.setdefault((first, after), []).append(asset_id)
        found: dict[FilesKey, list[File]] = {}
        async with db.reader() as session:
            for (first, after), ids in shapes.items():
                pages = await files.page_by_asset(session, ids, first, after)
                for asset_id in ids:
                    found[(asset_id, first, after)] = pages.get(asset_id, [])
        return [found[key] for key in keys]

    return Loaders(
        modalities_by_asset=DataLoader(_grouped(modalities, list)),
        inputs_by_asset=DataLoader(_grouped(inputs, list)),
        files_by_asset=DataLoader(file_pages),
    )
