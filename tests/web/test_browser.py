"""The web catalog in a real browser (Debian's headless Chromium) against `catalog serve` with
the demo catalog of real records: what a scientist does, checked against what the API says."""

from __future__ import annotations

import hashlib
import re
import shutil
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from servers import run_coroutine

from catalog import access
from catalog.db.engine import Database
from catalog.services import rules

if TYPE_CHECKING:
    from collections.abc import Iterator

    from conftest import CatalogProcess
    from playwright.sync_api import Browser, Locator, Page

TIMEOUT_MS = 15_000
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",  # the machines' closed network refuses Google's hosts
    "--disable-component-update",
    "--no-first-run",
]
YEAR_2023 = {"acquiredAfter": "2023-01-01T00:00:00Z", "acquiredBefore": "2024-01-01T00:00:00Z"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by playwright (which never downloads a browser here).
    Module-scoped: playwright's sync API runs an event loop of its own while it is open, which
    must be closed before other modules' asyncio fixtures run."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail(
            "chromium is not installed: .ci/run installs it (apt-get install chromium)", pytrace=False
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, demo_site: CatalogProcess) -> Iterator[Page]:
    context = browser.new_context(
        base_url=demo_site.url, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"the page threw: {errors}"


def api(site: CatalogProcess, query: str, **variables: Any) -> dict[str, Any]:
    body = httpx.post(f"{site.url}/graphql", json={"query": query, "variables": variables}).json()
    assert "errors" not in body, body
    return body["data"]


def count(site: CatalogProcess, spec: dict[str, Any] | None) -> int:
    query = "query($f: AssetFilter) { assets(filter: $f, first: 1) { totalCount } }"
    return int(api(site, query, f=spec)["assets"]["totalCount"])


def shown_count(page: Page) -> int:
    text = page.get_by_test_id("total-count").inner_text()
    match = re.search(r"[\d,]+", text)
    assert match, f"no count in {text!r}"
    return int(match.group().replace(",", ""))


def wait_for_count(page: Page, expected: int) -> None:
    page.wait_for_function(
        """expected => {
            const el = document.querySelector('[data-testid="total-count"]');
            const busy = document.querySelector('[aria-busy="true"]');
            return el && !busy && Number((el.textContent.match(/[\\d,]+/) || ["-1"])[0].replace(/,/g, "")) === expected;
        }""",
        arg=expected,
    )


def facet_box(page: Page, facet: str, value: str) -> Locator:
    group = page.get_by_role("group", name=re.compile(f"^{re.escape(facet)}", re.IGNORECASE))
    return group.get_by_role("checkbox", name=re.compile(f"^{re.escape(value)}\\b")).first


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def set_access(site: CatalogProcess, asset: str, **rule: Any) -> None:
    """An asset's access rule, written to the served catalog's database as `catalog access set`
    writes it (the server reads the rules at each request)."""

    async def write() -> None:
        db = Database(site.settings.database_url)
        try:
            with access.acting_as(access.OPERATOR, "test"):
                await rules.set_access(db, asset=asset, **rule)
        finally:
            await db.dispose()

    run_coroutine(write())


def click_node(page: Page, node_id: str) -> None:
    """Clicks the graph's node of that id where the canvas draws it."""
    box = page.locator("[data-ready='true']").bounding_box()
    assert box is not None
    at = page.evaluate("id => window.catalogGraph.getElementById(id).renderedPosition()", node_id)
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


def test_search_facets_and_the_url_hold_the_whole_state(page: Page, demo_site: CatalogProcess) -> None:
    page.goto("/")
    wait_for_count(page, count(demo_site, None))

    facet_box(page, "Modality", "ecephys").check()
    wait_for_count(page, count(demo_site, {"modality": ["ecephys"]}))
    assert query_of(page)["modality"] == ["ecephys"]
    rows = page.get_by_role("table", name="Search results").locator("tbody tr")
    assert rows.count() == count(demo_site, {"modality": ["ecephys"]}), "every ecephys asset listed"
    other = facet_box(page, "Modality", "behavior")
    assert other.is_visible(), "a ticked facet keeps its other values (disjunctive)"

    facet_box(page, "Acquisition year", "2023").check()
    both = count(demo_site, {"and": [{"modality": ["ecephys"]}, YEAR_2023]})
    wait_for_count(page, both)
    assert query_of(page)["year"] == ["2023"]

    page.reload()
    wait_for_count(page, both)
    assert facet_box(page, "Modality", "ecephys").is_checked(), "reload keeps the ticks"
    assert facet_box(page, "Acquisition year", "2023").is_checked()

    page.go_back()
    wait_for_count(page, count(demo_site, {"modality": ["ecephys"]}))
    assert not facet_box(page, "Acquisition year", "2023").is_checked(), "back restores the previous state"


def test_free_text_finds_a_subject_and_slash_focuses_the_box(page: Page, demo_site: CatalogProcess) -> None:
    subject = api(
        demo_site,
        '{ assets(first: 1, filter: {nameContains: "_sorted_"}) { edges { node { subject { subjectId } } } } }',
    )
    subject_id = subject["assets"]["edges"][0]["node"]["subject"]["subjectId"]
    page.goto("/")
    page.get_by_role("table", name="Search results").wait_for()
    page.keyboard.press("/")
    box = page.locator("#search-box")
    assert box.evaluate("element => element === document.activeElement"), "/ focuses the search box"
    box.fill(subject_id)
    box.press("Enter")
    wait_for_count(page, count(demo_site, {"text": subject_id}))
    assert query_of(page)["q"] == [subject_id]
    names = page.get_by_role("table", name="Search results").locator("tbody tr a[href^='/assets/']")
    assert names.count() > 0
    assert all(subject_id in text for text in names.all_inner_texts())


def test_an_asset_page_reads_as_a_person_would_and_downloads_verified_bytes(
    page: Page, demo_site: CatalogProcess
) -> None:
    page.goto("/")
    first = page.get_by_role("table", name="Search results").locator("tbody tr a[href^='/assets/']").first
    name = first.inner_text().strip()
    first.click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    assert page.url.endswith(f"/assets/{quote(name)}")
    truth = api(
        demo_site,
        "query($n: String!) { asset(name: $n) { subject { subjectId } files(first: 500) { edges { node { path sha256 } } } } }",
        n=name,
    )["asset"]
    subject = page.get_by_role("region", name="Subject")
    assert truth["subject"]["subjectId"] in subject.inner_text(), "the subject is readable, not only JSON"
    assert page.get_by_role("heading", level=2, name=re.compile("^Procedures")).count() == 1

    files = page.get_by_role("table", name="Files")
    files.locator("tbody tr").first.wait_for()
    wanted = truth["files"]["edges"][0]["node"]
    assert wanted["path"] in files.inner_text()
    with page.expect_download() as started:
        page.get_by_role("link", name=f"Download {wanted['path']}").click()
    data = started.value.path().read_bytes()
    assert hashlib.sha256(data).hexdigest() == wanted["sha256"], "the bytes are the ones the catalog recorded"


def test_the_provenance_graph_shows_the_lineage_and_a_click_opens_a_node(
    page: Page, demo_site: CatalogProcess
) -> None:
    curated = api(
        demo_site, '{ assets(first: 1, filter: {nameContains: "_curated_"}) { edges { node { name } } } }'
    )
    name = curated["assets"]["edges"][0]["node"]["name"]
    lineage = api(
        demo_site,
        "query($n: String!) { asset(name: $n) { provenance(direction: BOTH, depth: 10) { nodes { asset { name } } edges { source target } } } }",
        n=name,
    )["asset"]["provenance"]
    expected_nodes = {name} | {node["asset"]["name"] for node in lineage["nodes"]}
    expected_edges = {(edge["target"], edge["source"]) for edge in lineage["edges"]}  # input -> derived
    assert len(expected_nodes) >= 3, "the demo's curated asset has a chain behind it"

    page.goto(f"/assets/{quote(name)}")
    page.get_by_role("link", name=re.compile("Provenance graph", re.IGNORECASE)).click()
    page.locator("[data-ready='true']").wait_for()
    drawn = page.evaluate(
        """() => ({
            nodes: window.catalogGraph.nodes().map(node => node.id()),
            edges: window.catalogGraph.edges().map(edge => [edge.source().id(), edge.target().id()]),
        })"""
    )
    assert set(drawn["nodes"]) == expected_nodes
    assert {tuple(edge) for edge in drawn["edges"]} == expected_edges, "edges run from input to derived"

    raw = next(iter(sorted(expected_nodes - {name})))
    click_node(page, raw)
    page.wait_for_url(re.compile(f"/assets/{re.escape(quote(raw))}$"))
    page.get_by_role("heading", level=1, name=raw).wait_for()


def test_an_input_its_viewer_may_not_read_is_a_restricted_node_never_named_nor_linked(
    page: Page, demo_site: CatalogProcess
) -> None:
    curated = api(
        demo_site, '{ assets(first: 1, filter: {nameContains: "_curated_"}) { edges { node { name } } } }'
    )
    name = curated["assets"]["edges"][0]["node"]["name"]
    upstream = api(
        demo_site,
        "query($n: String!) { asset(name: $n) { provenance(direction: UPSTREAM, depth: 1) { nodes { asset { name kind } } } } }",
        n=name,
    )["asset"]["provenance"]["nodes"]
    hidden = upstream[0]["asset"]
    set_access(demo_site, hidden["name"], groups=["lab-a"])
    try:
        answer = api(
            demo_site,
            "query($n: String!) { asset(name: $n) { provenance(direction: BOTH, depth: 10) { nodes { name redacted } } } }",
            n=name,
        )["asset"]["provenance"]["nodes"]
        assert [node["name"] for node in answer if node["redacted"]] == ["redacted-1"], (
            "the anonymous viewer's lineage"
        )

        page.goto(f"/assets/{quote(name)}/provenance?direction=both&depth=10")
        graph = page.locator("[data-ready='true']")
        graph.wait_for()
        assert "(1 restricted)" in (graph.get_attribute("aria-label") or "")
        drawn = page.evaluate(
            """() => window.catalogGraph.nodes('.redacted').map(node => ({
                id: node.id(), label: node.data('label'), fill: node.style('background-fill'),
            }))"""
        )
        kind = "Primary" if hidden["kind"] == "PRIMARY" else "Derived"
        assert drawn == [
            {"id": "redacted-1", "label": f"Restricted asset\n{kind}", "fill": "linear-gradient"}
        ]
        assert hidden["name"] not in page.evaluate("() => window.catalogGraph.nodes().map(node => node.id())")

        row = page.get_by_role("table").locator("tbody tr", has_text="Restricted asset")
        assert row.count() == 1
        assert row.get_by_role("link").count() == 0, "no page to open"
        assert page.locator(f"a[href='/assets/{quote(hidden['name'])}']").count() == 0
        assert "redacted-1" not in page.locator("body").inner_text(), "the placeholder is no name to show"

        click_node(page, "redacted-1")
        panel = page.get_by_role("complementary", name="Pointed at")
        panel.get_by_text("An asset you may not read").wait_for()
        assert "Use a token" in panel.inner_text()
        assert panel.get_by_role("link").count() == 0
        assert urlsplit(page.url).path == f"/assets/{quote(name)}/provenance", "clicking it opens nothing"
    finally:
        set_access(demo_site, hidden["name"], public=True)


def test_an_unknown_asset_shows_the_designed_not_found_page(page: Page) -> None:
    page.goto("/assets/ecephys_000000_1999-01-01_00-00-00")
    page.get_by_role("heading", level=1, name="Asset not found").wait_for()
    assert page.get_by_role("link", name=re.compile("search", re.IGNORECASE)).count() >= 1


def test_a_search_the_catalog_would_refuse_is_explained_before_it_is_sent(page: Page) -> None:
    page.goto("/?" + "&".join(f"subject=s{i}" for i in range(80)))
    alert = page.get_by_role("alert").first
    alert.wait_for()
    assert "at most 64" in alert.inner_text()


def test_a_server_refusal_shows_its_code_and_message(page: Page) -> None:
    page.goto("/?q=" + "x" * 20_000)
    alert = page.get_by_role("alert").filter(has_text="BAD_USER_INPUT").first
    alert.wait_for()
    assert "16384" in alert.inner_text() or "characters" in alert.inner_text(), (
        "the server's message is shown"
    )
