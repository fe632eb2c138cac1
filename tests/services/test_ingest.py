"""Folder ingest: every file hashed and stored, the asset visible only when complete,
immutable afterwards, resumable after an interruption, and one winner per name."""

from __future__ import annotations

import asyncio
import re
import subprocess
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from factories import load_record, payload, sha256, write_asset
from sqlalchemy import func, select

from catalog.db.models import Asset, AssetState, MetadataDocument, ProvenanceEdge
from catalog.errors import Conflict, InvalidMetadata, InvalidName
from catalog.repo import assets, files
from catalog.services import claims
from catalog.services.ingest import FolderIngest
from catalog.storage.local import LocalStore

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage import StoredObject

PRIMARY = "ecephys_655568_2022-04-26_11-48-09"
DERIVED = f"{PRIMARY}_sorted_2022-08-11_22-11-32"


class InterruptedStore(LocalStore):
    """A real local store whose connection drops after a number of uploads (a batch that would
    pass the number fails whole, as a dropped connection loses it)."""

    def __init__(self, root: Path, fail_after: int) -> None:
        super().__init__(root, secret_key="s", public_url="http://127.0.0.1:1")
        self.puts = 0
        self.fail_after = fail_after

    async def put_file(self, key: str, source: Path) -> StoredObject:
        if self.puts >= self.fail_after:
            raise ConnectionError("connection to the store dropped")
        self.puts += 1
        return await super().put_file(key, source)

    async def put_files(self, items: Sequence[tuple[str, Path]]) -> list[StoredObject]:
        if self.puts + len(items) > self.fail_after:
            raise ConnectionError("connection to the store dropped")
        self.puts += len(items)
        return await super().put_files(items)


async def visible_count(db: Database) -> int:
    async with db.reader() as session:
        return await assets.count(session, db.dialect, None)


async def test_a_folder_becomes_a_visible_asset_with_every_file_hashed(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    content = {
        "ecephys/continuous.dat": payload("a", 5000),
        "behavior-videos/face.avi": payload("b"),
        "x.txt": b"",
    }
    folder = write_asset(tmp_path / "src", PRIMARY, files=content)

    result = await FolderIngest(db, local_store, vocabulary)(folder)

    assert (result.outcome, result.files, result.uploaded) == ("registered", 3, 3)
    async with db.reader() as session:
        asset = await assets.by_name(session, PRIMARY)
        assert asset is not None
        assert (asset.kind, asset.subject_id) == ("PRIMARY", "655568")
        recorded = await files.of_asset(session, asset.id)
    assert {path: (row.size, row.sha256) for path, row in recorded.items()} == {
        path: (len(data), sha256(data)) for path, data in content.items()
    }
    for path, data in content.items():
        assert (local_store.root / PRIMARY / path).read_bytes() == data
    assert (asset.file_count, asset.total_size) == (3, sum(len(d) for d in content.values()))


async def test_metadata_dimensions_and_whole_documents_are_recorded(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path, fixtures_dir: Path
) -> None:
    name = "behavior_754559_2024-12-17_17-40-13"
    record = load_record(fixtures_dir, name)
    folder = write_asset(tmp_path / "src", name, record)

    await FolderIngest(db, local_store, vocabulary)(folder)

    async with db.reader() as session:
        asset = await assets.by_name(session, name)
        assert asset is not None
        modalities = (await assets.modalities_by_asset(session, [asset.id]))[asset.id]
        documents = set(
            await session.scalars(
                select(MetadataDocument.document).where(MetadataDocument.asset_id == asset.id)
            )
        )
    assert asset.subject_id == str(record["subject"]["subject_id"])
    assert asset.project == record["data_description"]["project_name"]
    assert asset.acquired_at is not None
    assert asset.acquired_at.tzinfo is not None
    assert {m.lower() for m in modalities} == {
        m["abbreviation"].lower() for m in record["data_description"]["modality"]
    }
    assert documents == {k for k, v in record.items() if isinstance(v, dict) and k in documents | {"subject"}}


async def test_ingesting_identical_content_again_is_a_no_op(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", PRIMARY)
    ingest = FolderIngest(db, local_store, vocabulary)
    await ingest(folder)

    again = await ingest(folder)

    assert (again.outcome, again.uploaded) == ("unchanged", 0)
    assert await visible_count(db) == 1


@pytest.mark.parametrize("change", ["a data file's bytes", "an added file", "a removed file"])
async def test_an_existing_name_with_different_data_is_a_conflict(
    change: str, db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", PRIMARY, files={"data/a.bin": b"one", "data/b.bin": b"two"})
    ingest = FolderIngest(db, local_store, vocabulary)
    await ingest(folder)
    if change == "a data file's bytes":
        (folder / "data/a.bin").write_bytes(b"ONE")
    elif change == "an added file":
        (folder / "data/c.bin").write_bytes(b"three")
    else:
        (folder / "data/b.bin").unlink()

    with pytest.raises(Conflict, match=PRIMARY):
        await ingest(folder)
    assert (local_store.root / PRIMARY / "data/a.bin").read_bytes() == b"one"


async def test_a_changed_metadata_file_is_a_new_metadata_version_not_a_conflict(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", PRIMARY, files={"data/a.bin": b"one"})
    ingest = FolderIngest(db, local_store, vocabulary)
    await ingest(folder)
    (folder / "subject.json").write_text('{"subject_id": "655568", "sex": "Female"}')

    result = await ingest(folder)

    assert (result.outcome, result.uploaded) == ("updated", 1)  # the new subject.json
    async with db.reader() as session:
        asset = await assets.by_name(session, PRIMARY)
    assert asset is not None
    assert asset.sex == "Female"
    assert (local_store.root / PRIMARY / "data/a.bin").read_bytes() == b"one"


@pytest.mark.parametrize(
    "name", ["655568_2022-13-26_11-48-09", "ecephys_655568_2022-04-26", "eceph ys_655568_2022-04-26_11-48-09"]
)
async def test_a_badly_named_folder_is_refused_and_nothing_is_registered(
    name: str, db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", name)

    with pytest.raises(InvalidName, match="invalid asset name"):
        await FolderIngest(db, local_store, vocabulary)(folder)

    async with db.reader() as session:
        assert (await session.execute(select(func.count()).select_from(Asset))).scalar_one() == 0
    assert not (local_store.root / name).exists()


async def test_malformed_metadata_names_the_asset_and_the_file_and_registers_nothing(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", PRIMARY)
    (folder / "subject.json").write_text('{"subject_id": "655568",')

    with pytest.raises(InvalidMetadata, match=rf"{PRIMARY}: .*subject\.json.*not valid JSON"):
        await FolderIngest(db, local_store, vocabulary)(folder)

    assert await visible_count(db) == 0


async def test_an_interrupted_ingest_stays_invisible_and_resumes_without_resending(
    db: Database, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    content = {f"ecephys/chunk_{i:02d}.bin": payload(str(i)) for i in range(10)}
    folder = write_asset(tmp_path / "src", PRIMARY, files=content)
    flaky = InterruptedStore(tmp_path / "store", fail_after=4)

    with pytest.raises(ConnectionError):
        await FolderIngest(db, flaky, vocabulary, concurrency=1, batch=2)(folder)
    assert await visible_count(db) == 0

    resumed_store = InterruptedStore(tmp_path / "store", fail_after=100)
    result = await FolderIngest(db, resumed_store, vocabulary, concurrency=1, batch=2)(folder)

    assert result.outcome == "registered"
    assert (result.reused, result.uploaded, resumed_store.puts) == (4, 6, 6)
    assert await visible_count(db) == 1
    async with db.reader() as session:
        asset = await assets.by_name(session, PRIMARY)
        assert asset is not None
        assert (asset.state, asset.file_count) == (AssetState.READY, 10)


async def test_two_concurrent_ingests_of_one_name_have_exactly_one_winner(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    folder = write_asset(
        tmp_path / "src", PRIMARY, files={f"data/{i}.bin": payload(str(i), 200_000) for i in range(20)}
    )

    outcomes = await asyncio.gather(
        FolderIngest(db, local_store, vocabulary)(folder),
        FolderIngest(db, local_store, vocabulary)(folder),
        return_exceptions=True,
    )

    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(winners) == 1
    assert winners[0].outcome == "registered"
    assert len(losers) == 1
    assert isinstance(losers[0], Conflict)
    assert "being registered by another ingest" in losers[0].message
    assert await visible_count(db) == 1


async def test_a_derived_asset_records_its_input_from_the_name_and_from_processing(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", DERIVED)
    (folder / "processing.json").write_text(
        '{"schema_version": "1.1.1", "processing_pipeline": {"processor_full_name": "A", "data_processes": '
        '[{"name": "Spike sorting", "software_version": "1", "start_date_time": "2022-08-11T22:11:32-07:00", '
        f'"end_date_time": "2022-08-11T23:00:00-07:00", "input_location": "s3://bucket/{PRIMARY}", '
        f'"output_location": "s3://bucket/{DERIVED}", "code_url": "x", "parameters": {{}}}}]}}}}'
    )

    result = await FolderIngest(db, local_store, vocabulary)(folder)

    async with db.reader() as session:
        edges = set(await session.execute(select(ProvenanceEdge.input_name, ProvenanceEdge.source)))
        asset = await assets.by_name(session, DERIVED)
    assert edges == {(PRIMARY, "name"), (PRIMARY, "processing")}
    assert asset is not None
    assert (asset.kind, asset.process_label) == ("DERIVED", "sorted")
    assert asset.data_level == "derived"
    assert not any("provenance" in w for w in result.warnings)


async def test_a_disagreement_between_name_and_processing_is_a_warning(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", DERIVED)
    (folder / "data_description.json").write_text(
        '{"name": "'
        + DERIVED
        + '", "input_data_name": "ecephys_111111_2020-01-01_00-00-00", "data_level": "derived"}'
    )

    result = await FolderIngest(db, local_store, vocabulary)(folder)

    assert any(w.startswith("provenance:") for w in result.warnings)


async def test_a_zarr_store_of_many_small_objects_ingests_completely(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    chunks = {f"SPIM/tile.ome.zarr/0/{i // 50}/{i % 50}": payload(str(i), 64) for i in range(1500)}
    folder = write_asset(tmp_path / "src", "SmartSPIM_693124_2023-09-15_11-32-56", files=chunks)

    result = await FolderIngest(db, local_store, vocabulary)(folder)

    assert (result.files, result.uploaded) == (1500, 1500)
    async with db.reader() as session:
        asset = await assets.by_name(session, folder.name)
        assert asset is not None
        assert asset.file_count == 1500


async def test_thousands_of_tiny_files_are_each_recorded_with_their_sha256_and_resume_after_a_drop(
    db: Database, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    chunks = {
        f"x.ome.zarr/0/{i // 100}/{i % 100 // 10}/{i % 10}": payload(str(i), i % 97) for i in range(3000)
    }
    folder = write_asset(tmp_path / "src", "SmartSPIM_693124_2023-09-15_11-32-56", files=chunks)
    flaky = InterruptedStore(tmp_path / "store", fail_after=1250)

    with pytest.raises(ConnectionError):
        await FolderIngest(db, flaky, vocabulary, concurrency=1, batch=100)(folder)
    assert await visible_count(db) == 0
    resumed_store = InterruptedStore(tmp_path / "store", fail_after=10_000)
    result = await FolderIngest(db, resumed_store, vocabulary)(folder)

    assert result.reused == 1200, "the 12 batches stored before the drop were recorded"
    assert (result.reused + result.uploaded, resumed_store.puts) == (3000, result.uploaded)
    async with db.reader() as session:
        asset = await assets.by_name(session, folder.name)
        assert asset is not None
        recorded = await files.recorded(session, asset.id)
    assert recorded == {path: (len(data), sha256(data)) for path, data in chunks.items()}
    stored = [p for p in (resumed_store.root / folder.name).rglob("*") if p.is_file()]
    assert {p.relative_to(resumed_store.root / folder.name).as_posix() for p in stored} == set(chunks)


# --- claims held by crashed ingests ---------------------------------------------------------------


def dead_pid() -> int:
    """The pid of a process of this machine that has run and is gone."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


async def leave_claim(db: Database, name: str, *, holder: str, age: timedelta = timedelta(0)) -> None:
    """A pending claim as another ingest leaves it: held by ``holder``, last renewed ``age`` ago."""
    async with db.transaction() as session:
        await assets.claim(
            session, name=name, kind="PRIMARY", token="other", holder=holder, now=datetime.now(UTC) - age
        )


async def test_a_claim_whose_process_is_gone_is_taken_over_at_once(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", PRIMARY)
    await leave_claim(db, PRIMARY, holder=f"{dead_pid()}@{claims.machine()}")

    result = await FolderIngest(db, local_store, vocabulary)(folder)

    assert result.outcome == "registered"
    assert await visible_count(db) == 1


@pytest.mark.parametrize(
    ("holder", "age", "taken_over"),
    [
        pytest.param("this process", timedelta(0), False, id="live process, fresh heartbeat"),
        pytest.param("this process", claims.STALE + timedelta(seconds=1), True, id="live process, stale"),
        pytest.param("1@another-host/0", timedelta(0), False, id="other machine, fresh heartbeat"),
        pytest.param(
            "1@another-host/0", claims.STALE + timedelta(seconds=1), True, id="other machine, stale"
        ),
    ],
)
async def test_a_claim_of_a_process_that_may_run_is_taken_over_only_once_its_heartbeat_stops(
    holder: str,
    age: timedelta,
    taken_over: bool,
    db: Database,
    local_store: LocalStore,
    vocabulary: Vocabulary,
    tmp_path: Path,
) -> None:
    """A live pid, or one on a machine we cannot look into, may be a running ingest."""
    folder = write_asset(tmp_path / "src", PRIMARY)
    holder = claims.holder() if holder == "this process" else holder
    await leave_claim(db, PRIMARY, holder=holder, age=age)

    if taken_over:
        assert (await FolderIngest(db, local_store, vocabulary)(folder)).outcome == "registered"
    else:
        with pytest.raises(
            Conflict, match=f"being registered by another ingest right now .*{re.escape(holder)}"
        ):
            await FolderIngest(db, local_store, vocabulary)(folder)


async def test_taking_over_discards_the_partial_files_the_crashed_ingest_left(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", PRIMARY, files={"data/a.bin": b"one"})
    await leave_claim(db, PRIMARY, holder=f"{dead_pid()}@{claims.machine()}")
    left = local_store.root / PRIMARY / "data" / ".0123456789abcdef.catalog-partial"
    elsewhere = local_store.root / DERIVED / ".0123456789abcdef.catalog-partial"
    for partial in (left, elsewhere):
        partial.parent.mkdir(parents=True)
        partial.write_bytes(b"half a file")

    await FolderIngest(db, local_store, vocabulary)(folder)

    assert not left.exists()
    assert elsewhere.exists(), "another asset's uploads are its own ingest's business"
