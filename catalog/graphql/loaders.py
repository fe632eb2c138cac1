"""Per-request DataLoaders, one per relation: a page of N assets costs a fixed number of
statements, however large N is. Named ``<thing>_by_<key>``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from strawberry.dataloader import DataLoader

from catalog.conventions.globs import PathGlob
from catalog.repo import assets as asset_repo
from catalog.repo import documents, files, locations, provenance

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from catalog.db.dialects.base import ConditionSpec
    from catalog.db.engine import Database
    from catalog.db.models import Asset, AssetLocation, File

K = TypeVar("K")
V = TypeVar("V")

FilesKey = tuple[int, int, str | None, PathGlob | None]  # asset id, first, after path, path glob
DocumentsKey = tuple[int, str | None]  # asset id, one document's name or all
Conditions: TypeAlias = "tuple[ConditionSpec, ...]"  # (path, op, value, other path) read from each element
ElementsKey = tuple[int, str, str, Conditions, int | None]  # asset id, document, path, conditions, version
VersionKey = tuple[int, str, int]  # asset id, document, version


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
    inputs_of_asset: DataLoader[int, list[Asset]]
    derivatives_of_asset: DataLoader[int, list[Asset]]
    documents_of_asset: DataLoader[DocumentsKey, dict[str, Any]]
    elements_of_asset: DataLoader[ElementsKey, list[Any]]
    versions_of_document: DataLoader[tuple[int, str], list[documents.Version]]
    content_of_version: DataLoader[VersionKey, Any]
    locations_by_asset: DataLoader[int, list[AssetLocation]]


def create_loaders(db: Database) -> Loaders:
    async def modalities(ids: Sequence[int]) -> dict[int, list[str]]:
        async with db.reader() as session:
            return await asset_repo.modalities_by_asset(session, ids)

    async def inputs(ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        async with db.reader() as session:
            return await provenance.inputs_of(session, ids)

    async def input_assets(ids: Sequence[int]) -> dict[int, list[Asset]]:
        async with db.reader() as session:
            return await provenance.inputs_by_derived(session, ids)

    async def derivative_assets(ids: Sequence[int]) -> dict[int, list[Asset]]:
        async with db.reader() as session:
            return await provenance.derivatives_by_input(session, db.dialect, ids)

    async def further_locations(ids: Sequence[int]) -> dict[int, list[AssetLocation]]:
        async with db.reader() as session:
            return await locations.of_assets(session, ids)

    async def document_sets(keys: list[DocumentsKey]) -> list[dict[str, Any]]:
        """One statement for all assets: the named documents asked for, or all when any key wants all."""
        names = None if any(name is None for _, name in keys) else sorted({name for _, name in keys if name})
        async with db.reader() as session:
            found = await documents.current(session, sorted({asset_id for asset_id, _ in keys}), names)
        return [found.get(asset_id, {}) for asset_id, _ in keys]

    async def element_lists(keys: list[ElementsKey]) -> list[list[Any]]:
        """Keys asking the same (document, path, conditions, version) are answered by one
        statement. Grouped by ``repr``: a condition's value may be a list, which does not hash."""
        shapes: dict[str, tuple[str, str, Conditions, int | None, list[int]]] = {}
        for asset_id, document, path, conditions, version in keys:
            shape = shapes.setdefault(
                repr((document, path, conditions, version)), (document, path, conditions, version, [])
            )
            shape[4].append(asset_id)
        found: dict[str, list[Any]] = {}
        async with db.reader() as session:
            for document, path, conditions, version, ids in shapes.values():
                elements = await documents.matching_elements(
                    session, db.dialect, ids, document, path, conditions, version
                )
                for asset_id in ids:
                    found[repr((asset_id, document, path, conditions, version))] = elements.get(asset_id, [])
        return [found[repr(key)] for key in keys]

    async def version_lists(keys: list[tuple[int, str]]) -> list[list[documents.Version]]:
        async with db.reader() as session:
            found = await documents.versions_of(session, keys)
        return [found.get(key, []) for key in keys]

    async def version_contents(keys: list[VersionKey]) -> list[Any]:
        async with db.reader() as session:
            found = await documents.contents_of_versions(session, keys)
        return [found.get(key) for key in keys]

    async def file_pages(keys: list[FilesKey]) -> list[list[File]]:
        """Keys sharing (first, after, glob) are answered by one statement."""
        shapes: dict[tuple[int, str | None, PathGlob | None], list[int]] = {}
        for asset_id, first, after, regex in keys:
            shapes.setdefault((first, after, regex), []).append(asset_id)
        found: dict[FilesKey, list[File]] = {}
        async with db.reader() as session:
            for (first, after, regex), ids in shapes.items():
                pages = await files.page_by_asset(session, db.dialect, ids, first, after, regex)
                for asset_id in ids:
                    found[(asset_id, first, after, regex)] = pages.get(asset_id, [])
        return [found[key] for key in keys]

    return Loaders(
        modalities_by_asset=DataLoader(_grouped(modalities, list)),
        inputs_by_asset=DataLoader(_grouped(inputs, list)),
        files_by_asset=DataLoader(file_pages),
        inputs_of_asset=DataLoader(_grouped(input_assets, list)),
        derivatives_of_asset=DataLoader(_grouped(derivative_assets, list)),
        documents_of_asset=DataLoader(document_sets),
        elements_of_asset=DataLoader(element_lists, cache_key_fn=repr),
        versions_of_document=DataLoader(version_lists),
        content_of_version=DataLoader(version_contents),
        locations_by_asset=DataLoader(_grouped(further_locations, list)),
    )
