"""The client downloads what a query or a list of names selects to ``dest/asset/path``, from a
local folder and from S3: every sha256 checked, files in place skipped, partial files resumed
with Range requests, expired links signed again, a corrupted object never left in place, and a
file the primary location fails to give fetched from the asset's next location."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx
import pytest
from conftest import DOWNLOADED, asset_files, corrupt, mirrored

from catalog.client import Catalog, Corrupted

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Served

BIG = "data/raw.bin"
"""The file bigger than one read chunk of the server."""


def files_of(served: Served, *names: str) -> dict[str, bytes]:
    """``asset/path`` → bytes of every file ingested for these assets (metadata files too)."""
    return {
        f"{name}/{path.relative_to(served.sources[name]).as_posix()}": path.read_bytes()
        for name in names
        for path in sorted(served.sources[name].rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    """Where a test downloads to (its catalog keeps its own files beside)."""
    return tmp_path / "downloads"


def downloaded(dest: Path) -> dict[str, bytes]:
    return {
        path.relative_to(dest).as_posix(): path.read_bytes() for path in dest.rglob("*") if path.is_file()
    }


def test_a_query_downloads_every_file_to_asset_and_path(with_files: Served, dest: Path) -> None:
    expected = files_of(with_files, *DOWNLOADED[:2])

    with Catalog(with_files.url) as cat:
        summary = cat.download(cat.assets(names=DOWNLOADED[:2]), dest, parallel=3, quiet=True)

    assert downloaded(dest) == expected
    assert (summary.files, summary.bytes, summary.skipped) == (
        len(expected),
        sum(map(len, expected.values())),
        0,
    )


def test_names_from_a_table_and_a_glob_choose_the_files(with_files: Served, dest: Path) -> None:
    with Catalog(with_files.url) as cat:
        names = cat.assets(names=DOWNLOADED).to_dataframe().name[:2]
        cat.download(names, dest, include="*.json", quiet=True)

    expected = {path for path in files_of(with_files, *names) if path.endswith(".json")}
    assert set(downloaded(dest)) == expected
    assert any(path.endswith("/data/probe A.json") for path in expected)


def test_files_already_in_place_are_skipped_and_changed_ones_fetched_again(
    with_files: Served, dest: Path
) -> None:
    with Catalog(with_files.url) as cat:
        first = cat.download(DOWNLOADED[0], dest, quiet=True)
        (dest / DOWNLOADED[0] / "notes.txt").write_bytes(b"edited by hand")
        again = cat.download(DOWNLOADED[0], dest, quiet=True)

    assert (again.files, again.skipped) == (1, first.files - 1)
    assert again.bytes == len(asset_files(DOWNLOADED[0])["notes.txt"])
    assert downloaded(dest) == files_of(with_files, DOWNLOADED[0])


def test_an_interrupted_download_resumes_from_its_part_file(with_files: Served, dest: Path) -> None:
    content = asset_files(DOWNLOADED[0])[BIG]
    part = dest / DOWNLOADED[0] / f"{BIG}.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(content[:1_000_000])

    with Catalog(with_files.url) as cat:
        summary = cat.download(DOWNLOADED[0], dest, include=BIG, quiet=True)

    assert (dest / DOWNLOADED[0] / BIG).read_bytes() == content
    assert not part.exists()
    assert summary.bytes == len(content) - 1_000_000
    ranges = [r.range for r in with_files.requests if r.path.startswith("/files/")]
    assert ranges in ([], ["bytes=1000000-"])  # the local store's /files, or S3 directly


def test_a_part_file_of_other_bytes_is_discarded_and_the_file_fetched_whole(
    with_files: Served, dest: Path
) -> None:
    content = asset_files(DOWNLOADED[0])[BIG]
    part = dest / DOWNLOADED[0] / f"{BIG}.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"x" * 1_000_000)

    with Catalog(with_files.url) as cat:
        summary = cat.download(DOWNLOADED[0], dest, include=BIG, quiet=True)

    assert (dest / DOWNLOADED[0] / BIG).read_bytes() == content
    assert summary.bytes == len(content) - 1_000_000 + len(content)


@pytest.mark.parametrize("path", [BIG, "notes.txt"])
async def test_a_corrupted_object_is_refused_and_not_left_in_place(
    with_files: Served, dest: Path, path: str
) -> None:
    """The store's bytes change behind the catalog's back, the size kept: a local store refuses
    to serve them itself (or cuts the stream short), S3 serves them and the client's check fails."""
    await corrupt(with_files, DOWNLOADED[0], path)

    with Catalog(with_files.url) as cat, pytest.raises(Corrupted) as refused:
        cat.download(DOWNLOADED[0], dest, include=path, quiet=True)

    assert refused.value.code == "INTEGRITY_ERROR"
    assert [found for found in dest.rglob("*") if found.is_file()] == []


@pytest.mark.parametrize("failure", ["lost", "corrupted"])
async def test_a_file_the_primary_location_fails_to_give_comes_from_the_next_location(
    local_files: Served, dest: Path, tmp_path: Path, failure: str
) -> None:
    """The asset has a mirror (``catalog locate --add``); its primary copy of two files is lost
    or damaged: those come from the mirror, resuming what arrived, and every file is intact."""
    name = DOWNLOADED[0]
    primary = await mirrored(local_files, name, tmp_path / "mirror")
    for path in (BIG, "notes.txt"):
        if failure == "lost":
            (primary / path).unlink()
        else:
            (primary / path).write_bytes(bytes(reversed((primary / path).read_bytes())))
    expected = files_of(local_files, name)

    with Catalog(local_files.url) as cat:
        summary = cat.download(name, dest, quiet=True)

    assert downloaded(dest) == expected
    assert summary.files == len(expected)
    fetches = [r for r in local_files.requests if r.method == "GET" and r.path.startswith("/files/")]
    assert len(fetches) >= len(expected) + 2  # the two files asked of the primary, then the mirror


def test_expired_links_are_signed_again_and_a_partial_file_resumed(expiring: Served, dest: Path) -> None:
    """The links of a manifest expire while a download is interrupted; the run that resumes it
    gets fresh ones (from a store that refuses expired signatures) and finishes."""
    content = asset_files(DOWNLOADED[0])[BIG]
    expected = files_of(expiring, *DOWNLOADED[:2])
    part = dest / DOWNLOADED[0] / f"{BIG}.part"
    part.parent.mkdir(parents=True)

    with Catalog(expiring.url) as cat:
        manifest = cat.manifest(DOWNLOADED[:2], expires_in=1)
        part.write_bytes(content[:1_000_000])  # what an interrupted run left
        while datetime.now(UTC) < manifest.expires_at:
            time.sleep(0.2)
        time.sleep(1.1)
        assert httpx.get(manifest.files[0].url).status_code == 403
        summary = cat.download(manifest, dest, parallel=2, quiet=True)

    assert downloaded(dest) == expected
    assert summary.renewed == len(manifest) == len(expected)
    assert summary.bytes == sum(map(len, expected.values())) - 1_000_000


def test_signed_links_answer_a_range_with_its_bytes(signing: Served) -> None:
    content = asset_files(DOWNLOADED[0])[BIG]
    with Catalog(signing.url) as cat:
        (file,) = cat.manifest(DOWNLOADED[0], include=BIG).files

    response = httpx.get(file.url, headers={"Range": "bytes=1000000-"})

    assert response.status_code == 206
    assert response.content == content[1_000_000:]
    assert response.headers["content-range"] == f"bytes 1000000-{len(content) - 1}/{len(content)}"


def test_a_download_shows_its_progress_unless_quiet(
    with_files: Served, dest: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Catalog(with_files.url) as cat:
        cat.download(DOWNLOADED[0], dest / "loud")
        loud = capsys.readouterr()
        cat.download(DOWNLOADED[0], dest / "quiet", quiet=True)
        quiet = capsys.readouterr()

    count = len(files_of(with_files, DOWNLOADED[0]))
    assert f"{count}/{count} files" in loud.out + loud.err
    assert quiet.out + quiet.err == ""


def test_files_are_found_by_content_or_by_key(local_files: Served) -> None:
    name = DOWNLOADED[0]
    content = asset_files(name)["data/probe A.json"]
    digest = hashlib.sha256(content).hexdigest()

    with Catalog(local_files.url) as cat:
        by_content = cat.files(sha256=digest.upper())
        by_key = cat.files(key=f"{name}/data/probe A.json")
        nowhere = cat.files(key=f"{name}/data/none.bin")
        with pytest.raises(TypeError, match="give sha256 or key"):
            cat.files()

    assert by_content == by_key
    assert [(f["asset"], f["path"], f["size"], f["sha256"]) for f in by_content] == [
        (name, "data/probe A.json", len(content), digest)
    ]
    assert by_content[0]["location"] == f"{local_files.settings.storage_url}/{name}/data/probe A.json"
    assert nowhere == []
