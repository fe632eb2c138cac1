"""schema.graphql is the contract between server and clients: it must match the code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from catalog.graphql.schema import sdl

if TYPE_CHECKING:
    from pathlib import Path


def test_the_committed_schema_matches_the_code(repo_root: Path) -> None:
    committed = (repo_root / "schema.graphql").read_text()
    assert committed == sdl(), (
        "schema.graphql is stale: run `python -m catalog.graphql.schema > schema.graphql`"
    )
