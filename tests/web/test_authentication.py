"""Requests authenticate with ``Authorization: Bearer TOKEN``, over real HTTP (uvicorn), on both
dialects: a token acts as its name, role and groups; a bad, revoked or malformed one is 401
``UNAUTHENTICATED`` with a Bearer challenge; without a token a request reads as anonymous,
unless ``CATALOG_ANONYMOUS_READ`` is off, which closes every data route but ``/healthz``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest
from servers import UvicornServer, free_port

from catalog.app import create_app
from catalog.config import Settings
from catalog.db.engine import Database
from catalog.services import tokens

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

VIEWER = "{ viewer { name role groups } }"


def serve(database_url: str, tmp_path: Path, **options: Any) -> UvicornServer:
    port = free_port()
    settings = Settings(
        database_url=database_url,
        storage_url=(tmp_path / "store").as_uri(),
        public_url=f"http://127.0.0.1:{port}",
        **options,
    )
    return UvicornServer(create_app(settings), port=port)


@pytest.fixture
async def secrets(migrated_database_url: str) -> dict[str, str]:
    """A token per role (the writer in two groups), and one revoked."""
    db = Database(migrated_database_url)
    try:
        found = {
            "reader": await tokens.create(db, "rita", "reader"),
            "writer": await tokens.create(db, "walt", "writer", ["lab-b", "lab-a"]),
            "admin": await tokens.create(db, "ada", "admin"),
            "revoked": await tokens.create(db, "gone", "reader"),
        }
        await tokens.revoke(db, "gone")
        return found
    finally:
        await db.dispose()


@pytest.fixture
def open_catalog(migrated_database_url: str, tmp_path: Path, secrets: dict[str, str]) -> Iterator[str]:
    with serve(migrated_database_url, tmp_path) as server:
        yield server.base_url


def viewer(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"{url}/graphql", json={"query": VIEWER}, headers=headers or {}, timeout=30)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_acts_as_its_name_role_and_groups(open_catalog: str, secrets: dict[str, str]) -> None:
    answers = {
        role: viewer(open_catalog, bearer(secrets[role])).json() for role in ("reader", "writer", "admin")
    }
    assert answers["reader"] == {"data": {"viewer": {"name": "rita", "role": "reader", "groups": []}}}
    assert answers["writer"] == {
        "data": {"viewer": {"name": "walt", "role": "writer", "groups": ["lab-a", "lab-b"]}}
    }
    assert answers["admin"]["data"]["viewer"]["role"] == "admin"


def test_without_a_token_a_request_reads_as_anonymous(open_catalog: str) -> None:
    assert viewer(open_catalog).json() == {
        "data": {"viewer": {"name": "anonymous", "role": None, "groups": []}}
    }


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer cat_not-a-real-token", "unknown or revoked token"),
        ("Bearer something-else", "this is not a catalog token"),
        ("Basic dXNlcjpwYXNz", "send the token as Authorization: Bearer TOKEN"),
        ("Bearer", "send the token as Authorization: Bearer TOKEN"),
    ],
)
def test_a_bad_token_is_refused_with_a_challenge(open_catalog: str, header: str, message: str) -> None:
    for answer in (
        viewer(open_catalog, {"Authorization": header}),
        httpx.get(f"{open_catalog}/manifest", headers={"Authorization": header}, timeout=30),
    ):
        assert answer.status_code == 401
        assert answer.json() == {"error": {"code": "UNAUTHENTICATED", "message": message}}
        assert answer.headers["www-authenticate"] == 'Bearer realm="catalog"'


def test_a_revoked_token_is_refused(open_catalog: str, secrets: dict[str, str]) -> None:
    answer = viewer(open_catalog, bearer(secrets["revoked"]))
    assert answer.status_code == 401
    assert answer.json()["error"] == {"code": "UNAUTHENTICATED", "message": "unknown or revoked token"}


def test_closed_to_anonymous_readers_every_data_route_wants_a_token(
    migrated_database_url: str, tmp_path: Path, secrets: dict[str, str]
) -> None:
    with serve(migrated_database_url, tmp_path, anonymous_read=False) as server:
        url = server.base_url
        for route in ("/graphql?query=%7Bviewer%7Bname%7D%7D", "/manifest", "/download/a/b", "/readyz"):
            answer = httpx.get(f"{url}{route}", timeout=30)
            assert answer.status_code == 401, route
            assert answer.json()["error"]["code"] == "UNAUTHENTICATED"
        assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200
        assert viewer(url, bearer(secrets["reader"])).json()["data"]["viewer"]["name"] == "rita"
