"""The ``catalog`` command as a lab manager uses it: exit codes and one-line messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from factories import load_record, record_names, write_asset

PRIMARY = "ecephys_655568_2022-04-26_11-48-09"


def catalog(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "catalog.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CATALOG_")}
    return base | {
        "CATALOG_DATABASE_URL": database_url,
        "CATALOG_STORAGE_URL": (tmp_path / "store").as_uri(),
        "CATALOG_SECRET_KEY": "cli-test",
    }


@pytest.mark.parametrize(
    "command", [[], ["ingest"], ["import"], ["index"], ["serve"], ["demo"], ["db"], ["db", "upgrade"]]
)
def test_every_command_explains_itself(command: list[str], env: dict[str, str]) -> None:
    result = catalog(*command, "--help", env=env)
    assert result.returncode == 0 and "Usage" in result.stdout


def test_ingest_registers_real_records_and_a_second_run_is_a_no_op(
    env: dict[str, str], tmp_path: Path, fixtures_dir: Path
) -> None:
    names = record_names(fixtures_dir)[:6]
    folders = [str(write_asset(tmp_path / "src", n, load_record(fixtures_dir, n))) for n in names]

    first = catalog("ingest", *folders, env=env)
    second = catalog("ingest", folders[0], env=env)

    assert first.returncode == 0, first.stderr
    assert first.stdout.count("registered ") == 6
    assert second.returncode == 0 and second.stdout.startswith("unchanged ")


def test_a_bad_name_exits_1_with_one_line_naming_it(env: dict[str, str], tmp_path: Path) -> None:
    folder = write_asset(tmp_path / "src", "655568_2022-13-26_11-48-09")

    result = catalog("ingest", str(folder), env=env)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "655568_2022-13-26_11-48-09" in lines[0] and "month" in lines[0]


def test_malformed_metadata_exits_1_naming_the_asset_and_the_file(
    env: dict[str, str], tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", PRIMARY)
    (folder / "data_description.json").write_text("{not json")

    result = catalog("ingest", str(folder), env=env)

    assert result.returncode == 1
    assert PRIMARY in result.stderr and "data_description.json" in result.stderr


def test_one_bad_folder_does_not_stop_the_others(env: dict[str, str], tmp_path: Path) -> None:
    good = write_asset(tmp_path / "src", PRIMARY)
    bad = write_asset(tmp_path / "src", "ecephys_655568_2022-02-30_11-48-09")

    result = catalog("ingest", str(bad), str(good), env=env)

    assert result.returncode == 1
    assert f"registered {PRIMARY}" in result.stdout


def test_import_registers_records_without_copying_data(
    env: dict[str, str], tmp_path: Path, fixtures_dir: Path
) -> None:
    names = record_names(fixtures_dir)
    lines = tmp_path / "export.jsonl"
    lines.write_text("\n".join(json.dumps(load_record(fixtures_dir, n)) for n in names))

    first = catalog("import", str(lines), env=env)
    second = catalog("import", str(lines), env=env)

    assert first.returncode == 0, first.stderr
    assert f"{len(names)} registered" in first.stdout
    assert second.returncode == 0 and f"{len(names)} unchanged" in second.stdout
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())


def test_import_refuses_a_changed_record_and_a_nameless_one(
    env: dict[str, str], tmp_path: Path, fixtures_dir: Path
) -> None:
    name = record_names(fixtures_dir)[0]
    record = load_record(fixtures_dir, name)
    (tmp_path / "a.json").write_text(json.dumps(record))
    assert catalog("import", str(tmp_path / "a.json"), env=env).returncode == 0
    record["subject"] = {"subject_id": "1", "sex": "Female"}
    (tmp_path / "b.json").write_text(json.dumps([record, {"location": "s3://x/y"}]))

    result = catalog("import", str(tmp_path / "b.json"), env=env)

    assert result.returncode == 1
    assert f"{name}: already registered with different metadata" in result.stderr
    assert "no name" in result.stderr


def test_db_upgrade_reports_the_head(env: dict[str, str]) -> None:
    result = catalog("db", "upgrade", env=env)
    assert result.returncode == 0 and "head" in result.stdout
    assert catalog("db", "current", env=env).stdout.strip() != "None"
