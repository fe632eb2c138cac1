"""The demo catalog: a varied, consistent catalog from the shipped records, built idempotently."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from catalog.conventions.names import AssetKind, parse_name
from catalog.db.models import Asset, AssetModality, AssetState, File, ProvenanceEdge
from catalog.services.demo import build_demo, write_demo_folders

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import InstrumentedAttribute

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.local import LocalStore


async def count(db: Database, column: InstrumentedAttribute[Any]) -> int:
    """Distinct values of ``column``: how many subjects, projects, modalities... the demo has."""
    async with db.reader() as session:
        return (await session.execute(select(func.count(func.distinct(column))))).scalar_one()


def test_demo_folders_are_named_by_the_convention_and_deterministic(tmp_path: Path) -> None:
    first = write_demo_folders(tmp_path / "a")
    second = write_demo_folders(tmp_path / "b")

    names = [folder.name for folder in first]
    assert names == [folder.name for folder in second]
    kinds = [parse_name(name).kind for name in names]
    assert kinds == sorted(kinds, key=lambda kind: kind is AssetKind.DERIVED), "primaries come first"
    for folder in first:
        assert (folder / "data_description.json").is_file()
        assert (folder / "subject.json").is_file()
        twin = tmp_path / "b" / folder.name
        for path in folder.rglob("*"):
            if path.is_file():
                assert path.read_bytes() == (twin / path.relative_to(folder)).read_bytes()


async def test_demo_registers_a_varied_catalog_with_lineage(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary
) -> None:
    registered = await build_demo(db, local_store, vocabulary)

    assert 40 <= registered <= 60
    assert await count(db, Asset.name) == registered
    async with db.reader() as session:
        states = set(await session.scalars(select(Asset.state)))
        kinds = dict((await session.execute(select(Asset.name, Asset.kind))).all())
        edges = (
            await session.execute(
                select(Asset.name, ProvenanceEdge.input_name).join_from(
                    ProvenanceEdge, Asset, ProvenanceEdge.derived_id == Asset.id
                )
            )
        ).all()
    assert states == {AssetState.READY}
    assert await count(db, Asset.subject_id) >= 10
    assert await count(db, AssetModality.abbreviation) >= 5
    assert await count(db, Asset.project) >= 5

    inputs: dict[str, set[str]] = {}
    for derived, input_name in edges:
        inputs.setdefault(derived, set()).add(input_name)
    derived_names = {name for name, kind in kinds.items() if kind == AssetKind.DERIVED}
    assert derived_names
    assert set(inputs) == derived_names
    assert all(names <= set(kinds) for names in inputs.values()), "every input is a registered asset"

    def depth(name: str) -> int:
        return 0 if kinds[name] == AssetKind.PRIMARY else 1 + max(depth(parent) for parent in inputs[name])

    assert max(depth(name) for name in derived_names) == 2


async def test_building_the_demo_again_registers_nothing_new(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary
) -> None:
    first = await build_demo(db, local_store, vocabulary)
    files = await count(db, File.id)

    assert await build_demo(db, local_store, vocabulary) == first
    assert await count(db, Asset.id) == first
    assert await count(db, File.id) == files
