"""Corrections over real HTTP, on both dialects: a writer replaces a metadata document with a
reason, as a new version with its author; the query columns follow it, the old version stays
readable, and metadataDiff says what changed; readers, anonymous users and writers who cannot see
the asset are refused; the command line corrects too."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from conftest import RECORDS, Catalog, ingest_records, local_settings, served
from servers import free_port
from test_cli import catalog as command_line
from test_cli import settings_env

from catalog.db.engine import Database
from catalog.services import rules, tokens

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

NAME, HIDDEN = RECORDS[1], RECORDS[2]
CORRECT = """mutation($n: String!, $d: String!, $c: JSON!, $r: String!) {
  correctMetadata(name: $n, document: $d, content: $c, reason: $r) { name subject { genotype } } }"""
VERSIONS = """query($n: String!) { asset(name: $n) {
  metadataVersions(document: "subject") { version author reason current }
  first: metadata(document: "subject", version: 1)
  diff: metadataDiff(document: "subject", from: 1, to: 2) { path before after } } }"""
LISTED = """query($n: String!) { asset(name: $n) { metadataVersions(document: "subject") {
  version author reason current } } }"""


@pytest.fixture
async def correctable(
    migrated_database_url: str, tmp_path: Path, fixtures_dir: Path
) -> AsyncIterator[tuple[Catalog, dict[str, dict[str, str]], dict[str, Any]]]:
    """Two assets (one private to lab-a), tokens of a writer of lab-b, a reader and an admin, and
    the subject document of the first as registered."""
    port = free_port()
    settings = local_settings(migrated_database_url, tmp_path, port)
    await ingest_records(settings, tmp_path / "src", fixtures_dir, [NAME, HIDDEN])
    db = Database(settings.database_url)
    await rules.set_access(db, asset=HIDDEN, groups=["lab-a"])
    secrets = {
        "writer": await tokens.create(db, "walt", "writer", ["lab-b"]),
        "reader": await tokens.create(db, "rita", "reader", ["lab-b"]),
        "admin": await tokens.create(db, "ada", "admin"),
    }
    await db.dispose()
    subject = json.loads((fixtures_dir / "records" / f"{NAME}.json").read_text())["subject"]
    headers = {"anonymous": {}} | {who: {"Authorization": f"Bearer {s}"} for who, s in secrets.items()}
    with served(settings, port) as running:
        yield running, headers, subject


def post(catalog: Catalog, headers: dict[str, str], query: str, **variables: Any) -> dict[str, Any]:
    response = catalog.client.post(
        f"{catalog.url}/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    return response.json()


def genotype_of(subject: dict[str, Any]) -> tuple[str, Any]:
    """Where a subject document of either generation keeps the genotype, and its value."""
    if isinstance(subject.get("subject_details"), dict):
        return "subject_details.genotype", subject["subject_details"].get("genotype")
    return "genotype", subject.get("genotype")


def corrected(subject: dict[str, Any], genotype: str) -> dict[str, Any]:
    fixed = json.loads(json.dumps(subject))
    target = fixed["subject_details"] if isinstance(fixed.get("subject_details"), dict) else fixed
    target["genotype"] = genotype
    return fixed


def test_a_correction_is_a_new_version_with_its_author_and_reason_and_a_diff(
    correctable: tuple[Catalog, dict[str, dict[str, str]], dict[str, Any]],
) -> None:
    catalog, headers, subject = correctable
    fixed = corrected(subject, "Ai14/wt")
    answer = post(catalog, headers["writer"], CORRECT, n=NAME, d="subject", c=fixed, r="genotyping redone")
    assert answer == {"data": {"correctMetadata": {"name": NAME, "subject": {"genotype": "Ai14/wt"}}}}

    asset = post(catalog, headers["anonymous"], VERSIONS, n=NAME)["data"]["asset"]
    assert asset["metadataVersions"] == [
        {"version": 1, "author": "anonymous", "reason": None, "current": False},
        {"version": 2, "author": "walt", "reason": "genotyping redone", "current": True},
    ]
    assert asset["first"] == subject
    path, before = genotype_of(subject)
    assert asset["diff"] == [{"path": path, "before": before, "after": "Ai14/wt"}]
    found = post(catalog, headers["anonymous"], '{ assets(filter: {genotype: "Ai14/wt"}) { totalCount } }')
    assert found["data"]["assets"]["totalCount"] == 1


def test_the_same_document_again_adds_no_version_and_a_revert_is_one(
    correctable: tuple[Catalog, dict[str, dict[str, str]], dict[str, Any]],
) -> None:
    catalog, headers, subject = correctable
    for content, reason in ((corrected(subject, "Ai14/wt"), "typo"), (subject, "the typo was right")):
        assert "errors" not in post(
            catalog, headers["admin"], CORRECT, n=NAME, d="subject", c=content, r=reason
        )
    assert "errors" not in post(catalog, headers["admin"], CORRECT, n=NAME, d="subject", c=subject, r="again")
    versions = post(catalog, headers["admin"], LISTED, n=NAME)["data"]["asset"]["metadataVersions"]
    assert [(v["version"], v["reason"]) for v in versions] == [
        (1, None),
        (2, "typo"),
        (3, "the typo was right"),
    ]


@pytest.mark.parametrize(
    ("who", "name", "content", "reason", "code", "message"),
    [
        (
            "anonymous",
            NAME,
            {},
            "why",
            "FORBIDDEN",
            "correcting metadata takes a writer's or an admin's token",
        ),
        ("reader", NAME, {}, "why", "FORBIDDEN", "correcting metadata takes a writer's or an admin's token"),
        ("writer", HIDDEN, {}, "why", "NOT_FOUND", f"no asset named {HIDDEN!r}"),
        ("writer", NAME, [1], "why", "BAD_USER_INPUT", "a metadata document is a JSON object"),
        (
            "writer",
            NAME,
            {},
            " ",
            "BAD_USER_INPUT",
            "say why in 1 to 2000 characters: a correction needs a reason",
        ),
    ],
)
def test_a_correction_that_may_not_or_cannot_be_made_is_refused_and_says_why(
    correctable: tuple[Catalog, dict[str, dict[str, str]], dict[str, Any]],
    who: str,
    name: str,
    content: Any,
    reason: str,
    code: str,
    message: str,
) -> None:
    catalog, headers, _ = correctable
    answer = post(catalog, headers[who], CORRECT, n=name, d="subject", c=content, r=reason)
    assert answer["data"] is None
    assert [(e["extensions"]["code"], e["message"]) for e in answer["errors"]] == [(code, message)]
    versions = post(catalog, headers["admin"], LISTED, n=name)["data"]["asset"]["metadataVersions"]
    assert [v["version"] for v in versions] == [1]


def test_a_diff_of_a_version_that_does_not_exist_is_not_found(
    correctable: tuple[Catalog, dict[str, dict[str, str]], dict[str, Any]],
) -> None:
    catalog, headers, _ = correctable
    answer = post(catalog, headers["admin"], VERSIONS, n=NAME)
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["NOT_FOUND"]
    assert answer["errors"][0]["message"] == f"{NAME} has no version 2 of subject"


def test_the_command_line_corrects_as_the_operator(
    correctable: tuple[Catalog, dict[str, dict[str, str]], dict[str, Any]], tmp_path: Path
) -> None:
    catalog, headers, subject = correctable
    file = tmp_path / "subject.json"
    file.write_text(json.dumps(corrected(subject, "wt/wt")))
    env = settings_env(catalog.settings.database_url, tmp_path)
    result = command_line("metadata", "set", NAME, "subject", str(file), "--reason", "checked again", env=env)
    assert result.stdout == f"{NAME}: subject is at version 2\n"
    versions = post(catalog, headers["admin"], LISTED, n=NAME)["data"]["asset"]["metadataVersions"]
    assert versions[-1] == {"version": 2, "author": "operator", "reason": "checked again", "current": True}


async def test_two_corrections_at_once_lose_nothing(
    migrated_database_url: str, tmp_path: Path, fixtures_dir: Path
) -> None:
    """Both start from version 1: either both land, one after the other, or the second is a
    conflict naming the version the first wrote; never is one silently overwritten."""
    import asyncio

    from catalog import access
    from catalog.access import Role, Viewer
    from catalog.conventions.modalities import Vocabulary
    from catalog.errors import Conflict
    from catalog.repo import assets, documents
    from catalog.services import corrections

    settings = local_settings(migrated_database_url, tmp_path, free_port())
    await ingest_records(settings, tmp_path / "src", fixtures_dir, [NAME])
    subject = json.loads((fixtures_dir / "records" / f"{NAME}.json").read_text())["subject"]
    db = Database(settings.database_url)
    try:
        with access.acting_as(Viewer("walt", Role.WRITER)):
            outcomes = await asyncio.gather(
                *(
                    corrections.correct(db, Vocabulary(), NAME, "subject", corrected(subject, g), f"set {g}")
                    for g in ("a/a", "b/b")
                ),
                return_exceptions=True,
            )
            async with db.reader() as session:
                row = await assets.by_name(session, NAME)
                assert row is not None
                history = (await documents.history(session, [row.id]))[row.id]
        written = [v for v in history if v.document == "subject" and v.version > 1]
        landed = [o for o in outcomes if isinstance(o, int)]
        refused = [o for o in outcomes if isinstance(o, Exception)]
        assert len(written) == len(landed)
        assert sorted(landed) == list(range(2, 2 + len(landed)))
        assert all(isinstance(e, Conflict) and "subject is at version 2, not 1" in e.message for e in refused)
        assert [v.reason for v in written] == [f"set {g}" for g in ("a/a", "b/b")][: len(written)] or len(
            written
        ) == 1
    finally:
        await db.dispose()
