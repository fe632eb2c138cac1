"""How the web catalog is served beside the API: at `/`, hashed files cached for good, client
routes answered with the app for browsers, the JSON contract kept for API clients, and refused
download links explained to a person who opened them in a browser."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx

from catalog.storage.local import LocalStore
from catalog.web.ui import IMMUTABLE, UI_DIR

if TYPE_CHECKING:
    from conftest import CatalogProcess

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_the_built_web_catalog_ships_inside_the_package() -> None:
    assert (UI_DIR / "index.html").is_file(), "build frontend/ (bash .ci/setup) before the tests"
    assert list((UI_DIR / "static").glob("*.js")), "the build wrote no script"


def test_the_root_answers_the_app_which_browsers_revalidate(demo_site: CatalogProcess) -> None:
    page = httpx.get(f"{demo_site.url}/", headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"
    assert '<div id="root">' in page.text


def test_hashed_files_are_cached_for_a_year(demo_site: CatalogProcess) -> None:
    page = httpx.get(f"{demo_site.url}/", headers=BROWSER).text
    scripts = re.findall(r'src="(/static/[^"]+\.js)"', page)
    styles = re.findall(r'href="(/static/[^"]+\.css)"', page)
    assert scripts, "index.html names no hashed script"
    assert styles, "index.html names no hashed stylesheet"
    for path in scripts + styles:
        response = httpx.get(f"{demo_site.url}{path}")
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.headers["content-encoding"] == "gzip", "text goes out compressed"
        plain = httpx.get(f"{demo_site.url}{path}", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.content == response.content, "httpx decoded the gzipped copy to the same bytes"
        assert int(plain.headers["content-length"]) > int(response.headers["content-length"])
    missing = httpx.get(f"{demo_site.url}/static/no-such-file-0000.js")
    assert missing.status_code == 404


def test_client_routes_open_from_a_pasted_url(demo_site: CatalogProcess) -> None:
    root = httpx.get(f"{demo_site.url}/", headers=BROWSER).text
    for path in [
        "/assets/ecephys_000000_2020-01-01_00-00-00",
        "/assets/x/provenance?depth=3",
        "/no/such/page",
    ]:
        response = httpx.get(f"{demo_site.url}{path}", headers=BROWSER)
        assert (response.status_code, response.text) == (200, root), path


def test_api_clients_keep_the_json_contract_for_unknown_paths(demo_site: CatalogProcess) -> None:
    for method, path in [
        ("GET", "/no/such/page"),
        ("POST", "/assets/x"),
        ("DELETE", "/nothing"),
    ]:
        response = httpx.request(method, f"{demo_site.url}{path}", headers={"Accept": "application/json"})
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "NOT_FOUND"
    for path in ["/healthz", "/"]:
        assert httpx.post(f"{demo_site.url}{path}").status_code == 405, f"{path} keeps its methods"


def test_the_api_routes_stay_where_they_are(demo_site: CatalogProcess) -> None:
    assert httpx.get(f"{demo_site.url}/healthz").status_code == 200
    graphql = httpx.post(f"{demo_site.url}/graphql", json={"query": "{ assets(first: 1) { totalCount } }"})
    assert graphql.json()["data"]["assets"]["totalCount"] > 0
    explorer = httpx.get(f"{demo_site.url}/graphql", headers=BROWSER)
    assert explorer.status_code == 200
    assert "graphiql" in explorer.text.lower(), "a browser at /graphql still gets the explorer"


def test_an_expired_link_opened_in_a_browser_says_so_and_leads_back(demo_site: CatalogProcess) -> None:
    settings = demo_site.settings
    root = settings.storage_url.removeprefix("file://")
    past = LocalStore(Path(root), settings.secret_key, settings.public_url, clock=lambda: time.time() - 7200)
    url = past.presign_get("some/file.bin", 60)

    page = httpx.get(url, headers=BROWSER)
    assert page.status_code == 403
    assert page.headers["content-type"].startswith("text/html")
    assert "This download link has expired" in page.text
    assert "LINK_EXPIRED" in page.text
    assert 'href="/"' in page.text

    api = httpx.get(url)
    assert api.json()["error"]["code"] == "LINK_EXPIRED", "API clients keep the JSON contract"


def test_a_forged_link_opened_in_a_browser_is_a_page_with_its_code(demo_site: CatalogProcess) -> None:
    page = httpx.get(f"{demo_site.url}/files/some/file.bin?expires=1&signature=x", headers=BROWSER)
    assert page.status_code == 403
    assert "This link is not valid" in page.text
    assert "FORBIDDEN" in page.text


def test_what_a_refused_request_held_is_escaped_in_the_page(demo_site: CatalogProcess) -> None:
    spec = json.dumps({"fileCountMin": "<script>alert(1)</script>"})
    page = httpx.get(f"{demo_site.url}/manifest?filter={quote(spec)}", headers=BROWSER)
    assert page.status_code == 400
    assert "BAD_USER_INPUT" in page.text
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;" in page.text
