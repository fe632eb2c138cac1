"""Asset locations, on both dialects: the primary first, further ones added by writers in their
order, each change in the audit log; URLs checked before anything is written; nothing of an
asset its viewer may not read; and files found by content or by place."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from factories import payload, sha256, write_asset

from catalog import access
from catalog.access import Role, Viewer
from catalog.config import Settings
from catalog.errors import Conflict, Forbidden, Invalid, NotFound
from catalog.repo import audit, locations
from catalog.services import locations as service
from catalog.services import lookup, manifests, rules
from catalog.services.ingest import FolderIngest
from catalog.storage.registry import StoreRegistry

if TYPE_CHECKING:
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database
    from catalog.storage.local import LocalStore

NAME = "ecephys_655568_2022-04-26_11-48-09"
OTHER = "ecephys_655569_2022-04-27_11-48-09"
COLD = f"s3://cold-archive/lab/{NAME}"
WRITER = Viewer("walt", Role.WRITER)
READER = Viewer("rita", Role.READER)


@pytest.fixture
async def registered(
    db: Database, local_store: LocalStore, vocabulary: Vocabulary, tmp_path: Path
) -> Database:
    """Two assets in a local store, each with its own data file and the same empty file."""
    ingest = FolderIngest(db, local_store, vocabulary)
    for name in (NAME, OTHER):
        await ingest(
            write_asset(tmp_path / "src", name, files={"data/raw.bin": payload(name), "empty.txt": b""})
        )
    return db


async def test_the_primary_comes_first_then_the_others_by_priority(registered: Database) -> None:
    with access.acting_as(WRITER):
        await service.add(registered, NAME, COLD, label="cold")
        await service.add(registered, NAME, "https://lab-server.example.org/data/", label="Lab-Server")
        await service.add(registered, NAME, "gs://mirror-bucket/x", priority=1)

    listed = await service.of(registered, NAME)

    assert [(f.label, f.priority, f.primary, f.added_by) for f in listed] == [
        ("primary", 0, True, None),
        ("cold", 1, False, "walt"),
        ("mirror", 1, False, "walt"),
        ("lab-server", 2, False, "walt"),
    ]
    assert listed[0].url.startswith("file://")
    assert listed[0].url.endswith(f"/{NAME}")
    assert listed[3].url == "https://lab-server.example.org/data"
    assert [f.fallback for f in listed] == [False, True, False, False]


async def test_each_change_is_an_audit_event_and_a_removed_location_is_gone(registered: Database) -> None:
    with access.acting_as(WRITER, "127.0.0.1"):
        await service.add(registered, NAME, COLD, label="cold")
        await service.remove(registered, NAME, f"{COLD}/")
    async with registered.reader() as session:
        events = await audit.page(
            session, actor="walt", action=None, target=NAME, since=None, before_id=None, first=10
        )

    assert [(e.action, e.detail, e.origin) for e in events] == [
        ("location.remove", {"url": COLD, "label": "cold"}, "127.0.0.1"),
        ("location.add", {"url": COLD, "label": "cold", "priority": 1}, "127.0.0.1"),
    ]
    assert [f.label for f in await service.of(registered, NAME)] == ["primary"]


async def test_only_writers_and_admins_change_locations(registered: Database) -> None:
    for viewer in (access.ANONYMOUS, READER):
        with access.acting_as(viewer), pytest.raises(Forbidden):
            await service.add(registered, NAME, COLD)
        with access.acting_as(viewer), pytest.raises(Forbidden):
            await service.remove(registered, NAME, COLD)


async def test_what_cannot_be_added_or_removed_says_why(registered: Database) -> None:
    primary = (await service.of(registered, NAME))[0].url
    with access.acting_as(WRITER):
        await service.add(registered, NAME, COLD)
        with pytest.raises(Conflict, match="already one of its locations"):
            await service.add(registered, NAME, f"{COLD}/")
        with pytest.raises(Invalid, match="is the primary location"):
            await service.add(registered, NAME, primary)
        with pytest.raises(Invalid, match="where it was registered: it stays"):
            await service.remove(registered, NAME, primary)
        with pytest.raises(NotFound, match="has no location"):
            await service.remove(registered, NAME, "s3://never-added/x")
        with pytest.raises(NotFound, match="no asset named"):
            await service.add(registered, "ecephys_1_2020-01-01_00-00-00", COLD)
        with pytest.raises(Invalid, match="priority must be between"):
            await service.add(registered, NAME, "s3://other-bucket/x", priority=0)
        with pytest.raises(Invalid, match="label primary"):
            await service.add(registered, NAME, "s3://other-bucket/x", label="primary")
        with pytest.raises(Invalid, match="label 'two words'"):
            await service.add(registered, NAME, "s3://other-bucket/x", label="two words")


@pytest.mark.parametrize(
    ("url", "spelled"),
    [
        ("s3://cold-archive/lab/NAME/", "s3://cold-archive/lab/NAME"),
        ("S3://cold-archive//lab/NAME", "s3://cold-archive/lab/NAME"),
        ("file:///data/mirror/NAME", "file:///data/mirror/NAME"),
        ("file://localhost/data/my%20mirror/NAME/", "file:///data/my%20mirror/NAME"),
        ("https://Lab-Server.example.org:8443/share/NAME", "https://lab-server.example.org:8443/share/NAME"),
        ("gs://bucket-1", "gs://bucket-1"),
    ],
)
def test_a_location_url_has_one_spelling(url: str, spelled: str) -> None:
    assert service.checked_url(url) == spelled


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("", "a URL of 1 to 2048 bytes"),
        ("s3://b/" + "x" * 2048, "a URL of 1 to 2048 bytes"),
        ("/data/mirror/NAME", "use s3://bucket/prefix/ASSET"),
        ("ftp://host/NAME", "use s3://bucket/prefix/ASSET"),
        ("s3://cold archive/NAME", "holds a space or a control character"),
        ("s3://cold-archive/NAME?versionId=3", "no query or fragment"),
        ("https://host/NAME#top", "no query or fragment"),
        ("https://user:secret@host/NAME", "no credentials"),
        ("file:///data/../etc/NAME", "no . or .."),
        ("file:///data/%2e%2e/etc", "no . or .."),
        ("file:///data/%00/NAME", "encoded control character"),
        ("file://server/share/NAME", "a folder is file:///absolute/path"),
        ("file:///", "a folder is file:///absolute/path"),
        ("s3://Bad_Bucket/NAME", "with a valid bucket name"),
        ("https:///NAME", "a URL needs a host"),
        ("https://host:99999/NAME", "is not a URL"),
        ("http://[::1/NAME", "is not a URL"),
    ],
)
def test_a_bad_location_url_is_refused_saying_why(url: str, why: str) -> None:
    with pytest.raises(Invalid, match="location") as refused:
        service.checked_url(url)
    assert refused.value.code == "BAD_USER_INPUT"
    assert why in refused.value.message


@pytest.mark.parametrize(
    ("url", "store"),
    [
        (f"s3://cold-archive/lab/{NAME}", "s3://cold-archive/lab"),
        (f"s3://cold-archive/{NAME}", "s3://cold-archive"),
        (f"file:///data/mirror/{NAME}", "file:///data/mirror"),
        ("s3://cold-archive/lab", None),  # not the asset's own folder
        (f"https://host/share/{NAME}", None),  # the server signs nothing there
        (f"gs://bucket/{NAME}", None),
        (f"file:///{NAME}", None),
    ],
)
def test_a_manifest_signs_a_location_holding_the_asset_under_its_own_name(
    url: str, store: str | None
) -> None:
    assert service.fallback_store(url, NAME) == store


async def test_an_asset_its_viewer_may_not_read_shows_no_locations(registered: Database) -> None:
    with access.acting_as(access.OPERATOR):
        await service.add(registered, NAME, COLD)
        await rules.set_access(registered, asset=NAME, groups=["lab-a"])
        asset_id = (await lookup.by_sha256(registered, sha256(payload(NAME)), 5))[0][0].id
    member, stranger = (
        Viewer("m", Role.READER, frozenset({"lab-a"})),
        Viewer("s", Role.READER, frozenset({"lab-b"})),
    )

    for viewer, sees in (
        (access.ANONYMOUS, False),
        (stranger, False),
        (member, True),
        (access.OPERATOR, True),
    ):
        with access.acting_as(viewer):
            async with registered.reader() as session:
                further = await locations.of_assets(session, [asset_id])
            found = await lookup.by_sha256(registered, sha256(payload(NAME)), 5)
            assert bool(further) is sees
            assert bool(found) is sees
            if not sees:
                with pytest.raises(NotFound):
                    await service.of(registered, NAME)


async def test_the_same_content_is_found_in_every_asset_holding_it_in_any_case(registered: Database) -> None:
    empty = await lookup.by_sha256(registered, sha256(b"").upper(), 10)
    one = await lookup.by_sha256(registered, sha256(payload(OTHER)), 10)

    assert [(asset.name, file.path) for asset, file in empty] == [(NAME, "empty.txt"), (OTHER, "empty.txt")]
    assert [(asset.name, file.path) for asset, file in one] == [(OTHER, "data/raw.bin")]
    assert await lookup.by_sha256(registered, "0" * 64, 10) == []
    assert len(await lookup.by_sha256(registered, sha256(b""), 1)) == 1


@pytest.mark.parametrize("text", ["", "abc", "g" * 64, "0" * 63, "0" * 65, " " + "0" * 63])
async def test_a_sha256_that_is_not_64_hex_digits_is_refused(registered: Database, text: str) -> None:
    with pytest.raises(Invalid, match="64 hexadecimal digits"):
        await lookup.by_sha256(registered, text, 10)


async def test_a_file_is_found_by_its_key_or_a_url_in_any_location_of_its_asset(registered: Database) -> None:
    with access.acting_as(WRITER):
        await service.add(registered, NAME, COLD)
    primary = (await service.of(registered, NAME))[0].url

    for key in (f"{NAME}/data/raw.bin", f"{primary}/data/raw.bin", f"{COLD}/data/raw.bin"):
        found = await lookup.by_key(registered, key, 10)
        assert [(asset.name, file.path) for asset, file in found] == [(NAME, "data/raw.bin")], key
    for key in (
        f"{NAME}/data/none.bin",
        f"s3://elsewhere/{NAME}/data/raw.bin",
        "ecephys_1_2020-01-01_00-00-00/x",
    ):
        assert await lookup.by_key(registered, key, 10) == [], key


@pytest.mark.parametrize(
    ("key", "why"),
    [
        (NAME, "ASSET/path/of/the/file"),
        (f"/{NAME}/data/raw.bin", "invalid object key"),
        (f"{NAME}/../x", "invalid object key"),
        ("ftp://host/x/y", "a file in a location"),
        ("s3://b/x?y=1", "a file in a location"),
        ("x" * 5000, "at most 4096 characters"),
    ],
)
async def test_a_key_that_names_no_place_is_refused(registered: Database, key: str, why: str) -> None:
    with pytest.raises(Invalid) as refused:
        await lookup.by_key(registered, key, 10)
    assert why in refused.value.message


async def test_a_manifest_offers_the_copies_it_can_sign_and_leaves_out_the_others(
    registered: Database, local_store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without S3 credentials in its environment the server cannot sign a bucket: the manifest
    still answers, with the folder's copy alone."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    settings = Settings(
        storage_url=local_store.url, secret_key="test-secret", public_url="http://127.0.0.1:1"
    )
    with access.acting_as(WRITER):
        await service.add(registered, NAME, COLD, label="cold")
        await service.add(registered, NAME, f"file:///mirror/{NAME}")
    stores = StoreRegistry(settings)
    try:
        entries, _, _ = await manifests.manifest(registered, stores, None, path_glob=None, expires_in=60)
    finally:
        await stores.close()

    mine = [e for e in entries if e.asset == NAME]
    assert [e.path for e in mine] == ["data/raw.bin", "empty.txt"]
    for entry in mine:
        [alternate] = entry.alternates
        assert alternate.startswith(f"http://127.0.0.1:1/files/{NAME}/{entry.path}?")
        assert "store=file%3A%2F%2F%2Fmirror" in alternate
    assert all(e.alternates == () for e in entries if e.asset == OTHER)
