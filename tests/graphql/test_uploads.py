"""Uploads without storage credentials, over real HTTP, into a local folder and into moto's S3, on
both dialects: a writer opens an upload, PUTs raw bytes to presigned URLs (a big file in parts)
and completes; the asset is invisible until every file is there intact; an abandoned upload
leaves nothing; a crashed one resumes; readers and anonymous users are refused."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from conftest import MIN_PART, Site
from factories import RECORD_DOCUMENTS, load_record, payload, sha256
from servers import run_coroutine
from test_cli import catalog as command_line
from test_cli import settings_env

from catalog import access
from catalog.conventions.modalities import Vocabulary
from catalog.db.engine import Database
from catalog.errors import Invalid
from catalog.services.uploads import Declared, Uploads
from catalog.storage import open_store
from catalog.storage.local import LocalStore

if TYPE_CHECKING:
    from catalog.config import Settings

NAME = "behavior_754559_2024-12-17_17-40-13"
OPEN = """mutation($n: String!, $f: [UploadFileInput!]!, $d: Boolean! = false) {
  openUpload(name: $n, files: $f, draft: $d) {
    id name draft expiresAt files { path size sha256 stored url partSize partCount partsStored } } }"""
PARTS = """mutation($u: String!, $p: String!, $n: [Int!]!) {
  uploadPartUrls(uploadId: $u, path: $p, parts: $n) { part url } }"""
COMPLETE = """mutation($u: String!) { completeUpload(uploadId: $u) { name draft draftStep fileCount } }"""
ABORT = """mutation($u: String!) { abortUpload(uploadId: $u) }"""
ASSET = """query($n: String!) { asset(name: $n) { name draft draftStep fileCount
  files(first: 100) { edges { node { path size sha256 } } } } }"""


def metadata_files(fixtures: Path, name: str) -> dict[str, bytes]:
    record = load_record(fixtures, name)
    return {
        f"{document}.json": json.dumps(record[document]).encode()
        for document in RECORD_DOCUMENTS
        if isinstance(record.get(document), dict)
    }


def asset_files(fixtures: Path) -> dict[str, bytes]:
    """The real record's metadata, a small data file, an empty one and one sent in two parts."""
    return metadata_files(fixtures, NAME) | {
        "data/raw.bin": payload("raw", 3000),
        "data/empty.txt": b"",
        "video/big.mp4": payload("big", MIN_PART + 1234),
    }


def declared(files: dict[str, bytes]) -> list[dict[str, Any]]:
    return [{"path": path, "size": len(data), "sha256": sha256(data)} for path, data in files.items()]


def send(
    site: Site, plan: dict[str, Any], files: dict[str, bytes], skip: frozenset[str] | set[str] = frozenset()
) -> None:
    """PUT each file's raw bytes (no headers) to its URL, or its parts to theirs."""
    for planned in plan["files"]:
        path = planned["path"]
        if path in skip:
            continue
        data = files[path]
        if planned["url"] is not None:
            assert planned["partCount"] == 0
            put(planned["url"], data).raise_for_status()
            continue
        size = planned["partSize"]
        numbers = list(range(1, planned["partCount"] + 1))
        urls = site.data("writer", PARTS, u=plan["id"], p=path, n=numbers)["uploadPartUrls"]
        for item in urls:
            start = (item["part"] - 1) * size
            put(item["url"], data[start : start + size]).raise_for_status()


def put(url: str, data: bytes) -> httpx.Response:
    return httpx.put(url, content=data, timeout=60)


def url_expiry(url: str) -> datetime:
    """When a presigned URL stops working: SigV4's date plus lifetime, or the local route's expires."""
    query = parse_qs(urlsplit(url).query)
    if "X-Amz-Date" in query:
        signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return signed + timedelta(seconds=int(query["X-Amz-Expires"][0]))
    return datetime.fromtimestamp(int(query["expires"][0]), UTC)


def visible(site: Site, who: str, name: str) -> dict[str, Any] | None:
    asset: dict[str, Any] | None = site.data(who, ASSET, n=name)["asset"]
    return asset


def test_a_writer_uploads_an_asset_that_appears_once_complete(site: Site, fixtures_dir: Path) -> None:
    files = asset_files(fixtures_dir)
    plan = site.data("writer", OPEN, n=NAME, f=declared(files))["openUpload"]
    by_path = {f["path"]: f for f in plan["files"]}
    assert by_path["video/big.mp4"]["url"] is None
    assert by_path["video/big.mp4"]["partCount"] == 2
    assert by_path["video/big.mp4"]["partSize"] == MIN_PART
    assert by_path["data/raw.bin"]["partCount"] == 0
    assert not any(f["stored"] for f in plan["files"])
    expires = datetime.fromisoformat(plan["expiresAt"])
    assert timedelta(hours=23) < expires - datetime.now(UTC) <= timedelta(hours=24)
    assert all(url_expiry(f["url"]) <= expires for f in plan["files"] if f["url"])

    send(site, plan, files)
    assert visible(site, "writer", NAME) is None  # not before it is complete
    asset = site.data("writer", COMPLETE, u=plan["id"])["completeUpload"]

    assert asset == {"name": NAME, "draft": False, "draftStep": None, "fileCount": len(files)}
    shown = visible(site, "reader", NAME)
    assert shown is not None
    listed = {e["node"]["path"]: e["node"] for e in shown["files"]["edges"]}
    assert {p: (f["size"], f["sha256"]) for p, f in listed.items()} == {
        p: (len(d), sha256(d)) for p, d in files.items()
    }
    again = site.data("writer", COMPLETE, u=plan["id"])["completeUpload"]
    assert again["name"] == NAME  # completing twice answers the asset again
    code, message = site.code("writer", OPEN, n=NAME, f=declared(files))
    assert code == "CONFLICT"
    assert "already registered" in message


def test_completing_with_a_missing_file_names_it(site: Site, fixtures_dir: Path) -> None:
    files = asset_files(fixtures_dir)
    plan = site.data("writer", OPEN, n=NAME, f=declared(files))["openUpload"]
    send(site, plan, files, skip={"data/raw.bin"})

    code, message = site.code("writer", COMPLETE, u=plan["id"])

    assert code == "UPLOAD_INCOMPLETE"
    assert "data/raw.bin is missing" in message
    assert "big.mp4" not in message
    assert visible(site, "writer", NAME) is None
    send(site, plan, {"data/raw.bin": files["data/raw.bin"]} | files, skip=set(files) - {"data/raw.bin"})
    assert site.data("writer", COMPLETE, u=plan["id"])["completeUpload"]["name"] == NAME


def test_wrong_bytes_are_refused_or_found_and_deleted(site: Site, fixtures_dir: Path) -> None:
    files = asset_files(fixtures_dir)
    plan = site.data("writer", OPEN, n=NAME, f=declared(files))["openUpload"]
    send(site, plan, files, skip={"data/raw.bin"})
    url = next(f["url"] for f in plan["files"] if f["path"] == "data/raw.bin")
    wrong = payload("not raw", 3000)

    response = put(url, wrong)
    if site.storage == "local":  # the catalog's own route checks the bytes as they arrive
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "INTEGRITY_ERROR"
        assert put(url, files["data/raw.bin"] + b"x").status_code == 400
        response = put(url, files["data/raw.bin"][:100])
        assert response.status_code == 400
        code, message = site.code("writer", COMPLETE, u=plan["id"])
        assert (code, "data/raw.bin is missing" in message) == ("UPLOAD_INCOMPLETE", True)
    else:  # S3 takes any bytes: completion finds them, and deletes them for a resend
        response.raise_for_status()
        code, message = site.code("writer", COMPLETE, u=plan["id"])
        assert code == "UPLOAD_INCOMPLETE"
        assert "data/raw.bin differs from its sha256 (deleted: send it again)" in message
        code, message = site.code("writer", COMPLETE, u=plan["id"])
        assert "data/raw.bin is missing" in message

    put(url, files["data/raw.bin"]).raise_for_status()
    assert site.data("writer", COMPLETE, u=plan["id"])["completeUpload"]["name"] == NAME


def test_a_crashed_upload_resumes_with_what_is_stored_marked(site: Site, fixtures_dir: Path) -> None:
    files = asset_files(fixtures_dir)
    plan = site.data("writer", OPEN, n=NAME, f=declared(files))["openUpload"]
    send(site, plan, files, skip={"data/raw.bin", "video/big.mp4"})
    big = next(f for f in plan["files"] if f["path"] == "video/big.mp4")
    part_one = site.data("writer", PARTS, u=plan["id"], p="video/big.mp4", n=[1])["uploadPartUrls"]
    put(part_one[0]["url"], files["video/big.mp4"][: big["partSize"]]).raise_for_status()

    resumed = site.data("writer", OPEN, n=NAME, f=declared(files))["openUpload"]
    code, _ = site.code("writer2", OPEN, n=NAME, f=declared(files))

    assert resumed["id"] == plan["id"]
    assert code == "CONFLICT"
    state = {f["path"]: (f["stored"], f["partsStored"]) for f in resumed["files"]}
    assert state["data/raw.bin"] == (False, [])
    assert state["video/big.mp4"] == (False, [1])
    assert all(state[p] == (True, []) for p in files if p not in ("data/raw.bin", "video/big.mp4"))
    code, message = site.code("writer", COMPLETE, u=plan["id"])
    assert code == "UPLOAD_INCOMPLETE"
    assert "video/big.mp4 lacks parts 2 of 2" in message
    assert "data/raw.bin is missing" in message
    send(site, resumed, files, skip={p for p in files if p not in ("data/raw.bin", "video/big.mp4")})
    assert site.data("writer", COMPLETE, u=plan["id"])["completeUpload"]["fileCount"] == len(files)


def test_a_tampered_or_expired_local_put_url_takes_nothing(local_site: Site, fixtures_dir: Path) -> None:
    site = local_site
    files = {"data/raw.bin": payload("raw", 3000)}
    plan = site.data("writer", OPEN, n=NAME, f=declared(files))["openUpload"]
    url = plan["files"][0]["url"]
    settings = site.catalog.settings
    store = LocalStore(Path(urlsplit(settings.storage_url).path), settings.secret_key, settings.public_url)
    key = f"{NAME}/data/raw.bin"
    expired = store.presign_put(key, 1, size=3000, sha256=sha256(files["data/raw.bin"]))
    forged = LocalStore(store.root, "not-the-secret", settings.public_url).presign_put(
        key, 60, size=3000, sha256=sha256(files["data/raw.bin"])
    )
    time.sleep(2.1)

    refused = {
        "signature": put(url[:-1] + ("0" if not url.endswith("0") else "1"), files["data/raw.bin"]),
        "size": put(url.replace("size=3000", "size=3001"), files["data/raw.bin"] + b"x"),
        "key": put(url.replace("raw.bin", "other.bin"), files["data/raw.bin"]),
        "secret": put(forged, files["data/raw.bin"]),
        "expired": put(expired, files["data/raw.bin"]),
    }

    codes = {what: (r.status_code, r.json()["error"]["code"]) for what, r in refused.items()}
    assert codes == {
        "signature": (403, "FORBIDDEN"),
        "size": (403, "FORBIDDEN"),
        "key": (403, "FORBIDDEN"),
        "secret": (403, "FORBIDDEN"),
        "expired": (403, "LINK_EXPIRED"),
    }
    assert run_store(settings, listed) == []
    put(url, files["data/raw.bin"]).raise_for_status()
    assert run_store(settings, listed) == [key]


def test_a_big_local_put_streams_past_the_body_limit(local_site: Site) -> None:
    """The route bounds a body by the size its URL declares, not by CATALOG_MAX_BODY_BYTES."""
    site = local_site
    files = {"data/raw.bin": payload("raw", 3 * site.catalog.settings.max_body_bytes)}
    plan = site.data("writer", OPEN, n=NAME, f=declared(files))["openUpload"]

    send(site, plan, files)

    assert site.data("writer", COMPLETE, u=plan["id"])["completeUpload"]["fileCount"] == 1


def test_uploads_take_a_writers_token(site: Site, fixtures_dir: Path) -> None:
    files = asset_files(fixtures_dir)
    for who in ("reader", "anonymous"):
        code, _ = site.code(who, OPEN, n=NAME, f=declared(files))
        assert code == "FORBIDDEN"
    plan = site.data("admin", OPEN, n=NAME, f=declared(files))["openUpload"]
    for who in ("reader", "anonymous"):
        assert site.code(who, COMPLETE, u=plan["id"])[0] == "FORBIDDEN"
        assert site.code(who, ABORT, u=plan["id"])[0] == "FORBIDDEN"
    assert site.code("writer", COMPLETE, u=plan["id"])[0] == "NOT_FOUND"  # not another's upload


@pytest.mark.parametrize(
    ("files", "complaint"),
    [
        ({"../x": b"a"}, "invalid object key"),
        ({"a//b": b"a"}, "invalid object key"),
        ({}, "at least one file"),
    ],
)
def test_bad_declarations_are_refused(site: Site, files: dict[str, bytes], complaint: str) -> None:
    code, message = site.code("writer", OPEN, n=NAME, f=declared(files))
    assert code == "BAD_USER_INPUT"
    assert complaint in message


def test_bad_names_sizes_and_hashes_are_refused(site: Site) -> None:
    one = declared({"a.bin": b"a"})
    assert site.code("writer", OPEN, n="not a name", f=one)[0] == "BAD_USER_INPUT"
    negative = [dict(one[0], size=-1)]
    assert "negative size" in site.code("writer", OPEN, n=NAME, f=negative)[1]
    upper = [dict(one[0], sha256=one[0]["sha256"].upper())]
    assert "64 lowercase hex" in site.code("writer", OPEN, n=NAME, f=upper)[1]
    twice = one + one
    assert "declared twice" in site.code("writer", OPEN, n=NAME, f=twice)[1]
    many = [Declared(f"f{i}", 0, sha256(b"")) for i in range(1001)]
    with pytest.raises(Invalid, match="at most 1000 files per upload"):
        run_as_operator(site.catalog.settings, lambda service: service.open(NAME, many))


def test_an_abandoned_upload_is_never_visible_and_expires_to_nothing(
    site: Site, fixtures_dir: Path, tmp_path: Path
) -> None:
    files = asset_files(fixtures_dir)
    plan = site.data("writer", OPEN, n=NAME, f=declared(files))["openUpload"]
    send(site, plan, files, skip={"data/raw.bin"})
    big = next(f for f in plan["files"] if f["path"] == "video/big.mp4")
    assert big["partCount"] == 2
    for who in ("writer", "admin", "reader"):
        assert visible(site, who, NAME) is None

    settings = site.catalog.settings
    later = datetime.now(UTC) + timedelta(days=2)
    expired = run_as_operator(settings, lambda service: service.expire(later))

    assert expired == [NAME]
    for who in ("writer", "admin", "reader"):
        assert visible(site, who, NAME) is None
    assert run_store(settings, listed) == []
    assert site.code("writer", COMPLETE, u=plan["id"])[0] == "CONFLICT"
    url = next(f["url"] for f in plan["files"] if f["path"] == "data/raw.bin")
    if site.storage == "local":
        assert put(url, files["data/raw.bin"]).status_code == 404  # nothing is taken any more
    again = site.data("writer2", OPEN, n=NAME, f=declared(files))["openUpload"]
    assert again["id"] != plan["id"]


def test_an_aborted_upload_leaves_nothing(site: Site, fixtures_dir: Path) -> None:
    files = asset_files(fixtures_dir)
    plan = site.data("writer", OPEN, n=NAME, f=declared(files))["openUpload"]
    send(site, plan, files, skip={"data/raw.bin"})

    assert site.data("writer", ABORT, u=plan["id"])["abortUpload"] is True

    assert site.data("writer", ABORT, u=plan["id"])["abortUpload"] is False
    assert visible(site, "writer", NAME) is None
    assert run_store(site.catalog.settings, listed) == []
    assert site.code("writer", COMPLETE, u=plan["id"])[0] == "CONFLICT"


def test_the_expire_uploads_command_discards_expired_uploads(site: Site, tmp_path: Path) -> None:
    files = {"data/raw.bin": payload("raw", 3000)}
    plan = site.data("writer", OPEN, n=NAME, f=declared(files))["openUpload"]
    send(site, plan, files)
    settings = site.catalog.settings
    env = settings_env(settings.database_url, tmp_path) | {
        "CATALOG_STORAGE_URL": settings.storage_url,
        "CATALOG_S3_ENDPOINT_URL": settings.s3_endpoint_url,
    }

    kept = command_line("expire-uploads", env=env)
    assert kept.exit_code == 0, kept.output
    assert "0 expired uploads" in kept.output
    assert visible(site, "writer", NAME) is None

    run_as_operator(settings, lambda service: shorten(service, plan["id"]))
    done = command_line("expire-uploads", env=env)

    assert done.exit_code == 0, done.output
    assert f"expired: {NAME}" in done.output
    assert run_store(settings, listed) == []


def run_as_operator(settings: Settings, call: Any) -> Any:
    found: list[Any] = []

    async def main() -> None:
        db, store = Database(settings.database_url), open_store(settings)
        try:
            with access.acting_as(access.OPERATOR, "test"):
                found.append(await call(Uploads(db, store, Vocabulary(), settings)))
        finally:
            await store.close()
            await db.dispose()

    run_coroutine(main())
    return found[0]


def run_store(settings: Settings, call: Any) -> Any:
    found: list[Any] = []

    async def main() -> None:
        store = open_store(settings)
        try:
            found.append(await call(store))
        finally:
            await store.close()

    run_coroutine(main())
    return found[0]


async def listed(store: Any) -> list[str]:
    """Every object of the store, and (S3) every multipart upload not finished."""
    keys = [info.key async for info in store.list("")]
    if hasattr(store, "discard_partial"):
        keys += ["(partial)"] * await store.discard_partial("")
    return keys


async def shorten(service: Uploads, upload_id: str) -> None:
    """Make an upload past its expiry, as if a day had gone by."""
    from sqlalchemy import update

    from catalog.db.models import Upload

    async with service.db.transaction() as session:
        await session.execute(
            update(Upload)
            .where(Upload.id == upload_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
