"""The ``catalog`` command as a lab manager uses it: exit codes and one-line messages.

Behaviour is checked in-process through typer's runner; two smoke tests run the installed entry
point as a real process."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import typer
from factories import load_record, record_names, sha256, write_asset
from servers import free_port
from typer.core import TyperGroup
from typer.testing import CliRunner, Result

from catalog.cli import app
from catalog.db import migrate

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

PRIMARY = "ecephys_655568_2022-04-26_11-48-09"
OWN_VARIABLES = [name for name in os.environ if name.startswith("CATALOG_")]


def catalog(*args: str, env: dict[str, str | None] | None = None) -> Result:
    """Run the command in this process; a crash raises instead of passing for exit code 1."""
    result = CliRunner().invoke(app, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def settings_env(database_url: str, tmp_path: Path) -> dict[str, str | None]:
    """The command's configuration, and nothing of the caller's own ``CATALOG_`` variables."""
    return dict.fromkeys(OWN_VARIABLES) | {
        "CATALOG_DATABASE_URL": database_url,
        "CATALOG_STORAGE_URL": (tmp_path / "store").as_uri(),
        "CATALOG_SECRET_KEY": "cli-test",
    }


@pytest.fixture
def env(migrated_database_url: str, tmp_path: Path) -> dict[str, str | None]:
    return settings_env(migrated_database_url, tmp_path)


def command_paths(command: object, path: Sequence[str] = ()) -> Iterator[list[str]]:
    """Every command and group of the app, as the words that invoke it."""
    yield list(path)
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            yield from command_paths(sub, [*path, name])


def test_every_command_explains_itself(subtests: pytest.Subtests) -> None:
    """Found by walking the app, so a command added later is checked as soon as it exists."""
    commands = list(command_paths(typer.main.get_command(app)))
    assert {
        "ingest",
        "import",
        "index",
        "verify",
        "serve",
        "demo",
        "db upgrade",
        "db downgrade",
        "db current",
        "locate",
        "find",
    } <= {" ".join(words) for words in commands}
    for words in commands:
        with subtests.test(command=" ".join(words)):
            result = catalog(*words, "--help")
            assert result.exit_code == 0
            assert "Usage" in result.stdout


def test_ingest_registers_real_records_and_a_second_run_is_a_no_op(
    env: dict[str, str | None], tmp_path: Path, fixtures_dir: Path
) -> None:
    names = record_names(fixtures_dir)[:6]
    folders = [str(write_asset(tmp_path / "src", n, load_record(fixtures_dir, n))) for n in names]

    first = catalog("ingest", *folders, env=env)
    second = catalog("ingest", folders[0], env=env)

    assert first.exit_code == 0, first.stderr
    assert first.stdout.count("registered ") == 6
    assert second.exit_code == 0
    assert second.stdout.startswith("unchanged ")


def test_a_bad_name_exits_1_with_one_line_naming_it(env: dict[str, str | None], tmp_path: Path) -> None:
    folder = write_asset(tmp_path / "src", "655568_2022-13-26_11-48-09")

    result = catalog("ingest", str(folder), env=env)

    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "655568_2022-13-26_11-48-09" in lines[0]
    assert "month" in lines[0]


def test_malformed_metadata_exits_1_naming_the_asset_and_the_file(
    env: dict[str, str | None], tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", PRIMARY)
    (folder / "data_description.json").write_text("{not json")

    result = catalog("ingest", str(folder), env=env)

    assert result.exit_code == 1
    assert PRIMARY in result.stderr
    assert "data_description.json" in result.stderr


def test_one_bad_folder_does_not_stop_the_others(env: dict[str, str | None], tmp_path: Path) -> None:
    good = write_asset(tmp_path / "src", PRIMARY)
    bad = write_asset(tmp_path / "src", "ecephys_655568_2022-02-30_11-48-09")

    result = catalog("ingest", str(bad), str(good), env=env)

    assert result.exit_code == 1
    assert f"registered {PRIMARY}" in result.stdout


def test_import_registers_records_without_copying_data(
    env: dict[str, str | None], tmp_path: Path, fixtures_dir: Path
) -> None:
    names = record_names(fixtures_dir)
    lines = tmp_path / "export.jsonl"
    lines.write_text("\n".join(json.dumps(load_record(fixtures_dir, n)) for n in names))

    first = catalog("import", str(lines), env=env)
    second = catalog("import", str(lines), env=env)

    assert first.exit_code == 0, first.stderr
    assert f"{len(names)} registered" in first.stdout
    assert second.exit_code == 0
    assert f"{len(names)} unchanged" in second.stdout
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())


def test_import_updates_a_changed_record_and_refuses_a_nameless_one(
    env: dict[str, str | None], tmp_path: Path, fixtures_dir: Path
) -> None:
    name = record_names(fixtures_dir)[0]
    record = load_record(fixtures_dir, name)
    (tmp_path / "a.json").write_text(json.dumps(record))
    assert catalog("import", str(tmp_path / "a.json"), env=env).exit_code == 0
    record["subject"] = {"subject_id": "1", "sex": "Female"}
    (tmp_path / "b.json").write_text(json.dumps([record, {"location": "s3://x/y"}]))

    result = catalog("import", str(tmp_path / "b.json"), env=env)

    assert result.exit_code == 1
    assert result.stdout.strip() == f"{tmp_path / 'b.json'}: 0 registered, 1 updated, 0 unchanged, 1 refused"
    assert "no name" in result.stderr


def test_index_registers_the_asset_folders_of_a_store_in_place(
    env: dict[str, str | None], tmp_path: Path, fixtures_dir: Path
) -> None:
    bucket = tmp_path / "bucket"
    names = record_names(fixtures_dir)[:2]
    for name in names:
        write_asset(bucket, name, load_record(fixtures_dir, name))

    result = catalog("index", bucket.as_uri(), env=env)

    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"{bucket.as_uri()}: 2 registered, 0 updated, 0 unchanged, 0 refused"


def test_verify_exits_0_when_the_store_agrees_and_1_naming_each_difference(
    env: dict[str, str | None], tmp_path: Path
) -> None:
    folder = write_asset(tmp_path / "src", PRIMARY, files={"a.bin": b"first", "b.bin": b"second"})
    assert catalog("ingest", str(folder), env=env).exit_code == 0
    clean = catalog("verify", "--rehash", env=env)
    stored = tmp_path / "store" / PRIMARY
    (stored / "a.bin").write_bytes(b"First")
    (stored / "b.bin").unlink()

    damaged = catalog("verify", "--rehash", "--name", PRIMARY, env=env)

    assert (clean.exit_code, clean.stdout) == (0, "checked 1 assets, 2 files, 11 bytes, 2 rehashed\n")
    assert damaged.exit_code == 1
    assert damaged.stdout.splitlines()[:2] == [
        f"missing: {stored.as_uri()}/b.bin (recorded 6 bytes)",
        f"sha256 changed: {stored.as_uri()}/a.bin (recorded {sha256(b'first')}, stored {sha256(b'First')})",
    ]
    assert damaged.stderr == "error: 2 differences between the catalog and its stores\n"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.7", "catalog.example.org"])
def test_serve_refuses_to_listen_beyond_loopback_with_the_default_secret(
    env: dict[str, str | None], host: str
) -> None:
    result = catalog("serve", "--host", host, env=env | {"CATALOG_SECRET_KEY": None})

    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: refusing to listen on {host} with the default secret key")
    assert "CATALOG_SECRET_KEY" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_db_commands_walk_the_migration_chain(database_url: str, tmp_path: Path) -> None:
    """On an empty database: no revision, upgraded to head, and back down to none."""
    env = settings_env(database_url, tmp_path)
    (head,) = migrate.head_revisions()

    assert catalog("db", "current", env=env).stdout.strip() == "None"
    upgraded = catalog("db", "upgrade", env=env)
    assert (upgraded.exit_code, upgraded.stdout.strip()) == (0, "database at head")
    assert catalog("db", "current", env=env).stdout.strip() == head
    downgraded = catalog("db", "downgrade", "base", env=env)
    assert (downgraded.exit_code, downgraded.stdout.strip()) == (0, "database at base")
    assert catalog("db", "current", env=env).stdout.strip() == "None"


# --- the installed entry point, as a real process ---------------------------------------------


def installed(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The ``catalog`` script installed beside this interpreter, run as a lab manager would."""
    script = Path(sys.executable).parent / "catalog"
    return subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=120)


def process_env(tmp_path: Path) -> dict[str, str]:
    """This environment less any ``CATALOG_`` settings, on a new SQLite file and a local store."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("CATALOG_")}
    return base | {
        "CATALOG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'catalog.db'}",
        "CATALOG_STORAGE_URL": (tmp_path / "store").as_uri(),
    }


def test_the_installed_command_answers_help(tmp_path: Path) -> None:
    result = installed("--help", env=process_env(tmp_path))
    assert result.returncode == 0
    assert "Usage: catalog" in result.stdout


def test_the_installed_command_ingests_a_folder_into_a_new_catalog(tmp_path: Path) -> None:
    """End to end: the command creates its schema on first use, then stores and registers."""
    folder = write_asset(tmp_path / "src", PRIMARY)

    result = installed("ingest", str(folder), env=process_env(tmp_path))

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"registered {PRIMARY}: 1 files, 2048 bytes")
    assert (tmp_path / "catalog.db").is_file()
    assert any((tmp_path / "store").rglob("raw.bin"))


def test_the_installed_server_warns_of_the_default_secret_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    command = [str(Path(sys.executable).parent / "catalog"), "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=process_env(tmp_path), stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([server.stderr], [], [], 60)
        first_line = server.stderr.readline() if ready and server.stderr else ""
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert first_line.startswith("warning: the secret key is the default, fine on loopback only")
    assert "CATALOG_SECRET_KEY" in first_line


def test_a_token_is_created_listed_and_revoked_its_secret_shown_once(env: dict[str, str | None]) -> None:
    created = catalog("token", "create", "--name", "walt", "--role", "writer", "--group", "lab-a", env=env)
    assert created.exit_code == 0
    secret = created.stdout.splitlines()[-1]
    assert secret.startswith("cat_")
    assert len(secret) > 40
    listed = catalog("token", "list", env=env)
    assert listed.exit_code == 0
    assert "walt" in listed.stdout
    assert "lab-a" in listed.stdout
    assert secret not in listed.stdout
    assert catalog("token", "revoke", "walt", env=env).stdout == "token 'walt' revoked\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--name", "x", "--role", "boss"], "error: role 'boss': one of reader, writer, admin\n"),
        (
            ["create", "--name", "two words", "--role", "reader"],
            "error: token name 'two words': use letters, digits and ._@- (up to 128 characters)\n",
        ),
        (["revoke", "nobody"], "error: no live token named 'nobody'\n"),
    ],
)
def test_a_wrong_token_command_says_why(env: dict[str, str | None], args: list[str], message: str) -> None:
    result = catalog("token", *args, env=env)
    assert result.exit_code == 1
    assert result.stderr == message


def test_a_token_name_is_taken_for_good(env: dict[str, str | None]) -> None:
    assert catalog("token", "create", "--name", "rita", "--role", "reader", env=env).exit_code == 0
    assert catalog("token", "revoke", "rita", env=env).exit_code == 0
    again = catalog("token", "create", "--name", "rita", "--role", "reader", env=env)
    assert again.exit_code == 1
    assert "revoked tokens keep their names" in again.stderr


def test_locate_lists_adds_and_removes_the_further_locations_of_an_asset(
    env: dict[str, str | None], tmp_path: Path
) -> None:
    assert catalog("ingest", str(write_asset(tmp_path / "src", PRIMARY)), env=env).exit_code == 0
    cold = f"s3://cold-archive/lab/{PRIMARY}"

    added = catalog("locate", PRIMARY, "--add", f"{cold}/", "--label", "cold", env=env)
    listed = json.loads(catalog("locate", PRIMARY, "--json", env=env).stdout)
    table = catalog("locate", PRIMARY, env=env | {"COLUMNS": "250"})
    removed = catalog("locate", PRIMARY, "--remove", cold, env=env)

    assert (added.exit_code, added.stdout, added.stderr) == (
        0,
        f"{PRIMARY}: {cold} added as cold, priority 1\n",
        "",
    )
    assert [(f["label"], f["priority"], f["primary"], f["fallback"], f["added_by"]) for f in listed] == [
        ("primary", 0, True, False, None),
        ("cold", 1, False, True, "operator"),
    ]
    assert listed[0]["url"] == f"{(tmp_path / 'store').resolve().as_uri()}/{PRIMARY}"
    assert listed[1]["url"] == cold
    assert table.exit_code == 0
    assert cold in table.stdout
    assert removed.stdout == f"{PRIMARY}: {cold} removed\n"
    assert [f["label"] for f in json.loads(catalog("locate", PRIMARY, "--json", env=env).stdout)] == [
        "primary"
    ]


def test_locate_warns_when_a_bucket_or_folder_will_not_be_a_download_fallback(
    env: dict[str, str | None], tmp_path: Path
) -> None:
    assert catalog("ingest", str(write_asset(tmp_path / "src", PRIMARY)), env=env).exit_code == 0
    added = catalog("locate", PRIMARY, "--add", "file:///mnt/lab-server/raw", env=env)
    assert added.exit_code == 0
    assert added.stderr == (
        "warning: manifests will not offer file:///mnt/lab-server/raw as a fallback: "
        f"name the asset's own folder, ending in /{PRIMARY}\n"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--add", "ftp://host/x"], 1, "error: location 'ftp://host/x': use s3://bucket/prefix/ASSET"),
        (["--add", "s3://b/x?v=1"], 1, "error: location 's3://b/x?v=1': no query or fragment"),
        (["--remove", "s3://never-added/x"], 1, f"error: {PRIMARY} has no location s3://never-added/x"),
        (["--add", "s3://b/x", "--remove", "s3://b/x"], 2, "add or remove, not both at once"),
        (["--label", "cold"], 2, "goes with --add"),
    ],
)
def test_a_wrong_locate_says_why(
    env: dict[str, str | None], tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    assert catalog("ingest", str(write_asset(tmp_path / "src", PRIMARY)), env=env).exit_code == 0
    result = catalog("locate", PRIMARY, *args, env=env)
    assert result.exit_code == code
    assert message in result.stderr


def test_find_names_the_asset_and_path_holding_a_file(env: dict[str, str | None], tmp_path: Path) -> None:
    content = b"the same bytes"
    folder = write_asset(tmp_path / "src", PRIMARY, files={"data/raw.bin": content})
    assert catalog("ingest", str(folder), env=env).exit_code == 0

    by_hash = catalog("find", "--sha256", sha256(content).upper(), "--json", env=env)
    by_key = catalog("find", "--key", f"{PRIMARY}/data/raw.bin", "--json", env=env)
    table = catalog("find", "--sha256", sha256(content), env=env | {"COLUMNS": "250"})

    assert by_hash.exit_code == 0, by_hash.stderr
    assert json.loads(by_hash.stdout) == [
        {
            "asset": PRIMARY,
            "path": "data/raw.bin",
            "size": len(content),
            "sha256": sha256(content),
            "location": f"{(tmp_path / 'store').resolve().as_uri()}/{PRIMARY}/data/raw.bin",
        }
    ]
    assert by_key.stdout == by_hash.stdout
    assert PRIMARY in table.stdout
    assert sha256(content) in table.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--sha256", "0" * 64], 1, f"error: no file has sha256 {'0' * 64}\n"),
        (["--sha256", "abc"], 1, "error: sha256 'abc': 64 hexadecimal digits (BAD_USER_INPUT)\n"),
        (["--key", f"{PRIMARY}/none"], 1, f"error: no file is at {PRIMARY}/none\n"),
        (["--sha256", "0" * 64, "--key", "a/b"], 2, "give one of them"),
        (["--sha256", "0" * 64, "--project", "A"], 2, "find files, not assets"),
    ],
)
def test_find_says_when_nothing_holds_the_file(
    env: dict[str, str | None], args: list[str], code: int, message: str
) -> None:
    result = catalog("find", *args, env=env)
    assert result.exit_code == code
    assert message in result.stderr
