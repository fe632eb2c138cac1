"""Signed local downloads are checked against the catalog's record as they are served: a damaged
file is never passed off as the file, small or big; ranged requests are served unhashed."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import httpx
import pytest
from factories import payload, write_asset

from catalog.services.ingest import FolderIngest
from catalog.storage.base import READ_CHUNK

if TYPE_CHECKING:
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.local import LocalStore

PRIMARY = "ecephys_655568_2022-04-26_11-48-09"
SMALL, BIG = "data/small.bin", "data/big.bin"
CONTENT = {SMALL: payload("small", 10_000), BIG: payload("big", 3 * READ_CHUNK + 5)}


@pytest.fixture
async def store(
    recorded_store: LocalStore, db: Database, vocabulary: Vocabulary, tmp_path: Path
) -> LocalStore:
    """The served store with one registered asset of a small and a big file."""
    await FolderIngest(db, recorded_store, vocabulary)(write_asset(tmp_path / "src", PRIMARY, files=CONTENT))
    return recorded_store


def url(store: LocalStore, path: str) -> str:
    return store.presign_get(f"{PRIMARY}/{path}", 60)


def damage(store: LocalStore, path: str, at: int = 1234) -> None:
    """Flip one byte of a stored file: same size, other bytes."""
    target = store.root / PRIMARY / path
    data = bytearray(target.read_bytes())
    data[at] ^= 0xFF
    target.write_bytes(bytes(data))


@pytest.mark.parametrize("path", [SMALL, BIG])
def test_an_intact_file_is_served_whole(store: LocalStore, path: str) -> None:
    response = httpx.get(url(store, path))

    assert (response.status_code, response.content) == (200, CONTENT[path])


def test_a_small_file_with_a_flipped_byte_is_refused_before_any_byte_is_sent(
    store: LocalStore, caplog: pytest.LogCaptureFixture
) -> None:
    damage(store, SMALL)

    with caplog.at_level(logging.ERROR, logger="catalog.web.files"):
        response = httpx.get(url(store, SMALL))

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTEGRITY_ERROR"
    assert "differs from the catalog's record" in response.json()["error"]["message"]
    assert f"{PRIMARY}/{SMALL}" in caplog.text


def test_a_big_file_with_a_flipped_byte_stops_short_of_its_length(store: LocalStore) -> None:
    """The headers are gone before the hash is known: the held-back last chunk is never sent, so
    no client can take the body for complete."""
    damage(store, BIG)
    received = bytearray()

    with httpx.stream("GET", url(store, BIG)) as response:
        assert (response.status_code, response.headers["content-length"]) == (200, str(len(CONTENT[BIG])))
        with pytest.raises(httpx.RemoteProtocolError):
            drain(response, into=received)

    assert 0 < len(received) < len(CONTENT[BIG])


def drain(response: httpx.Response, into: bytearray) -> None:
    for chunk in response.iter_bytes():
        into += chunk


def test_a_file_of_another_size_than_recorded_is_refused_even_in_part(store: LocalStore) -> None:
    (store.root / PRIMARY / BIG).write_bytes(CONTENT[BIG] + b"more")

    whole = httpx.get(url(store, BIG))
    part = httpx.get(url(store, BIG), headers={"Range": "bytes=0-9"})

    assert [r.status_code for r in (whole, part)] == [500, 500]
    assert part.json()["error"]["code"] == "INTEGRITY_ERROR"


def test_a_ranged_request_is_served_without_hashing_the_file(store: LocalStore) -> None:
    damage(store, BIG, at=0)

    response = httpx.get(url(store, BIG), headers={"Range": "bytes=100-199"})

    assert (response.status_code, response.content) == (206, CONTENT[BIG][100:200])
