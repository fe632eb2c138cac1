"""Specification of path globs: which paths each pattern selects, which patterns are refused,
and that PostgreSQL and Python (SQLite's REGEXP) read the compiled regex alike and quickly."""

from __future__ import annotations

import itertools
import re
import time
from typing import TYPE_CHECKING

import asyncpg
import pytest

from catalog.conventions.globs import glob_to_regex
from catalog.errors import Invalid
from catalog.limits import MAX_GLOB_CHARS

if TYPE_CHECKING:
    from servers import PostgresServer

CASES = [
    # a pattern without "/" matches the file name in any folder
    ("*.nwb", "a.nwb", True),
    ("*.nwb", "ecephys/a.nwb", True),
    ("*.nwb", "ecephys/probe/a.nwb", True),
    ("*.nwb", "a.nwb.bak", False),
    ("*.nwb", "a.nwb/x.txt", False),
    ("subject.json", "subject.json", True),
    ("subject.json", "derived/subject.json", True),
    ("subject.json", "subject.jsonl", False),
    # with "/" the whole path; a leading "/" only anchors
    ("ecephys/*.nwb", "ecephys/a.nwb", True),
    ("ecephys/*.nwb", "x/ecephys/a.nwb", False),
    ("ecephys/*.nwb", "ecephys/probe/a.nwb", False),
    ("/subject.json", "subject.json", True),
    ("/subject.json", "derived/subject.json", False),
    # * and ? stay within a name
    ("data/*", "data/raw.bin", True),
    ("data/*", "data/sub/raw.bin", False),
    ("data/raw.???", "data/raw.bin", True),
    ("data/raw.???", "data/raw.bi", False),
    ("a?c", "a/c", False),
    ("*a*b*c", "xaybzc", True),
    ("*a*b*c", "xaybzcd", False),
    ("*abc*abd", "abcabcabd", True),
    ("*", "anything/at/all.txt", True),
    # ** as a whole segment: any number of folders, none included
    ("ecephys/**/*.nwb", "ecephys/a.nwb", True),
    ("ecephys/**/*.nwb", "ecephys/p/q/a.nwb", True),
    ("ecephys/**/*.nwb", "behavior/a.nwb", False),
    ("**/raw.bin", "raw.bin", True),
    ("**/raw.bin", "a/b/raw.bin", True),
    ("a/**/b/**/c", "a/x/b/y/b/c", True),
    ("a/**/b/**/c", "a/b/c", True),
    ("a/**/b/**/c", "a/c", False),
    ("data/**", "data/x/y.bin", True),
    ("data/**", "data", False),
    ("data/", "data/x/y.bin", True),
    ("data/", "metadata/x.bin", False),
    # sets
    ("chunk_[0-9].bin", "chunk_7.bin", True),
    ("chunk_[0-9].bin", "chunk_x.bin", False),
    ("chunk_[!0-9].bin", "chunk_x.bin", True),
    ("chunk_[!0-9].bin", "chunk_7.bin", False),
    ("[]]", "]", True),
    ("[!]]", "a", True),
    ("[-a]", "-", True),
    ("[a-]", "-", True),
    ("[\\^]", "^", True),
    ("[&&]", "&", True),
    ("[*?]", "*", True),
    ("[*?]", "x", False),
    ("[abc", "[abc", True),
    # everything else is literal, regex metacharacters included
    ("a.b", "axb", False),
    ("a+b(1)|{2}$^.txt", "a+b(1)|{2}$^.txt", True),
    ("back\\slash", "back\\slash", True),
    ("sp ace#~&%.bin", "sp ace#~&%.bin", True),
    ("μ-probe/数据.nwb", "μ-probe/数据.nwb", True),
    ("*.nwb", "line\nbreak.nwb", True),
    ("raw.bin", "raw.bin\n", False),
]


@pytest.mark.parametrize(("glob", "path", "expected"), CASES)
def test_a_glob_selects_paths(glob: str, path: str, expected: bool) -> None:
    assert bool(re.search(glob_to_regex(glob), path)) is expected


@pytest.mark.parametrize(
    "glob",
    ["", "x" * (MAX_GLOB_CHARS + 1), "a/**b", "**.nwb", "a//b", "chunk_[9-0].bin", "nul\0"],
)
def test_a_bad_glob_is_refused(glob: str) -> None:
    with pytest.raises(Invalid):
        glob_to_regex(glob)


def test_the_longest_glob_is_accepted() -> None:
    assert re.search(glob_to_regex("x" * MAX_GLOB_CHARS), "x" * MAX_GLOB_CHARS)


async def test_postgresql_reads_every_regex_as_python_does(postgres: PostgresServer) -> None:
    regexes = [glob_to_regex(glob) for glob, _, _ in CASES]
    paths = [path for _, path, _ in CASES]
    connection = await asyncpg.connect(postgres.dsn())
    try:
        rows = await connection.fetch(
            "SELECT p ~ r AS m FROM unnest($1::text[], $2::text[]) AS c(r, p)", regexes, paths
        )
    finally:
        await connection.close()
    assert [row["m"] for row in rows] == [expected for _, _, expected in CASES]


def naive(glob: str) -> str:
    """The plain translation the compiled regex must mean: * is [^/]*, a ** segment any folders."""
    if "/" not in glob:
        glob = f"**/{glob}"
    elif glob.endswith("/"):
        glob += "**"
    *folders, name = glob.removeprefix("/").split("/")
    regex = "".join("(?:[^/]+/)*" if folder == "**" else f"{plain(folder)}/" for folder in folders)
    regex += ".+" if name == "**" else plain(name)
    return rf"(?s)\A{regex}\Z"


def plain(segment: str) -> str:
    return re.escape(segment).replace(r"\*", "[^/]*").replace(r"\?", "[^/]")


def test_the_fast_regex_means_the_plain_one() -> None:
    """Stars are compiled to scan for the first fit (so matching cannot backtrack for minutes);
    over every short glob and path of a small alphabet, that changes no answer."""
    globs = ["".join(g) for n in range(1, 6) for g in itertools.product("ab*?/", repeat=n)]
    globs += ["a/**/b", "**/a*b/**/b", "**", "a/**", "a*/**/b*", "*/**/*a"]
    paths = ["".join(p) for n in range(1, 7) for p in itertools.product("ab/", repeat=n)]
    paths = [p for p in paths if not p.startswith("/") and not p.endswith("/") and "//" not in p]
    compared = 0
    for glob in globs:
        try:
            fast = re.compile(glob_to_regex(glob))
        except Invalid:
            continue
        plain = re.compile(naive(glob))
        assert [p for p in paths if fast.search(p)] == [p for p in paths if plain.search(p)], glob
        compared += 1
    assert compared > 1000


@pytest.mark.parametrize("glob", ["*a*a*a*a*a*a*a*b", "**/a/**/a/**/a/**/a/**/b", "*a?" * 100 + "b"])
def test_a_hostile_glob_fails_fast_on_a_long_path(glob: str) -> None:
    regex = re.compile(glob_to_regex(glob))
    started = time.perf_counter()
    for path in ["x/" + "a" * 1000, "a/" * 500 + "c"]:
        assert not regex.search(path)
    assert time.perf_counter() - started < 0.1
