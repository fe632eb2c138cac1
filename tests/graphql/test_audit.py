"""The audit log over real HTTP, on both dialects: every write (registration, correction, access
rule, token) is an event saying who, what, when and from where, newest first, filterable and
paged; only admins read it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from conftest import RECORDS, Catalog, ingest_records, local_settings, served
from servers import free_port

from catalog import access
from catalog.db.engine import Database
from catalog.services import rules, tokens

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

NAME = RECORDS[1]
LOG = """query($f: AuditFilter, $first: Int, $after: String) { auditLog(filter: $f, first: $first, after: $after) {
  events { cursor actor action target detail origin at } hasNextPage } }"""
CORRECT = """mutation($n: String!, $c: JSON!) {
  correctMetadata(name: $n, document: "subject", content: $c, reason: "sex recorded wrong") { name } }"""


@pytest.fixture
async def audited(
    migrated_database_url: str, tmp_path: Path, fixtures_dir: Path
) -> AsyncIterator[tuple[Catalog, dict[str, dict[str, str]]]]:
    """One asset registered and an access rule set from the command line, tokens of a writer, a
    reader and an admin, and a correction the writer made over HTTP."""
    port = free_port()
    settings = local_settings(migrated_database_url, tmp_path, port)
    db = Database(settings.database_url)
    with access.acting_as(access.OPERATOR, "command line"):
        await ingest_records(settings, tmp_path / "src", fixtures_dir, [NAME])
        await rules.set_access(db, project="Some project", groups=["lab-a"], embargo_until="2030-01-01")
        secrets = {
            who: await tokens.create(db, name, who)
            for who, name in (("writer", "walt"), ("reader", "rita"), ("admin", "ada"))
        }
    await db.dispose()
    subject = json.loads((fixtures_dir / "records" / f"{NAME}.json").read_text())["subject"]
    headers = {"anonymous": {}} | {who: {"Authorization": f"Bearer {s}"} for who, s in secrets.items()}
    with served(settings, port) as running:
        changed = dict(subject, sex="Female" if subject.get("sex") != "Female" else "Male")
        body = running.client.post(
            f"{running.url}/graphql",
            json={"query": CORRECT, "variables": {"n": NAME, "c": changed}},
            headers=headers["writer"],
        ).json()
        assert "errors" not in body, body
        yield running, headers


def log(catalog: Catalog, headers: dict[str, str], **variables: Any) -> dict[str, Any]:
    return catalog.client.post(
        f"{catalog.url}/graphql", json={"query": LOG, "variables": variables}, headers=headers
    ).json()


def test_every_write_is_an_event_saying_who_what_when_and_from_where(
    audited: tuple[Catalog, dict[str, dict[str, str]]],
) -> None:
    catalog, headers = audited
    events = log(catalog, headers["admin"])["data"]["auditLog"]["events"]
    assert [(e["actor"], e["action"], e["target"], e["origin"]) for e in events] == [
        ("walt", "metadata", NAME, "127.0.0.1"),
        ("operator", "token.create", "ada", "command line"),
        ("operator", "token.create", "rita", "command line"),
        ("operator", "token.create", "walt", "command line"),
        ("operator", "access", "project:Some project", "command line"),
        ("operator", "register", NAME, "command line"),
    ]
    assert events[0]["detail"] == {"versions": {"subject": 2}, "reason": "sex recorded wrong"}
    assert events[1]["detail"] == {"role": "admin", "groups": []}
    assert events[4]["detail"] == {"public": False, "groups": ["lab-a"], "embargo_until": "2030-01-01"}
    assert "subject" in events[5]["detail"]["documents"]
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)


def test_the_log_is_filtered_and_paged(audited: tuple[Catalog, dict[str, dict[str, str]]]) -> None:
    catalog, headers = audited
    created = log(catalog, headers["admin"], f={"action": "token.create"}, first=2)["data"]["auditLog"]
    assert [e["target"] for e in created["events"]] == ["ada", "rita"]
    assert created["hasNextPage"] is True
    rest = log(
        catalog,
        headers["admin"],
        f={"action": "token.create"},
        first=2,
        after=created["events"][-1]["cursor"],
    )
    assert [e["target"] for e in rest["data"]["auditLog"]["events"]] == ["walt"]
    assert rest["data"]["auditLog"]["hasNextPage"] is False
    by_walt = log(catalog, headers["admin"], f={"actor": "walt", "since": "2000-01-01T00:00:00Z"})
    assert [e["action"] for e in by_walt["data"]["auditLog"]["events"]] == ["metadata"]


@pytest.mark.parametrize("who", ["anonymous", "reader", "writer"])
def test_only_admins_read_the_log(audited: tuple[Catalog, dict[str, dict[str, str]]], who: str) -> None:
    catalog, headers = audited
    answer = log(catalog, headers[who])
    assert answer["data"] is None
    assert [(e["extensions"]["code"], e["message"]) for e in answer["errors"]] == [
        ("FORBIDDEN", "the audit log is for admins")
    ]


def test_a_cursor_that_is_not_one_is_refused(audited: tuple[Catalog, dict[str, dict[str, str]]]) -> None:
    catalog, headers = audited
    answer = log(catalog, headers["admin"], after="yesterday")
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["BAD_USER_INPUT"]
