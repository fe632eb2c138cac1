"""``catalog locate`` against a server (``--url``): anyone who may read an asset lists where it is
kept; adding and removing a further location takes a writer's token (``addLocation``,
``removeLocation``)."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING

from conftest import catalog
from factories import load_record, payload, write_asset

from catalog.client import Catalog

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Served

NAME = "ecephys_660104_2023-07-24_18-18-13"


def test_locations_are_listed_by_anyone_and_changed_by_a_writer_over_http(
    local_uploads: Served, tmp_path: Path, fixtures_dir: Path
) -> None:
    folder = write_asset(tmp_path / "src", NAME, load_record(fixtures_dir, NAME), {"a.bin": payload("a")})
    with Catalog(local_uploads.url, token=local_uploads.writer) as writer:
        writer.upload(folder, quiet=True)
    mirror = tmp_path / "mirror" / NAME
    shutil.copytree(folder, mirror)
    server = ["--url", local_uploads.url]

    refused = catalog("locate", NAME, "--add", mirror.as_uri(), *server, "--token", local_uploads.token or "")
    added = catalog(
        "locate",
        NAME,
        "--add",
        mirror.as_uri(),
        "--label",
        "mirror",
        *server,
        "--token",
        local_uploads.writer or "",
    )
    listed = catalog("locate", NAME, "--json", *server)
    removed = catalog(
        "locate", NAME, "--remove", mirror.as_uri(), *server, "--token", local_uploads.writer or ""
    )
    after = catalog("locate", NAME, "--json", *server)

    assert refused.exit_code == 1
    assert refused.stderr.strip().endswith("(FORBIDDEN)")
    assert added.exit_code == 0, added.stderr
    assert f"{mirror.as_uri()} added as mirror, priority 1" in added.stdout
    rows = json.loads(listed.stdout)
    assert [(r["label"], r["priority"], r["primary"], r["added_by"], r["fallback"]) for r in rows] == [
        ("primary", 0, True, None, False),
        ("mirror", 1, False, "wanda", True),
    ]
    assert removed.exit_code == 0, removed.stderr
    assert [r["label"] for r in json.loads(after.stdout)] == ["primary"]
