"""Drafts over real HTTP (docs/conventions.md, "Processing with a person in the loop"): a derived
asset built step by step through draft uploads, seen by writers only; the current step replaced
whole, an earlier one refused; sealed into an ordinary asset once its integrated metadata is
there, and immutable from then on."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from factories import load_record, payload
from test_uploads import ASSET, COMPLETE, NAME, OPEN, declared, send, visible

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Site

DERIVED = "behavior_717535_2024-10-25_10-24-48_processed_2026-04-10_21-32-50"
SEAL = """mutation($n: String!) { sealDraft(name: $n) { name draft draftStep qcStatus } }"""
LISTED = """{ assets(first: 50) { totalCount edges { node { name draft } } } }"""
AUDIT = """{ auditLog(first: 100) { events { action target } } }"""


def document(fixtures: Path, name: str) -> bytes:
    return json.dumps(load_record(fixtures, DERIVED)[name]).encode()


def uploaded(site: Site, files: dict[str, bytes], who: str = "writer") -> dict[str, Any]:
    """A draft upload of ``files``, sent and completed: the asset it answers."""
    plan = site.data(who, OPEN, n=DERIVED, f=declared(files), d=True)["openUpload"]
    assert plan["draft"] is True
    send(site, plan, files)
    asset: dict[str, Any] = site.data(who, COMPLETE, u=plan["id"])["completeUpload"]
    return asset


def listed(site: Site, who: str) -> dict[str, bool]:
    """The assets a search shows ``who`` (name → draft); its count agrees."""
    found = site.data(who, LISTED)["assets"]
    names = {edge["node"]["name"]: edge["node"]["draft"] for edge in found["edges"]}
    assert found["totalCount"] == len(names)
    return names


def paths(site: Site, who: str = "writer") -> set[str]:
    asset = site.data(who, ASSET, n=DERIVED)["asset"]
    return {edge["node"]["path"] for edge in asset["files"]["edges"]}


def test_a_draft_is_built_step_by_step_then_sealed(site: Site, fixtures_dir: Path) -> None:
    processing = document(fixtures_dir, "processing")
    first = {
        "subject.json": document(fixtures_dir, "subject"),
        "data_description.json": document(fixtures_dir, "data_description"),
        "extraction/processing.json": processing,
        "extraction/traces.bin": payload("traces", 4000),
    }

    asset = uploaded(site, first)

    assert asset == {"name": DERIVED, "draft": True, "draftStep": "extraction", "fileCount": 4}
    assert visible(site, "reader", DERIVED) is None
    assert visible(site, "anonymous", DERIVED) is None
    assert visible(site, "admin", DERIVED)["draft"] is True  # type: ignore[index]
    assert listed(site, "reader") == {}
    assert listed(site, "writer") == {DERIVED: True}
    code, message = site.code("writer", OPEN, n=DERIVED, f=declared(first))
    assert code == "CONFLICT"
    assert "a draft" in message

    second = {"curation/processing.json": processing, "curation/a.bin": payload("a", 10)}
    assert uploaded(site, second)["draftStep"] == "curation"
    again = {"curation/processing.json": processing, "curation/b.bin": payload("b", 10)}
    assert uploaded(site, again)["draftStep"] == "curation"
    assert paths(site) == set(first) | {"curation/processing.json", "curation/b.bin"}

    earlier = {"extraction/processing.json": processing, "extraction/traces.bin": b"new"}
    code, message = site.code("writer", OPEN, n=DERIVED, f=declared(earlier), d=True)
    assert code == "CONFLICT"
    assert "earlier steps are not revisited; start a new asset" in message

    code, message = site.code("writer", SEAL, n=DERIVED)
    assert code == "BAD_USER_INPUT"
    assert "processing.json and quality_control.json" in message
    integrated = {
        "processing.json": processing,
        "quality_control.json": document(fixtures_dir, "quality_control"),
    }
    assert uploaded(site, integrated)["draftStep"] == "curation"
    assert site.code("reader", SEAL, n=DERIVED)[0] == "FORBIDDEN"

    sealed = site.data("writer", SEAL, n=DERIVED)["sealDraft"]

    assert sealed["draft"] is False
    assert listed(site, "reader") == {DERIVED: False}
    assert sealed["draftStep"] is None
    assert sealed["qcStatus"] is not None  # described from the integrated quality control
    assert paths(site, "reader") == set(first) | {"curation/processing.json", "curation/b.bin"} | set(
        integrated
    )
    assert site.code("writer", SEAL, n=DERIVED)[0] == "CONFLICT"
    assert site.code("writer", OPEN, n=DERIVED, f=declared(integrated), d=True)[0] == "CONFLICT"
    events = site.data("admin", AUDIT)["auditLog"]["events"]
    actions = {(event["action"], event["target"]) for event in events}
    assert {("upload.open", DERIVED), ("upload.complete", DERIVED), ("draft.seal", DERIVED)} <= actions


def test_only_derived_names_have_drafts_and_a_step_brings_its_processing(site: Site) -> None:
    one = {"extraction/processing.json": b"{}"}
    code, message = site.code("writer", OPEN, n=NAME, f=declared(one), d=True)
    assert code == "BAD_USER_INPUT"
    assert "primary assets never have drafts" in message

    lacking = {"extraction/traces.bin": b"x"}
    code, message = site.code("writer", OPEN, n=DERIVED, f=declared(lacking), d=True)
    assert code == "BAD_USER_INPUT"
    assert "extraction/processing.json" in message
    two = {"a/processing.json": b"{}", "b/processing.json": b"{}"}
    assert "at most one step folder" in site.code("writer", OPEN, n=DERIVED, f=declared(two), d=True)[1]


def test_a_steps_processing_must_be_a_metadata_document(site: Site) -> None:
    files = {"extraction/processing.json": b"[1, 2]", "extraction/x.bin": b"x"}
    plan = site.data("writer", OPEN, n=DERIVED, f=declared(files), d=True)["openUpload"]
    send(site, plan, files)

    code, message = site.code("writer", COMPLETE, u=plan["id"])

    assert code == "BAD_USER_INPUT"
    assert "expected a JSON object" in message
    assert visible(site, "writer", DERIVED) is None
