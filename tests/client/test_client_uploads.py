"""The client registers an asset folder with a writer's token and no storage credentials: small
files in one signed PUT, big ones in parts, into a local folder, moto and s3rver; an interrupted
upload resumes with only what the store lacks; readers and anonymous users are refused; and a
draft is built step by step, one step replaced, then sealed and frozen."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx
import pytest
from conftest import UPLOAD_PART
from factories import load_record, payload, sha256, write_asset

from catalog.client import Catalog, Conflict, Forbidden, NotFound, Unauthenticated, UploadIncomplete

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Served

SESSION = "ecephys_660104_2023-07-24_18-18-13"
"""A real primary record, uploaded with its metadata files."""
SORTED = "ecephys_800779_2025-09-26_12-57-44_sorted_2025-10-07_17-18-32"
"""A real derived record, built as a draft."""
BIG = "ecephys/raw.dat"
"""A file over the part size: it travels in three parts, the last one short."""


def session_files() -> dict[str, bytes]:
    return {
        BIG: payload("big", 2 * UPLOAD_PART + 12_345),
        "ecephys/probe A.json": payload("probe", 700),
        "notes.txt": payload("notes", 100),
        "empty.txt": b"",
    }


def folder_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def downloaded(cat: Catalog, name: str, dest: Path) -> dict[str, bytes]:
    cat.download(name, dest, quiet=True)
    return folder_files(dest / name)


@pytest.fixture(params=["local", "moto"])
def parted(request: pytest.FixtureRequest) -> Served:
    """A catalog that takes uploads of big files in parts: its own store and moto (s3rver lists no
    parts, which completing an upload in parts asks S3 for)."""
    served: Served = request.getfixturevalue(f"{request.param}_uploads")
    return served


def puts(served: Served) -> list[str]:
    """The paths of the PUTs the catalog itself received (a local store's uploads)."""
    return [request.path for request in served.requests if request.method == "PUT"]


def test_a_folder_with_a_big_file_uploads_in_parts_and_reads_back_identical(
    parted: Served, tmp_path: Path, fixtures_dir: Path
) -> None:
    folder = write_asset(tmp_path / "src", SESSION, load_record(fixtures_dir, SESSION), session_files())
    sent = folder_files(folder)

    with Catalog(parted.url, token=parted.writer) as cat:
        summary = cat.upload(folder, parallel=3, quiet=True)

    assert (summary.name, summary.files, summary.bytes, summary.skipped) == (
        SESSION,
        len(sent),
        sum(map(len, sent.values())),
        0,
    )
    assert (summary.draft, summary.step) == (False, None)
    with Catalog(parted.url) as anonymous:  # registered: anyone may read it now
        asset = anonymous.asset(SESSION)
        assert (asset["file_count"], asset["total_size"]) == (len(sent), sum(map(len, sent.values())))
        assert asset["subject_id"] == "660104"  # described from the metadata files it carried
        assert downloaded(anonymous, SESSION, tmp_path / "dest") == sent


def test_an_interrupted_upload_resumes_sending_only_what_the_store_lacks(
    parted: Served, tmp_path: Path, fixtures_dir: Path
) -> None:
    folder = write_asset(tmp_path / "src", SESSION, load_record(fixtures_dir, SESSION), session_files())
    sent = folder_files(folder)
    declared = [{"path": p, "size": len(b), "sha256": sha256(b)} for p, b in sorted(sent.items())]
    with Catalog(parted.url, token=parted.writer) as cat:
        # A first run that died after one small file and the big file's first part.
        plan = cat.query(OPEN, name=SESSION, files=declared, draft=False)["openUpload"]
        first = next(f for f in plan["files"] if f["path"] == "notes.txt")
        httpx.put(first["url"], content=sent["notes.txt"]).raise_for_status()
        (part,) = cat.query(PART_URLS, uploadId=plan["id"], path=BIG, parts=[1])["uploadPartUrls"]
        httpx.put(part["url"], content=sent[BIG][:UPLOAD_PART]).raise_for_status()
        with pytest.raises(UploadIncomplete, match=BIG) as early:
            cat.query(COMPLETE, uploadId=plan["id"])
        assert early.value.code == "UPLOAD_INCOMPLETE"
        with Catalog(parted.url) as anonymous, pytest.raises(NotFound):
            anonymous.asset(SESSION)  # nothing shows before the upload completes
        parted.requests.clear()

        summary = cat.upload(folder, quiet=True)

        assert summary.skipped == 1
        assert summary.bytes == sum(map(len, sent.values())) - len(sent["notes.txt"]) - UPLOAD_PART
        assert downloaded(cat, SESSION, tmp_path / "dest") == sent
    if parted.settings.storage_url.startswith("file:"):
        assert len(puts(parted)) == len(sent) - 2 + 2  # the other files whole, BIG's parts 2 and 3


@pytest.mark.parametrize("who", ["reader", "anonymous"])
def test_an_upload_without_a_writer_token_is_refused_and_registers_nothing(
    uploading: Served, tmp_path: Path, fixtures_dir: Path, who: str
) -> None:
    folder = write_asset(tmp_path / "src", SESSION, load_record(fixtures_dir, SESSION))
    token = uploading.token if who == "reader" else None

    with Catalog(uploading.url, token=token) as cat:
        with pytest.raises((Forbidden, Unauthenticated)) as refused:
            cat.upload(folder, quiet=True)
        assert "writer" in str(refused.value)
    with Catalog(uploading.url, token=uploading.writer) as writer, pytest.raises(NotFound):
        writer.asset(SESSION)
    assert puts(uploading) == []


def test_a_draft_is_built_step_by_step_then_sealed_and_frozen(
    uploading: Served, tmp_path: Path, fixtures_dir: Path
) -> None:
    record = load_record(fixtures_dir, SORTED)
    steps = {
        "preprocessing/processing.json": json.dumps(record["processing"]).encode(),
        "preprocessing/traces.bin": payload("traces", 3000),
        "spikesorting/processing.json": json.dumps(record["processing"]).encode(),
        "spikesorting/units.bin": payload("units", 2000),
    }
    folder = write_asset(tmp_path / "src", SORTED, record, steps)
    with Catalog(uploading.url, token=uploading.writer) as cat, Catalog(uploading.url) as reader:
        first = cat.upload(folder, draft=True, step="preprocessing", quiet=True)
        assert (first.draft, first.step, first.files) == (True, "preprocessing", 2)
        with pytest.raises(NotFound):
            reader.asset(SORTED)  # a draft shows to writers only
        assert cat.asset(SORTED)["name"] == SORTED

        # The current step is replaced whole: a file changed, another gone, one new.
        (folder / "preprocessing/traces.bin").write_bytes(payload("traces, again", 3100))
        (folder / "preprocessing/extra.bin").write_bytes(payload("extra", 10))
        again = cat.upload(folder, draft=True, step="preprocessing", quiet=True)
        assert again.step == "preprocessing"
        cat.upload(folder, draft=True, step="spikesorting", quiet=True)
        with pytest.raises(Conflict, match="earlier step"):
            cat.upload(folder, draft=True, step="preprocessing", quiet=True)

        cat.upload(folder, draft=True, quiet=True)  # the integrated metadata, at the top
        sealed = cat.seal(SORTED)

        assert sealed["name"] == SORTED
        assert downloaded(reader, SORTED, tmp_path / "dest") == folder_files(folder)
        (folder / "curation").mkdir()
        (folder / "curation/processing.json").write_bytes(steps["spikesorting/processing.json"])
        with pytest.raises(Conflict):
            cat.upload(folder, draft=True, step="curation", quiet=True)
        with pytest.raises(Conflict):
            cat.seal(SORTED)


OPEN = """
mutation($name: String!, $files: [UploadFileInput!]!, $draft: Boolean!) {
  openUpload(name: $name, files: $files, draft: $draft) { id files { path url } }
}"""
PART_URLS = """
mutation($uploadId: String!, $path: String!, $parts: [Int!]!) {
  uploadPartUrls(uploadId: $uploadId, path: $path, parts: $parts) { part url }
}"""
COMPLETE = """mutation($uploadId: String!) { completeUpload(uploadId: $uploadId) { name } }"""
