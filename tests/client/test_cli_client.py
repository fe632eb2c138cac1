"""``catalog find`` and ``catalog download`` as a lab member uses them: against a server on real
HTTP (``--url``), and against this machine's catalog (no URL: the application in process), on
the real records. The commands run in-process through typer's runner."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import pytest
import typer
from conftest import DOWNLOADED, asset_files, catalog, local_env
from factories import load_record, record_names, sha256
from servers import free_port

from catalog.cli import app
from catalog.cli_client import DEFAULT_COLUMNS
from catalog.cli_filters import COMPOSED
from catalog.client.columns import ASSET_COLUMNS
from catalog.conventions.names import AssetKind, parse_name
from catalog.schemas.filters import AssetFilter

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Served
    from typer.testing import Result

LUT = "Cell Type LUT"


def lut_primaries(fixtures_dir: Path) -> list[str]:
    """The records of project Cell Type LUT that are primary assets, read from the files."""
    return sorted(
        name
        for name in record_names(fixtures_dir)
        if (load_record(fixtures_dir, name).get("data_description") or {}).get("project_name") == LUT
        and parse_name(name).kind is AssetKind.PRIMARY
    )


def names_in(result: Result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [row["name"] for row in json.loads(result.stdout)]


# --- the options --------------------------------------------------------------------------------


def test_every_filter_field_is_an_option_of_find_and_download() -> None:
    fields = {field.python_name for field in AssetFilter.__strawberry_definition__.fields}
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]

    for name in ("find", "download"):
        options = {param.name for param in commands[name].params}
        assert fields - set(COMPOSED) <= options, name
        assert {"where", "json_filter"} <= options, name
    help_text = catalog("find", "--help").stdout
    assert "--acquired-after" in help_text
    assert "Free text: every word is part of the name" in help_text  # the field's description


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "sideways"], "'sideways' is not one of"),
        (["--file-count-min", "many"], "'--file-count-min': Input should be a valid integer"),
        (["--where", "genotype contains Cre"], "write DOCUMENT.PATH OP [VALUE]"),
        (["--where", "subject.genotype frobs Cre"], "'frobs' is not one of eq, ne"),
        (["--filter", "[1]"], "a JSON object"),
        (["--filter", '{"projekt": "A"}'], "unknown keyword 'projekt' (did you mean 'project'?)"),
        (["--columns", "name,colour"], "colour: not columns"),
    ],
)
def test_an_option_the_command_cannot_read_is_a_usage_error_before_any_request(
    registered: Served, args: list[str], message: str
) -> None:
    registered.requests.clear()

    result = catalog("find", *args, "--url", registered.url)

    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert registered.requests == []


# --- find, against a server ---------------------------------------------------------------------


def test_find_prints_the_assets_the_options_select_as_a_table_json_and_csv(
    registered: Served, fixtures_dir: Path
) -> None:
    expected = lut_primaries(fixtures_dir)
    selection = ["--project", LUT, "--kind", "primary", "--url", registered.url]

    table = catalog("find", *selection)
    as_json = catalog("find", *selection, "--format", "json")
    as_csv = catalog("find", *selection, "--format", "csv")

    assert len(expected) == 3
    assert table.exit_code == 0, table.stderr
    assert all(name in table.stdout for name in expected)
    assert "ecephys_697577_2024-02-13_16-24-10_nwb_2025-07-16_15-14-08" not in table.stdout  # derived
    assert names_in(as_json) == expected
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert list(rows[0]) == list(DEFAULT_COLUMNS)
    assert [row["name"] for row in rows] == expected
    assert {row["project"] for row in rows} == {LUT}
    assert rows[0]["subject_id"] == expected[0].split("_")[1]
    assert as_csv.stderr == ""


def test_lists_are_repeated_options_and_where_and_filter_reach_the_rest(
    registered: Served, fixtures_dir: Path
) -> None:
    every_lut = sorted(
        name
        for name in record_names(fixtures_dir)
        if (load_record(fixtures_dir, name).get("data_description") or {}).get("project_name") == LUT
    )
    url = ["--url", registered.url, "--format", "json"]

    repeated = catalog("find", "--subject-ids", "655568", "--subject-ids", "660104", *url)
    where = catalog("find", "--where", f'data_description.project_name eq "{LUT}"', *url)
    either = catalog("find", "--filter", '{"or": [{"subjectId": "655568"}, {"subject_id": "743916"}]}', *url)

    assert names_in(repeated) == ["ecephys_655568_2023-05-03_15-21-12", "ecephys_660104_2023-07-24_18-18-13"]
    assert names_in(where) == every_lut
    assert names_in(either) == ["ecephys_655568_2023-05-03_15-21-12", "ecephys_743916_2024-09-12_16-52-55"]


def test_find_pages_up_to_the_limit_and_says_when_more_match(registered: Served, fixtures_dir: Path) -> None:
    registered.requests.clear()

    result = catalog("find", "--limit", "3", "--format", "json", "--columns", "all", "--url", registered.url)

    rows = json.loads(result.stdout)
    assert [row["name"] for row in rows] == sorted(record_names(fixtures_dir))[:3]
    assert list(rows[0]) == [column.name for column in ASSET_COLUMNS]
    assert result.stderr == "note: the first 3 assets; more match (--limit to see more)\n"
    assert len(registered.graphql_requests()) == 1  # one page of 3


def test_nothing_matching_is_an_empty_result_not_a_failure(registered: Served) -> None:
    url = ["--project", "No Such Project", "--url", registered.url]

    as_json = catalog("find", *url, "--json")
    table = catalog("find", *url)

    assert (as_json.exit_code, as_json.stdout) == (0, "[]\n")
    assert table.exit_code == 0
    assert table.stderr == "note: no asset matches\n"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--acquired-after", "2023-13-01"], "BAD_USER_INPUT"),
        (["--where", "subject.genotype contains"], "BAD_USER_INPUT"),
        (["--token", "cat_not-a-token"], "UNAUTHENTICATED"),
    ],
    ids=["a bad date", "a predicate without its value", "a bad token"],
)
def test_a_refusal_of_the_server_is_one_line_with_its_code(
    registered: Served, args: list[str], code: str
) -> None:
    result = catalog("find", *args, env={"CATALOG_URL": registered.url})

    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert result.stderr.endswith(f"({code})\n")
    assert len(result.stderr.splitlines()) == 1


def test_a_server_that_does_not_answer_is_one_line_naming_it() -> None:
    url = f"http://127.0.0.1:{free_port()}"

    result = catalog("find", "--url", url)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {url}: ")
    assert len(result.stderr.splitlines()) == 1


def test_a_token_goes_with_the_requests(registered: Served) -> None:
    """A reader's token is accepted where a made-up one is refused (above)."""
    assert registered.token is not None

    with_token = catalog(
        "find", "--name", DOWNLOADED[0], "--json", "--url", registered.url, "--token", registered.token
    )

    assert names_in(with_token) == [DOWNLOADED[0]]


# --- download and --sha256, against a server ----------------------------------------------------


def check_downloaded(dest: Path, names: list[str]) -> None:
    for name in names:
        for path, content in asset_files(name).items():
            assert (dest / name / path).read_bytes() == content, (name, path)


def test_download_fetches_named_assets_verified_and_a_second_run_skips_them(
    local_files: Served, tmp_path: Path
) -> None:
    dest = tmp_path / "data"
    args = ["download", *DOWNLOADED, "--dest", str(dest), "--url", local_files.url]

    first = catalog(*args)
    second = catalog(*args)

    assert first.exit_code == 0, first.stderr
    check_downloaded(dest, DOWNLOADED)
    placed = [path for path in dest.rglob("*") if path.is_file()]
    size = sum(path.stat().st_size for path in placed)
    assert not [path for path in placed if path.suffix == ".part"]
    assert first.stdout == f"{len(placed)} files downloaded ({size} bytes), 0 already in place: {dest}\n"
    assert second.exit_code == 0
    assert second.stdout == f"0 files downloaded (0 bytes), {len(placed)} already in place: {dest}\n"


def test_download_takes_filter_options_and_a_glob(local_files: Served, tmp_path: Path) -> None:
    chosen = DOWNLOADED[1]
    subject = chosen.split("_")[1]
    dest = tmp_path / "data"

    result = catalog(
        "download",
        "--subject-id",
        subject,
        "--include",
        "*.txt",
        "--dest",
        str(dest),
        "--url",
        local_files.url,
    )

    assert result.exit_code == 0, result.stderr
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == [
        f"{chosen}/notes.txt"
    ]
    assert (dest / chosen / "notes.txt").read_bytes() == asset_files(chosen)["notes.txt"]


def test_download_says_when_nothing_matches(local_files: Served, tmp_path: Path) -> None:
    missing = catalog(
        "download", "ecephys_000000_2020-01-01_00-00-00", "--dest", str(tmp_path), "--url", local_files.url
    )
    unchosen = catalog("download", "--dest", str(tmp_path), "--url", local_files.url)

    assert missing.exit_code == 1
    assert missing.stderr == (
        "warning: ecephys_000000_2020-01-01_00-00-00: no such asset, or no file of it matches\n"
        "error: no file to download: nothing matches\n"
    )
    assert unchosen.exit_code == 2
    assert "name the assets, or choose them with filter options" in unchosen.stderr


def test_find_by_sha256_asks_the_server(local_files: Served) -> None:
    name = DOWNLOADED[0]
    content = asset_files(name)["notes.txt"]

    result = catalog("find", "--sha256", sha256(content), "--json", "--url", local_files.url)

    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert [(f["asset"], f["path"], f["size"], f["sha256"]) for f in found] == [
        (name, "notes.txt", len(content), sha256(content))
    ]
    assert found[0]["location"].endswith(f"/{name}/notes.txt")


# --- this machine's catalog: no URL -------------------------------------------------------------


def test_without_a_url_find_and_download_read_the_local_catalog_in_process(
    local_files: Served, tmp_path: Path
) -> None:
    env = local_env(local_files)
    dest = tmp_path / "data"
    local_files.requests.clear()

    found = catalog("find", "--kind", "primary", "--format", "csv", "--columns", "name,file_count", env=env)
    first = catalog("download", *DOWNLOADED, "--dest", str(dest), env=env)
    second = catalog("download", *DOWNLOADED, "--dest", str(dest), env=env)

    rows = list(csv.DictReader(io.StringIO(found.stdout)))
    assert [row["name"] for row in rows] == sorted(DOWNLOADED)
    assert all(int(row["file_count"]) > len(asset_files(DOWNLOADED[0])) for row in rows)
    assert first.exit_code == 0, first.stderr
    check_downloaded(dest, DOWNLOADED)
    assert second.exit_code == 0, second.stderr
    assert second.stdout.startswith("0 files downloaded (0 bytes), ")
    assert local_files.requests == []  # the server beside it was never asked: GraphQL and /files in process


def test_the_local_catalog_is_read_as_the_operator_who_sees_private_assets(
    local_files: Served, tmp_path: Path
) -> None:
    env = local_env(local_files)
    private = DOWNLOADED[0]
    assert catalog("access", "set", "--asset", private, "--group", "lab-a", env=env).exit_code == 0

    anonymous = catalog("find", "--json", "--url", local_files.url)
    operator = catalog("find", "--json", env=env)

    assert names_in(anonymous) == [DOWNLOADED[1]]
    assert names_in(operator) == sorted(DOWNLOADED)


def test_a_refusal_in_the_local_catalog_is_one_line_with_its_code(local_files: Served) -> None:
    result = catalog("find", "--acquired-before", "someday", env=local_env(local_files))

    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert result.stderr.endswith("(BAD_USER_INPUT)\n")
