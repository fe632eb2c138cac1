"""``catalog upload`` and ``catalog seal`` as a lab member uses them: into this machine's catalog
(no URL: the application in process, the same client), and to a server with a writer's token;
refusals are one line with the server's code."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from conftest import UPLOAD_PART, catalog, local_env
from factories import load_record, payload, write_asset

from catalog.client import Catalog

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Served

SESSION = "ecephys_660104_2023-07-24_18-18-13"
SORTED = "ecephys_800779_2025-09-26_12-57-44_sorted_2025-10-07_17-18-32"


def session_folder(root: Path, fixtures_dir: Path) -> Path:
    files = {"ecephys/raw.dat": payload("raw", UPLOAD_PART + 1000), "notes.txt": payload("notes", 50)}
    return write_asset(root, SESSION, load_record(fixtures_dir, SESSION), files)


def test_upload_registers_a_folder_in_the_local_catalog_and_refuses_it_twice(
    local_uploads: Served, tmp_path: Path, fixtures_dir: Path
) -> None:
    folder = session_folder(tmp_path / "src", fixtures_dir)

    first = catalog("upload", str(folder), "-q", env=local_env(local_uploads))
    again = catalog("upload", str(folder), "-q", env=local_env(local_uploads))

    assert first.exit_code == 0, first.stderr
    assert f"{SESSION}: registered; 8 files sent" in first.stdout  # 6 metadata documents, 2 data files
    with Catalog(local_uploads.url) as anonymous:
        assert anonymous.asset(SESSION)["file_count"] == 8
    assert again.exit_code == 1
    assert again.stderr.strip().endswith("(CONFLICT)")
    assert len(again.stderr.strip().splitlines()) == 1


def test_upload_to_a_server_takes_a_writers_token(
    local_uploads: Served, tmp_path: Path, fixtures_dir: Path
) -> None:
    folder = session_folder(tmp_path / "src", fixtures_dir)
    server = ["--url", local_uploads.url]

    refused = catalog("upload", str(folder), *server, "--token", local_uploads.token or "")
    sent = catalog("upload", str(folder), *server, env={"CATALOG_TOKEN": local_uploads.writer})

    assert refused.exit_code == 1
    assert refused.stderr.strip().endswith("(FORBIDDEN)")
    assert sent.exit_code == 0, sent.stderr
    assert f"{SESSION}: registered" in sent.stdout


def test_a_draft_is_built_and_sealed_from_the_command_line(
    local_uploads: Served, tmp_path: Path, fixtures_dir: Path
) -> None:
    record = load_record(fixtures_dir, SORTED)
    processing = json.dumps(record["processing"]).encode()
    folder = write_asset(
        tmp_path / "src",
        SORTED,
        record,
        {"extraction/processing.json": processing, "extraction/out.bin": payload("out")},
    )
    env = local_env(local_uploads)

    no_draft = catalog("upload", str(folder), "--step", "extraction", env=env)
    step = catalog("upload", str(folder), "--draft", "--step", "extraction", "-q", env=env)
    unsealed = catalog("find", "--names", SORTED, "--json", "--url", local_uploads.url)
    top = catalog("upload", str(folder), "--draft", "-q", env=env)
    sealed = catalog("seal", SORTED, env=env)
    twice = catalog("seal", SORTED, env=env)

    assert no_draft.exit_code == 2
    assert step.exit_code == 0, step.stderr
    assert f"{SORTED}: a draft, step extraction; 2 files sent" in step.stdout
    assert json.loads(unsealed.stdout) == []  # a draft: anonymous readers do not see it
    assert top.exit_code == 0, top.stderr
    assert (sealed.exit_code, sealed.stdout.strip()) == (0, f"sealed: {SORTED}")
    found = catalog("find", "--names", SORTED, "--json", "--url", local_uploads.url)
    assert [row["name"] for row in json.loads(found.stdout)] == [SORTED]
    assert twice.exit_code == 1
    assert twice.stderr.strip().endswith("(CONFLICT)")
