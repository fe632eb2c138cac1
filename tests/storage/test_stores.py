"""The object-store protocol on a local folder and on S3 (moto), through real I/O only."""

from __future__ import annotations

import base64
import hashlib
import random
import time
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import aioboto3
import httpx
import pytest

from catalog.config import Settings
from catalog.errors import Conflict, Invalid, NotFound
from catalog.storage import ObjectInfo, ObjectStore, StoredObject, open_store
from catalog.storage.base import READ_CHUNK, content_disposition
from catalog.storage.local import LocalStore
from catalog.storage.s3 import S3Store

if TYPE_CHECKING:
    from pathlib import Path

    from servers import MotoS3Server

KEY = "ecephys_655568_2022-04-26_11-48-09/ecephys/data.bin"
BIG = 12 * 1024 * 1024
MIN_PART = 5 * 1024 * 1024
BAD_KEYS = [
    "",
    "/etc/passwd",
    "../escape",
    "a/../../escape",
    "a/..",
    "a//b",
    "a/",
    "./a",
    "a\\b",
    "nul\0byte",
]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def payload(size: int) -> bytes:
    return random.Random(size).randbytes(size)


async def read_all(store: ObjectStore, key: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in store.read(key, start, end)])


async def keys(store: ObjectStore, prefix: str = "") -> list[str]:
    return [info.key async for info in store.list(prefix)]


def known_sha256(store: ObjectStore, data: bytes) -> str | None:
    """What ``stat`` knows without reading: S3 keeps the hash on an object sent whole, not on
    one sent in parts (the catalog keeps that one); a folder keeps none."""
    return sha256(data) if isinstance(store, S3Store) and len(data) < MIN_PART else None


async def test_put_bytes_round_trips(store: ObjectStore) -> None:
    stored = await store.put_bytes(KEY, b"hello, catalog")

    assert stored == StoredObject(KEY, 14, sha256(b"hello, catalog"))
    assert await store.stat(KEY) == ObjectInfo(KEY, 14, known_sha256(store, b"hello, catalog"))
    assert await read_all(store, KEY) == b"hello, catalog"
    assert await store.sha256(KEY) == stored.sha256


@pytest.mark.parametrize("size", [0, 1000, BIG], ids=["empty", "small", "multipart"])
async def test_put_file_hashes_while_uploading(store: ObjectStore, tmp_path: Path, size: int) -> None:
    data = payload(size)
    source = tmp_path / "source.bin"
    source.write_bytes(data)

    stored = await store.put_file(KEY, source)

    assert stored == StoredObject(KEY, size, sha256(data))
    assert await store.stat(KEY) == ObjectInfo(KEY, size, known_sha256(store, data))
    assert await store.sha256(KEY) == sha256(data)
    assert await read_all(store, KEY) == data


async def test_ranged_reads_of_a_big_object_cross_chunks(store: ObjectStore) -> None:
    data = payload(3 * READ_CHUNK + 100)
    await store.put_bytes(KEY, data)

    assert (
        await read_all(store, KEY, READ_CHUNK - 3, 3 * READ_CHUNK + 5)
        == data[READ_CHUNK - 3 : 3 * READ_CHUNK + 6]
    )
    assert await read_all(store, KEY, READ_CHUNK + 1) == data[READ_CHUNK + 1 :]
    assert await read_all(store, KEY, 7, 2 * READ_CHUNK) == data[7 : 2 * READ_CHUNK + 1]


@pytest.mark.parametrize(
    ("start", "end"), [(0, None), (3, None), (0, 0), (2, 5), (9, 9), (5, 1000), (10, None), (10, 12)]
)
async def test_read_returns_the_inclusive_range_clamped_like_a_slice(
    store: ObjectStore, start: int, end: int | None
) -> None:
    data = b"0123456789"
    await store.put_bytes("range.bin", data)

    assert await read_all(store, "range.bin", start, end) == data[start : None if end is None else end + 1]


@pytest.mark.parametrize(("start", "end"), [(-1, None), (5, 4)])
async def test_backwards_or_negative_ranges_are_refused(
    store: ObjectStore, start: int, end: int | None
) -> None:
    await store.put_bytes("range.bin", b"0123456789")

    with pytest.raises(Invalid):
        await read_all(store, "range.bin", start, end)


async def test_reading_an_empty_object_with_a_range_gives_nothing(store: ObjectStore) -> None:
    await store.put_bytes("empty", b"")

    assert await read_all(store, "empty", 0, 10) == b""


async def test_absent_objects(store: ObjectStore) -> None:
    assert await store.stat("nope/data.bin") is None
    with pytest.raises(NotFound):
        await read_all(store, "nope/data.bin")
    with pytest.raises(NotFound):
        await store.sha256("nope/data.bin")


async def test_list_yields_relative_keys_in_s3_order(store: ObjectStore) -> None:
    names = ["b/c/d.bin", "a0", "a/b", "a.b/x", "a-c", "ä/x", "a/b2/c"]
    for name in names:
        await store.put_bytes(name, name.encode())

    listed = [info async for info in store.list()]

    assert [info.key for info in listed] == sorted(names)
    assert [info.size for info in listed] == [len(name.encode()) for name in sorted(names)]
    assert await keys(store, "a/") == ["a/b", "a/b2/c"]
    assert await keys(store, "a/b") == ["a/b", "a/b2/c"]
    assert await keys(store, "a") == sorted(name for name in names if name.startswith("a"))
    assert await keys(store, "b/c/d") == ["b/c/d.bin"]
    assert await keys(store, "zzz") == []


async def test_a_new_put_replaces_the_object(store: ObjectStore) -> None:
    await store.put_bytes(KEY, b"first version")
    await store.put_bytes(KEY, b"second")

    assert await read_all(store, KEY) == b"second"
    assert await keys(store) == [KEY]


async def test_delete_removes_and_is_idempotent(store: ObjectStore) -> None:
    await store.put_bytes(KEY, b"x")

    await store.delete(KEY)
    await store.delete(KEY)

    assert await store.stat(KEY) is None
    assert await keys(store) == []


async def leave_partial(store: ObjectStore, key: str, request: pytest.FixtureRequest) -> None:
    """An upload of ``key`` cut off the way a killed process leaves it: a local half-written
    file, an S3 multipart upload never completed."""
    if isinstance(store, LocalStore):
        folder = store.path(key).parent
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f".{sha256(key.encode())[:16]}.catalog-partial").write_bytes(b"half")
        return
    assert isinstance(store, S3Store)
    endpoint_url = request.getfixturevalue("s3_server").endpoint_url
    async with aioboto3.Session().client("s3", endpoint_url=endpoint_url) as s3:
        target = {"Bucket": store.bucket, "Key": f"{store.prefix}/{key}"}
        upload = await s3.create_multipart_upload(**target)
        await s3.upload_part(**target, UploadId=upload["UploadId"], PartNumber=1, Body=b"half")


async def partial_folders(store: ObjectStore, request: pytest.FixtureRequest) -> list[str]:
    """The folders holding what interrupted uploads left, as the backend itself keeps it."""
    if isinstance(store, LocalStore):
        return sorted(
            path.parent.relative_to(store.root).as_posix() for path in store.root.rglob("*.catalog-partial")
        )
    assert isinstance(store, S3Store)
    endpoint_url = request.getfixturevalue("s3_server").endpoint_url
    async with aioboto3.Session().client("s3", endpoint_url=endpoint_url) as s3:
        listed = await s3.list_multipart_uploads(Bucket=store.bucket, Prefix=f"{store.prefix}/")
    return sorted(
        upload["Key"][len(store.prefix) + 1 :].rpartition("/")[0] for upload in listed.get("Uploads", [])
    )


async def test_discarding_partial_uploads_clears_the_prefix_and_nothing_else(
    store: ObjectStore, request: pytest.FixtureRequest
) -> None:
    await store.put_bytes("a/done.bin", b"done")
    await leave_partial(store, "a/x/half.bin", request)
    await leave_partial(store, "b/half.bin", request)
    assert await partial_folders(store, request) == ["a/x", "b"]

    assert await store.discard_partial("a/") == 1

    assert await partial_folders(store, request) == ["b"]
    assert await keys(store) == ["a/done.bin"]
    assert await store.discard_partial("a/") == 0


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_keys_that_are_not_plain_relative_paths_are_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(Invalid):
        await store.put_bytes(key, b"x")
    with pytest.raises(Invalid):
        await store.stat(key)
    with pytest.raises(Invalid):
        await read_all(store, key)
    with pytest.raises(Invalid):
        store.presign_get(key, 60)
    with pytest.raises(Invalid):
        await store.delete(key)


@pytest.mark.parametrize("prefix", ["../", "/a", "a//b", "../../etc/pass"])
async def test_list_refuses_prefixes_that_climb(store: ObjectStore, prefix: str) -> None:
    with pytest.raises(Invalid):
        await keys(store, prefix)


@pytest.mark.parametrize("lifetime", [0, -5, 7 * 24 * 3600 + 1])
def test_url_lifetimes_are_bounded(store: ObjectStore, lifetime: int) -> None:
    with pytest.raises(Invalid):
        store.presign_get(KEY, lifetime)


async def test_presigned_url_serves_the_bytes(served: ObjectStore) -> None:
    key = "ecephys/ü data+1=~.bin"
    data = payload(1000)
    await served.put_bytes(key, data)

    async with httpx.AsyncClient() as http:
        plain = await http.get(served.presign_get(key, 60))
        named = await http.get(served.presign_get(key, 60, filename="ü data.bin"))
        ranged = await http.get(served.presign_get(key, 60), headers={"Range": "bytes=10-19"})

    assert (plain.status_code, plain.content) == (200, data)
    assert named.content == data
    assert named.headers["content-disposition"] == content_disposition("ü data.bin")
    assert (ranged.status_code, ranged.content) == (206, data[10:20])


# -- the local store ------------------------------------------------------------------------


async def test_refused_keys_leave_nothing_outside_the_root(local_store: LocalStore, tmp_path: Path) -> None:
    for key in BAD_KEYS:
        with pytest.raises(Invalid):
            await local_store.put_bytes(key, b"x")

    assert [path.name for path in tmp_path.iterdir()] in ([], ["store"])
    assert await keys(local_store) == []


async def test_local_writes_are_atomic_and_half_written_files_are_never_listed(
    local_store: LocalStore,
) -> None:
    await local_store.put_bytes("a/b.bin", b"done")
    (local_store.root / "a" / ".0123.catalog-partial").write_bytes(b"half")

    assert await keys(local_store) == ["a/b.bin"]
    with pytest.raises(Invalid):
        await local_store.stat("a/.0123.catalog-partial")
    with pytest.raises(Invalid):
        local_store.presign_get("a/.0123.catalog-partial", 60)


async def test_a_key_cannot_be_both_file_and_folder_locally(local_store: LocalStore) -> None:
    await local_store.put_bytes("a/b", b"file")

    with pytest.raises(Conflict):
        await local_store.put_bytes("a", b"a folder already")
    with pytest.raises(Conflict):
        await local_store.put_bytes("a/b/c", b"a file already")
    assert await local_store.stat("a") is None


def test_local_signature_covers_key_and_expiry(local_store: LocalStore) -> None:
    url = httpx.URL(local_store.presign_get(KEY, 60))
    expires, signature = int(url.params["expires"]), url.params["signature"]

    assert local_store.verify(KEY, expires, signature)
    assert not local_store.verify(KEY + "x", expires, signature)
    assert not local_store.verify(KEY, expires + 1, signature)
    assert not local_store.verify(KEY, expires, signature[:-1] + ("0" if signature[-1] != "0" else "1"))
    assert not local_store.verify(KEY, expires, "ü")
    assert not local_store.verify(KEY, int(time.time()) - 1, signature)


@pytest.mark.parametrize(
    "key", ["a/b.zarr/0/1", ".hidden/...", "a/..b/c.", "~x-y_z", "ü data/x y+1.bin", "a/%2F/b"]
)
def test_a_local_url_carries_its_key_quoted_only_where_a_url_path_needs_it(
    local_store: LocalStore, key: str
) -> None:
    url = local_store.presign_get(key, 60)
    path = url.split("?")[0].removeprefix(f"{local_store.public_url}/files/")

    assert unquote(path) == key
    assert (path == key) == (quote(key) == key)
    parsed = httpx.URL(url)
    assert local_store.verify(key, int(parsed.params["expires"]), parsed.params["signature"])


DATA = b"0123456789"


@pytest.mark.parametrize(
    ("range_header", "status", "body", "content_range"),
    [
        ("bytes=2-5", 206, DATA[2:6], "bytes 2-5/10"),
        ("bytes=7-", 206, DATA[7:], "bytes 7-9/10"),
        ("bytes=-3", 206, DATA[-3:], "bytes 7-9/10"),
        ("bytes=-30", 206, DATA, "bytes 0-9/10"),
        ("bytes=5-100", 206, DATA[5:], "bytes 5-9/10"),
        ("bytes=9-9", 206, DATA[9:], "bytes 9-9/10"),
        ("bytes=10-", 416, None, "bytes */10"),
        ("bytes=-0", 416, None, "bytes */10"),
        ("bytes=0-1,4-5", 200, DATA, None),
        ("bytes=5-2", 200, DATA, None),
        ("items=0-1", 200, DATA, None),
        ("bytes=0-" + "9" * 5000, 200, DATA, None),
    ],
)
async def test_local_downloads_serve_one_byte_range(
    served_store: LocalStore, range_header: str, status: int, body: bytes | None, content_range: str | None
) -> None:
    """Bytes for a range that selects some, a coded refusal for one that selects none."""
    await served_store.put_bytes(KEY, DATA)

    async with httpx.AsyncClient() as http:
        response = await http.get(served_store.presign_get(KEY, 60), headers={"Range": range_header})

    assert response.status_code == status
    assert response.headers.get("content-range") == content_range
    if body is None:
        assert response.json()["error"]["code"] == "RANGE_NOT_SATISFIABLE"
    else:
        assert response.content == body
        assert response.headers["content-length"] == str(len(body))
        assert response.headers["content-type"] == "application/octet-stream"


async def test_local_downloads_stream_big_files_and_answer_head(
    served_store: LocalStore, tmp_path: Path
) -> None:
    data = payload(BIG)
    (tmp_path / "big.bin").write_bytes(data)
    await served_store.put_file(KEY, tmp_path / "big.bin")
    url = served_store.presign_get(KEY, 60)

    async with httpx.AsyncClient() as http:
        whole = await http.get(url)
        head = await http.head(url)
        middle = await http.get(url, headers={"Range": f"bytes={READ_CHUNK - 1}-{5 * READ_CHUNK}"})

    assert (whole.status_code, whole.content) == (200, data)
    assert (head.status_code, head.content, head.headers["content-length"]) == (200, b"", str(BIG))
    assert middle.content == data[READ_CHUNK - 1 : 5 * READ_CHUNK + 1]


async def test_local_downloads_refuse_tampered_and_expired_links(
    served_store: LocalStore, an_hour_ago: LocalStore
) -> None:
    await served_store.put_bytes(KEY, DATA)
    await served_store.put_bytes("other.bin", b"secret")
    url = httpx.URL(served_store.presign_get(KEY, 60))
    named = httpx.URL(served_store.presign_get(KEY, 60, filename="data.bin"))
    forged = LocalStore(served_store.root, "not-the-secret", served_store.public_url)

    async with httpx.AsyncClient() as http:
        responses = [
            await http.get(str(url).replace("/ecephys/data.bin", "/other.bin")),
            await http.get(str(url).replace("/ecephys/data.bin", "/%2E%2E/%2E%2E/other.bin")),
            await http.get(url.copy_set_param("expires", str(int(url.params["expires"]) + 3600))),
            await http.get(url.copy_remove_param("signature")),
            await http.get(url.copy_set_param("expires", "soon")),
            await http.get(url.copy_set_param("expires", "9" * 5000)),
            await http.get(forged.presign_get(KEY, 60)),
            await http.get(named.copy_set_param("filename", "data.exe")),
            await http.get(url.copy_set_param("store", (served_store.root / "ecephys").as_uri())),
        ]

        expired = await http.get(an_hour_ago.presign_get(KEY, 60))

    refusals = [(r.status_code, r.json()["error"]) for r in responses]
    assert refusals == [(403, {"code": "FORBIDDEN", "message": "invalid or expired link"})] * len(responses)
    assert (expired.status_code, expired.json()["error"]["code"]) == (403, "LINK_EXPIRED"), (
        "a genuine link past its expiry says so: its holder can ask for a fresh one"
    )
    assert "expired at" in expired.json()["error"]["message"]


async def test_local_downloads_of_deleted_files_are_not_found(served_store: LocalStore) -> None:
    await served_store.put_bytes(KEY, DATA)
    url = served_store.presign_get(KEY, 60)
    await served_store.delete(KEY)

    async with httpx.AsyncClient() as http:
        response = await http.get(url)

    assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")


# -- S3 -------------------------------------------------------------------------------------


async def head(s3_server: MotoS3Server, store: S3Store, key: str) -> dict[str, object]:
    """The object as S3 sees it, through a client of our own."""
    async with aioboto3.Session().client("s3", endpoint_url=s3_server.endpoint_url) as s3:
        response: dict[str, object] = await s3.head_object(
            Bucket=store.bucket, Key=f"{store.prefix}/{key}", ChecksumMode="ENABLED"
        )
        return response


async def test_s3_uploads_above_the_threshold_in_parts_in_one_pass(
    s3_server: MotoS3Server, s3_store: S3Store, tmp_path: Path
) -> None:
    small, big = tmp_path / "small.bin", tmp_path / "big.bin"
    small.write_bytes(payload(MIN_PART))
    big.write_bytes(payload(MIN_PART + 1))

    await s3_store.put_file("small.bin", small)
    await s3_store.put_file("big.bin", big)

    small_head = await head(s3_server, s3_store, "small.bin")
    big_head = await head(s3_server, s3_store, "big.bin")
    assert "-" not in str(small_head["ETag"])
    assert (
        small_head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(payload(MIN_PART)).digest()).decode()
    )
    assert str(big_head["ETag"]).endswith('-2"')
    assert big_head.get("Metadata") in (None, {}), "no server-side copy to label it afterwards"


async def test_s3_stat_reads_a_full_object_checksum_written_by_others(
    s3_server: MotoS3Server, s3_store: S3Store
) -> None:
    checksum = base64.b64encode(hashlib.sha256(b"abc").digest()).decode()
    async with aioboto3.Session().client("s3", endpoint_url=s3_server.endpoint_url) as s3:
        await s3.put_object(
            Bucket=s3_store.bucket,
            Key=f"{s3_store.prefix}/abc",
            Body=b"abc",
            ChecksumAlgorithm="SHA256",
            ChecksumSHA256=checksum,
        )

    assert await s3_store.stat("abc") == ObjectInfo("abc", 3, sha256(b"abc"))


# -- choosing a store -----------------------------------------------------------------------


async def test_open_store_picks_the_backend_from_the_storage_url(
    tmp_path: Path, s3_server: MotoS3Server
) -> None:
    local = open_store(Settings(storage_url=str(tmp_path / "data")))
    s3 = open_store(
        Settings(
            storage_url="s3://lab-data/catalog/v1",
            s3_endpoint_url="http://s3.internal:9000",
            s3_public_endpoint_url="https://data.example.org",
        )
    )

    assert isinstance(local, LocalStore)
    assert local.url == (tmp_path / "data").resolve().as_uri()
    assert isinstance(s3, S3Store)
    assert s3.url == "s3://lab-data/catalog/v1"
    assert s3.presign_get("a b.bin", 60).startswith("https://data.example.org/lab-data/catalog/v1/a%20b.bin?")
    with pytest.raises(Invalid):
        open_store(Settings(storage_url="ftp://example.org/data"))
