"""Web catalog benchmark: what the built app (``catalog/ui``) sends on a first visit, and how fast
its pages answer a click, over a catalog of realistic size, in a real browser.

Everything runs against services this script starts itself:

1. The API benchmark's setup (``benchmarks/api.py``, with ``benchmarks/generate.py``'s generator and loader):
   a throwaway PostgreSQL cluster, a fresh database migrated to head and loaded with ``--assets``
   generated assets (100,000), ``--files`` files (1,000,000) and a connected lineage DAG of 1,000
   assets, then ``VACUUM ANALYZE``; ``catalog serve`` in a subprocess serves the API and the built
   web catalog, as deployed.
2. Headless Debian chromium (``chromium`` on ``PATH``, software rendering) driven by Python
   playwright, viewport 1280×800, measuring:
   (1) the first visit of ``/`` with an empty cache: the JavaScript and CSS that went over the
       wire (the encoded, i.e. gzipped, body sizes of every ``.js`` and ``.css`` response until
       the network is idle; target ≤ 300 kB, kB = 1,000 bytes), and that no chunk of it holds
       cytoscape: the chunks the provenance view loads on top of the first visit's must hold it
       (cytoscape's own strings are looked for in the decoded code), the first visit's must not;
       also the time from navigation to the results shown;
   (2) facet click → results: tick a value in the search page's facet sidebar (a ``<fieldset>``
       per facet, a checkbox per value, values of all facets in turn, each ticked once per page
       load so no answer comes from the query cache), until the results table and the total
       count show the new result (target p50 ≤ 250 ms); the untick that follows, back to a result
       the page has cached, is reported apart;
   (3) asset open → page rendered: click an asset's name in the results (a client-side route),
       until the asset page shows its name in the ``<h1>`` and rows in its files table (target
       p50 ≤ 300 ms), then back to the results;
   (4) the provenance view of the 1,000-node DAG (``/assets/<root>/provenance?depth=50&direction
       =both``, loaded in a tab that already holds the app's files): navigation until the graph
       is laid out (``data-ready="true"``), with the layout's own user-timing measure; then frame
       intervals (``requestAnimationFrame``) during a burst of 40 wheel events and during two
       drags across the canvas. No targets: reported as measured.

   Times are taken in the page's clock: from the click event's timestamp (or the navigation's
   start) until the first frame painted after a ``MutationObserver`` saw the page show the result
   (``requestAnimationFrame`` then a task), with nothing in the way still ``aria-busy``. One
   untimed warm-up of each interaction, then the page is reloaded. A measurement whose page
   lacks the elements it needs is skipped with a note.

Usage::

    .venv/bin/python benchmarks/frontend.py [--assets 100000] [--files 1000000] [--runs 30]
        [--no-results]

``--runs`` timed facet ticks and asset opens; first visits and graph loads: ``min(5, runs)``.
Prints a Markdown table and rewrites the "Web catalog" section of ``benchmarks/RESULTS.md`` (other
sections are kept). Needs the web catalog built (``npm run build`` in ``frontend/``) and not
rebuilt while it runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
sys.path[:0] = [str(BENCHMARKS), str(REPO / "tests")]

import api  # noqa: E402  (benchmarks/api.py: its setup, servers and queries)
import httpx  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from results import RESULTS, preamble, verdict, write_section  # noqa: E402
from servers import PostgresServer  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import generate
    from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request

SECTION = "## Web catalog (benchmarks/frontend.py)"
UI = REPO / "catalog" / "ui"
BUNDLE_TARGET_KB = 300.0
FACET_TARGET_MS = 250.0
ASSET_TARGET_MS = 300.0
KB = 1_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
WAIT_MS = 30_000  # for a result to show
GRAPH_WAIT_MS = 120_000
WHEEL_EVENTS = 40
DRAG_STEPS = 30
CYTOSCAPE_MARKERS = ("cytoscape.use()", "outside-texture-bg-color")
"""Strings of cytoscape's own code that survive minification: an error message, a style property."""

RESULTS_TABLE = 'table[aria-label="Search results"]'
TOTAL_COUNT = '[data-testid="total-count"]'
FILES_TABLE = 'table[aria-label="Files"]'
GRAPH = '[data-testid="provenance-graph"]'

# In the page: ``__bench.arm(kind, arg, afterClick)`` starts one measurement, ``__bench.mark``
# holds it: start (the click's timestamp, or 0: the navigation's start), dom (when the page first
# showed the result), paint (the first frame painted after that), api (when the last answer from
# /graphql before dom came in, from Resource Timing).
WATCH_JS = (
    """
((selectors) => {
  if (window.__bench) return;
  const busy = (element) => element.closest('[aria-busy="true"]') !== null;
  const TESTS = {
    results: ({ before }) => () => {
      const table = document.querySelector(selectors.results);
      const count = document.querySelector(selectors.count);
      return !!table && !!count && !!table.querySelector('td') && !busy(table) && !busy(count)
        && (before === null || count.textContent !== before);
    },
    asset: ({ name }) => () => {
      const files = document.querySelector(selectors.files);
      return [...document.querySelectorAll('h1')].some((h) => h.textContent.includes(name))
        && !!files && !!files.querySelector('td') && !busy(files);
    },
    graph: () => () => document.querySelector(selectors.graph + '[data-ready="true"]') !== null,
  };
  const bench = (window.__bench = { mark: null });
  performance.setResourceTimingBufferSize(100000);
  // When the last GraphQL answer the page had before it showed the result came in.
  const lastAnswer = (mark) => {
    const ends = performance.getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname === '/graphql' && e.startTime >= mark.start && e.responseEnd <= mark.dom)
      .map((e) => e.responseEnd);
    return ends.length ? Math.max(...ends) : null;
  };
  bench.arm = (kind, arg, afterClick) => {
    const test = TESTS[kind](arg);
    const mark = (bench.mark = { start: afterClick ? null : 0, dom: null, paint: null, api: null });
    const observer = new MutationObserver(() => check());
    const check = () => {
      if (mark.start === null || mark.dom !== null || !test()) return;
      mark.dom = performance.now();
      mark.api = lastAnswer(mark);
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => { mark.paint = performance.now(); }, 0));
    };
    observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    if (afterClick) {
      addEventListener('click', (event) => { mark.start = event.timeStamp; check(); },
        { capture: true, once: true });
    } else {
      check();
    }
  };
})"""
    + f"({json.dumps({'results': RESULTS_TABLE, 'count': TOTAL_COUNT, 'files': FILES_TABLE, 'graph': GRAPH})});"
)

FACETS_JS = """() => {
  const labelOf = (box) => (box.getAttribute('aria-label')
    || (box.labels && box.labels[0] && box.labels[0].textContent)
    || (box.closest('label') && box.closest('label').textContent) || '').replace(/\\s+/g, ' ').trim();
  return [...document.querySelectorAll('main fieldset')].map((fieldset) => {
    const legend = fieldset.querySelector('legend');
    const boxes = [...fieldset.querySelectorAll('input[type="checkbox"]')]
      .filter((box) => !box.disabled && !box.checked && box.getClientRects().length > 0);
    return { legend: legend ? legend.textContent.replace(/\\s+/g, ' ').trim() : '',
             values: boxes.map((box) => ({ value: box.value, label: labelOf(box) })) };
  }).filter((facet) => facet.legend && facet.values.length > 0);
}"""

FRAMES_JS = """() => {
  const times = [];
  let on = true;
  const tick = (time) => { times.push(time); if (on) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  window.__frames = { stop: () => { on = false; return times; } };
}"""

FACETS_READY = """() => {
  const facets = [...document.querySelectorAll('main fieldset')].filter((f) => f.querySelector('input[type="checkbox"]'));
  return facets.length > 0 && facets.every((f) => f.getAttribute('aria-busy') !== 'true');
}"""
MARK_DONE = "() => window.__bench && window.__bench.mark && window.__bench.mark.paint !== null"
_COUNT = re.compile(r"[\s(]+(\d[\d,.\u00a0\u202f]*)\)?$")


# --- figures -------------------------------------------------------------------------------------


def quantile(values: Sequence[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


@dataclass(slots=True)
class Samples:
    label: str
    short: str  # what the verdict calls it
    what: str
    ms: list[float] = field(default_factory=list)
    target_ms: float | None = None
    dom: list[float] = field(default_factory=list)  # of a measurement in the page: until the DOM showed it
    api: list[float] = field(default_factory=list)  # and until the last GraphQL answer before that

    def add(self, mark: dict[str, Any]) -> None:
        """A measurement of the page's: start, dom, paint and api, in its clock."""
        start = float(mark["start"])
        self.ms.append(float(mark["paint"]) - start)
        self.dom.append(float(mark["dom"]) - start)
        if mark["api"] is not None:
            self.api.append(float(mark["api"]) - start)

    @property
    def p50(self) -> float:
        return quantile(self.ms, 50)

    @property
    def p95(self) -> float:
        return quantile(self.ms, 95)


@dataclass(slots=True)
class Transferred:
    """One ``.js`` or ``.css`` response of a page load."""

    name: str
    wire: int  # encoded body bytes
    decoded: int
    encoding: str
    text: str  # the decoded code, to look for cytoscape in

    @property
    def cytoscape(self) -> bool:
        return any(marker in self.text for marker in CYTOSCAPE_MARKERS)


@dataclass(slots=True)
class Figures:
    first_visit: list[Transferred] = field(default_factory=list)
    graph_only: list[Transferred] = field(default_factory=list)
    samples: list[Samples] = field(default_factory=list)
    graph: str = ""  # what the provenance view drew
    rates: dict[str, list[float]] = field(default_factory=dict)  # input events per second, per gesture
    facets: list[str] = field(default_factory=list)  # the facets whose values were ticked
    notes: list[str] = field(default_factory=list)
    chromium: str = ""


# --- the browser ---------------------------------------------------------------------------------


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        raise SystemExit("chromium is not on PATH: install Debian's chromium (apt-get install chromium)")
    return found


def new_page(browser: Browser, watch: str | None = None) -> tuple[BrowserContext, Page]:
    """A tab in a fresh context (empty cache); ``watch``: a measurement armed at every navigation."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(WATCH_JS + (f"\nwindow.__bench.arm({watch}, false);" if watch else ""))
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return context, page


def finished(page: Page, timeout: float = WAIT_MS) -> dict[str, Any] | None:
    """The armed measurement once painted, None if the page did not show its result in time."""
    try:
        page.wait_for_function(MARK_DONE, timeout=timeout)
    except PlaywrightTimeout:
        return None
    mark = page.evaluate("() => window.__bench.mark")
    return mark if isinstance(mark, dict) else None


def clicked(page: Page, target: Locator, kind: str, arg: dict[str, Any]) -> dict[str, Any] | None:
    """The measurement from clicking ``target`` to the page showing the result ``kind`` describes."""
    page.evaluate("([kind, arg]) => window.__bench.arm(kind, arg, true)", [kind, arg])
    target.click()
    return finished(page)


def recorded(page: Page) -> list[Request]:
    """The page's requests, each added once its response has been read."""
    requests: list[Request] = []
    page.on("requestfinished", lambda request: requests.append(request))
    return requests


def static_files(requests: list[Request]) -> list[Transferred]:
    files = []
    for request in requests:
        path = urlsplit(request.url).path
        response = request.response()
        if response is None or not path.endswith((".js", ".css")):
            continue
        try:
            body = response.body()
        except PlaywrightError:  # a worker's script: its body is the worker's, not the page's
            body = httpx.get(request.url, headers={"Accept-Encoding": "identity"}).content
        files.append(
            Transferred(
                path.rsplit("/", 1)[-1],
                int(request.sizes()["responseBodySize"]),
                len(body),
                response.headers.get("content-encoding", "identity"),
                body.decode(errors="replace"),
            )
        )
    return files


def results_count(page: Page) -> str | None:
    count = page.locator(TOTAL_COUNT)
    return count.first.text_content() if count.count() else None


def wait_results(page: Page) -> bool:
    page.evaluate("() => window.__bench.arm('results', { before: null }, false)")
    return finished(page) is not None


# --- (1) first visit -----------------------------------------------------------------------------


def first_visits(browser: Browser, base_url: str, count: int, figures: Figures) -> None:
    shown = Samples("(1)", "first visit", "first visit of `/`, empty cache: navigation → results shown")
    for index in range(count):
        context, page = new_page(browser, "'results', { before: null }")
        requests = recorded(page)
        try:
            page.goto(base_url + "/")
            mark = finished(page)
            page.wait_for_load_state("networkidle")
            if index == 0:
                figures.first_visit = static_files(requests)
            if mark is None:
                figures.notes.append(
                    f"(1) `/` showed no `{RESULTS_TABLE}` with rows and `{TOTAL_COUNT}` within "
                    f"{WAIT_MS / 1000:.0f} s: time to results not measured"
                )
                break
            shown.add(mark)
        finally:
            context.close()
    figures.samples.append(shown)


# --- (2) and (3) interactions --------------------------------------------------------------------


@dataclass(slots=True)
class Facet:
    legend: str  # the legend's text without a trailing count
    value: str  # the checkbox's value attribute, or "" when it has none
    label: str  # the checkbox's accessible name, without a trailing count
    count: int | None  # the count its label shows

    @property
    def key(self) -> tuple[str, str, str]:
        return self.legend, self.value, self.label

    def box(self, page: Page) -> Locator:
        legend = page.locator("legend", has_text=re.compile(rf"^\s*{re.escape(self.legend)}"))
        fieldset = page.locator("main fieldset").filter(has=legend).first
        if self.value:
            escaped = self.value.replace("\\", "\\\\").replace('"', '\\"')
            return fieldset.locator(f'input[type="checkbox"][value="{escaped}"]').first
        name = re.compile(rf"^\s*{re.escape(self.label)}(?![A-Za-z_-])")
        return fieldset.get_by_role("checkbox", name=name).first


def _without_count(text: str) -> tuple[str, int | None]:
    match = _COUNT.search(text)
    if not match or match.start() == 0:
        return text, None
    digits = re.sub(r"\D", "", match.group(1))
    return text[: match.start()], int(digits) if digits else None


def facet_values(page: Page) -> list[Facet]:
    """Every unticked value in view, the facets interleaved (first of each, second of each...)."""
    per_facet = []
    for found in page.evaluate(FACETS_JS):
        legend, _ = _without_count(found["legend"])
        values = []
        for item in found["values"]:
            label, count = _without_count(item["label"])
            value = item["value"] if item["value"] not in ("", "on") else ""
            if value or label:
                values.append(Facet(legend, value, label, count))
        per_facet.append(values)
    longest = max((len(values) for values in per_facet), default=0)
    return [values[i] for i in range(longest) for values in per_facet if i < len(values)]


def _number(text: str | None) -> int | None:
    digits = re.sub(r"\D", "", text or "")
    return int(digits) if digits else None


def open_search(page: Page, base_url: str) -> bool:
    page.goto(base_url + "/")
    return wait_results(page)


def facet_clicks(page: Page, base_url: str, runs: int, figures: Figures) -> None:
    tick = Samples("(2)", "facet click", "facet tick → results and count shown", target_ms=FACET_TARGET_MS)
    untick = Samples("(2)", "facet untick", "facet untick → the previous results (cached by the page) shown")
    figures.samples += [tick, untick]
    warmed, failed = False, set()
    while len(tick.ms) < runs:
        if not open_search(page, base_url):
            figures.notes.append(
                f"(2) `/` showed no results table `{RESULTS_TABLE}`: facet clicks not measured"
            )
            return
        try:
            page.wait_for_function(FACETS_READY)
        except PlaywrightTimeout:
            figures.notes.append(
                f"(2) `/` showed no facet counted within {WAIT_MS / 1000:.0f} s: not measured"
            )
            return
        total = _number(results_count(page))
        candidates = [
            f
            for f in facet_values(page)
            if f.count != 0 and (f.count is None or f.count != total) and f.key not in failed
        ]
        if not candidates:
            figures.notes.append(
                "(2) no facet value to tick (a `<fieldset>` with a `<legend>` and checkboxes): not measured"
            )
            return
        progress = (len(tick.ms), len(failed), warmed)
        for facet in candidates:
            if len(tick.ms) >= runs:
                break
            before = results_count(page)
            ticked = clicked(page, facet.box(page), "results", {"before": before})
            if ticked is None:
                figures.notes.append(
                    f"(2) ticking {facet.legend} = {facet.label or facet.value} changed no count "
                    f"within {WAIT_MS / 1000:.0f} s: skipped"
                )
                failed.add(facet.key)
                break  # the page's state is unknown: start again from a fresh one
            unticked = clicked(page, facet.box(page), "results", {"before": results_count(page)})
            if unticked is None or results_count(page) != before:
                figures.notes.append(
                    f"(2) unticking {facet.legend} = {facet.label or facet.value} did not bring back "
                    f"the count {before}: skipped"
                )
                failed.add(facet.key)
                break
            if not warmed:  # the page's first click runs its code paths for the first time
                warmed = True
                break
            tick.add(ticked)
            untick.add(unticked)
            if facet.legend not in figures.facets:
                figures.facets.append(facet.legend)
        if (len(tick.ms), len(failed), warmed) == progress:
            return  # nothing measured, nothing new failed: the notes say why


def asset_links(page: Page) -> list[tuple[str, str]]:
    """(href, asset name) of each asset linked from the results, in order."""
    hrefs = page.locator(f'{RESULTS_TABLE} a[href^="/assets/"]').evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    links: dict[str, str] = {}
    for href in hrefs:
        parts = urlsplit(href).path.split("/")
        if len(parts) == 3 and parts[2]:
            links.setdefault(unquote(parts[2]), href)
    return [(href, name) for name, href in links.items()]


def asset_opens(page: Page, base_url: str, runs: int, figures: Figures) -> None:
    opened = Samples(
        "(3)",
        "asset open",
        "asset name in the results → asset page with its files",
        target_ms=ASSET_TARGET_MS,
    )
    figures.samples.append(opened)
    warmed = False
    while len(opened.ms) < runs:
        if not open_search(page, base_url):
            figures.notes.append(
                f"(3) `/` showed no results table `{RESULTS_TABLE}`: asset opens not measured"
            )
            return
        links = asset_links(page)
        if not links:
            figures.notes.append(f"(3) no link to `/assets/<name>` in `{RESULTS_TABLE}`: not measured")
            return
        for href, name in links:
            if len(opened.ms) >= runs:
                break
            link = page.locator(f'{RESULTS_TABLE} a[href="{href}"]').first
            took = clicked(page, link, "asset", {"name": name})
            if took is None:
                figures.notes.append(
                    f"(3) `{href}` showed no `<h1>` with its name and `{FILES_TABLE}` with rows "
                    f"within {WAIT_MS / 1000:.0f} s: not measured"
                )
                return
            page.go_back()
            if not wait_results(page):
                figures.notes.append("(3) going back from an asset page showed no results: not measured")
                return
            if not warmed:
                warmed = True
                break
            opened.add(took)


# --- (4) the provenance view ---------------------------------------------------------------------


def frame_intervals(page: Page, gesture: Callable[[Page], bool]) -> tuple[list[float] | None, float]:
    """Intervals between frames during ``gesture`` and 300 ms after it (the full redraw once it
    ends), None if the gesture did not move the graph; and the gesture's seconds."""
    page.evaluate(FRAMES_JS)
    started = time.perf_counter()
    moved = gesture(page)
    seconds = time.perf_counter() - started
    page.wait_for_timeout(300)
    times = page.evaluate("() => window.__frames.stop()")
    return ([b - a for a, b in itertools.pairwise(times)] if moved else None), seconds


def graph_view(
    browser: Browser, base_url: str, catalog: generate.Catalog, loads: int, figures: Figures
) -> None:
    url = f"{base_url}/assets/{quote(catalog.dag_root)}/provenance?depth=50&direction=both"
    ready = Samples("(4)", "graph view", "provenance view, the lineage DAG: navigation → graph laid out")
    layout = Samples("(4)", "layout", 'of which the layout (user timing "provenance-layout")')
    wheel = Samples(
        "(4)",
        f"{WHEEL_EVENTS} wheel events",
        f"frame interval during {WHEEL_EVENTS} wheel events (zoom in, out)",
    )
    drag = Samples(
        "(4)", f"2 drags of {DRAG_STEPS} moves", f"frame interval during 2 drags of {DRAG_STEPS} moves (pan)"
    )
    figures.samples += [ready, layout, wheel, drag]
    context, page = new_page(browser, "'graph', {}")
    requests = recorded(page)
    try:
        for index in range(loads + 1):  # the first load fetches the app's files: untimed
            page.goto(url)
            mark = finished(page, GRAPH_WAIT_MS)
            if mark is None:
                figures.notes.append(
                    f'(4) the provenance view showed no `{GRAPH}` with `data-ready="true"` '
                    f"within {GRAPH_WAIT_MS / 1000:.0f} s: not measured"
                )
                break
            if index == 0:
                page.wait_for_load_state("networkidle")
                seen = {f.name for f in figures.first_visit}
                figures.graph_only = [f for f in static_files(requests) if f.name not in seen]
                nodes, edges = page.evaluate(
                    "() => [window.catalogGraph.nodes().length, window.catalogGraph.edges().length]"
                )
                figures.graph = f"{nodes:,} nodes, {edges:,} edges"
                continue
            ready.add(mark)
            measured = page.evaluate(
                "() => performance.getEntriesByName('provenance-layout').map(e => e.duration)"
            )
            if measured:
                layout.ms.append(float(measured[-1]))
            for samples, gesture, events in ((wheel, zoom, WHEEL_EVENTS), (drag, pan, 2 * DRAG_STEPS)):
                # (fit returns the Core, which playwright would try to serialize whole: return nothing)
                page.evaluate("() => { window.catalogGraph.fit(undefined, 24); }")
                intervals, seconds = frame_intervals(page, gesture)
                figures.rates.setdefault(samples.short, []).append(events / seconds)
                if "/provenance" not in page.url:
                    raise RuntimeError(f"a gesture on the graph left the page: now at {page.url}")
                if intervals is None:
                    figures.notes.append(f"(4) {samples.short} did not move the graph")
                else:
                    samples.ms += intervals
    finally:
        context.close()


def _graph_box(page: Page) -> tuple[float, float, float, float]:
    box = page.locator(GRAPH).bounding_box()
    if box is None:
        raise RuntimeError("the graph has no box on the page")
    return box["x"], box["y"], box["width"], box["height"]


VIEWPORT_JS = "() => JSON.stringify([window.catalogGraph.zoom(), window.catalogGraph.pan()])"


def zoom(page: Page) -> bool:
    """Wheel events over the canvas's centre: in, out, in, out, ten each."""
    x, y, width, height = _graph_box(page)
    page.mouse.move(x + width / 2, y + height / 2)
    before = page.evaluate(VIEWPORT_JS)
    moved = False
    for index in range(WHEEL_EVENTS):
        page.mouse.wheel(0, -120 if (index // 10) % 2 == 0 else 120)
        if index == 9:
            moved = page.evaluate(VIEWPORT_JS) != before
    return moved


def pan(page: Page) -> bool:
    """Two drags: from the canvas's corner, inside the fitted graph's padding (on no node), and
    back from where the first ended, still over the same empty spot of the graph."""
    x, y, width, height = _graph_box(page)
    start, end = (x + 8, y + 8), (x + 8 + width / 3, y + 8 + height / 4)
    before = page.evaluate(VIEWPORT_JS)
    moved = False
    for here, there in ((start, end), (end, start)):
        page.mouse.move(*here)
        page.mouse.down()
        for step in range(1, DRAG_STEPS + 1):
            share = step / DRAG_STEPS
            page.mouse.move(here[0] + (there[0] - here[0]) * share, here[1] + (there[1] - here[1]) * share)
        page.mouse.up()
        moved = moved or page.evaluate(VIEWPORT_JS) != before
    return moved


# --- report --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Report:
    command: str
    api_report: api.Report
    figures: Figures = field(default_factory=Figures)
    build: str = ""

    def bundle_rows(self) -> list[str]:
        visit = self.figures.first_visit
        if not visit:
            return []
        js = [f for f in visit if f.name.endswith(".js")]
        wire, decoded = sum(f.wire for f in visit), sum(f.decoded for f in visit)
        encodings = ", ".join(sorted({f.encoding for f in visit}))
        rows = [
            f"| (1) | first visit of `/`: JavaScript + CSS over the wire ({len(js)} JS, {len(visit) - len(js)} CSS; "
            f"{encodings}; {decoded / KB:,.1f} kB decoded) | 1 | {wire / KB:,.1f} kB | — | ≤ {BUNDLE_TARGET_KB:,.0f} kB | "
            f"{verdict(wire <= BUNDLE_TARGET_KB * KB)} |"
        ]
        if self.figures.graph_only:
            loaded = [f.name for f in visit if f.cytoscape]
            holding = [f.name for f in self.figures.graph_only if f.cytoscape]
            what = (
                f"chunks the provenance view adds: {', '.join(f'`{f.name}`' for f in self.figures.graph_only)}"
                f"; cytoscape found in {', '.join(f'`{n}`' for n in holding) if holding else 'none of them'}"
            )
            result = f"loaded: {', '.join(loaded)}" if loaded else "not loaded"
            rows.append(
                f"| (1) | cytoscape on the search page ({what}) | 1 | {result} | — | not loaded | {verdict(not loaded and bool(holding))} |"
            )
        return rows

    def table(self) -> str:
        rows = [
            "| | measurement | n | p50 | p95 | target (p50) | met |",
            "| --- | --- | ---: | ---: | ---: | --- | --- |",
            *self.bundle_rows(),
        ]
        for samples in self.figures.samples:
            if not samples.ms:
                continue
            target = f"≤ {samples.target_ms:,.0f} ms" if samples.target_ms else "—"
            met = verdict(samples.p50 <= samples.target_ms) if samples.target_ms else "—"
            rows.append(
                f"| {samples.label} | {samples.what} | {len(samples.ms):,} | {samples.p50:,.1f} ms | "
                f"{samples.p95:,.1f} ms | {target} | {met} |"
            )
        return "\n".join(rows)

    def verdicts(self) -> list[str]:
        lines = []
        visit = self.figures.first_visit
        if visit:
            wire = sum(f.wire for f in visit) / KB
            ok = wire <= BUNDLE_TARGET_KB
            lines.append(
                f"- target (1) JavaScript + CSS of the first visit ≤ {BUNDLE_TARGET_KB:,.0f} kB over the wire: "
                f"{'met' if ok else '**not met**'} ({wire:,.1f} kB)"
            )
        if self.figures.graph_only:
            loaded = any(f.cytoscape for f in visit)
            found = any(f.cytoscape for f in self.figures.graph_only)
            lines.append(
                "- target (1) no cytoscape on the search page: "
                + ("met" if found and not loaded else "**not met**")
                + (" (cytoscape is in the first visit's code)" if loaded else "")
                + ("" if found else " (cytoscape not found in the provenance view's chunks either)")
            )
        for samples in self.figures.samples:
            if samples.target_ms and samples.ms:
                ok = samples.p50 <= samples.target_ms
                lines.append(
                    f"- target {samples.label} {samples.short}, p50 ≤ {samples.target_ms:,.0f} ms: "
                    f"{'met' if ok else '**not met**'} ({samples.p50:,.1f} ms)"
                )
        return lines

    def section(self) -> str:
        loaded, catalog = self.api_report.loaded, self.api_report.catalog
        lines = [
            *preamble(
                SECTION,
                self.command,
                f"PostgreSQL {self.api_report.postgres} (fsync off); `catalog serve` "
                f"(uvicorn) in its own process; Debian Chromium {self.figures.chromium} headless, software rendering "
                f"(`--disable-gpu`), viewport {VIEWPORT['width']}×{VIEWPORT['height']}, driven by playwright; "
                "browser, server and database share the cores, on loopback",
            ),
            f"- code: {self.api_report.code}; web catalog build: {self.build}",
        ]
        if loaded is not None and catalog is not None:
            lines.append(
                f"- data: benchmarks/api.py's catalog: {loaded.assets:,} assets "
                f"({sum(p.derived for p in catalog.plans):,} derived), {loaded.files:,} files, "
                f"{loaded.edges:,} provenance edges, a lineage DAG of {catalog.dag_size:,} assets "
                f"(root `{catalog.dag_root}`); loaded in {loaded.seconds:,.1f} s"
            )
        lines += [
            "- timing: in the page's clock, from the click event's timestamp (or the navigation's start) to the "
            "first frame painted after the page showed the result (a MutationObserver, then "
            "requestAnimationFrame and a task), nothing in the way `aria-busy`; one untimed warm-up per "
            "interaction; (2) and (3) on the results of `/` with no filter, each facet value ticked once per "
            "page load (no answer from the query cache)"
            + (f", values of {', '.join(self.figures.facets)}" if self.figures.facets else ""),
        ]
        parts = [
            f"{s.short}: the last GraphQL answer at "
            + (f"{quantile(s.api, 50):,.1f} ms" if s.api else "— (none)")
            + f", the DOM at {quantile(s.dom, 50):,.1f} ms, painted at {s.p50:,.1f} ms"
            for s in self.figures.samples
            if s.dom
        ]
        if parts:
            lines.append(
                "- where the time goes (p50 of each step, from the click or navigation; the GraphQL answer from "
                f"Resource Timing, the last one before the DOM showed the result): {'; '.join(parts)}"
            )
        if self.figures.graph:
            gestures = [s for s in self.figures.samples if s.short in self.figures.rates and s.ms]
            lines.append(
                f"- (4): `/assets/<root>/provenance?depth=50&direction=both` ({self.figures.graph}) reloaded in a "
                "tab that holds the app's files; frame intervals between requestAnimationFrame callbacks during "
                "each gesture and 300 ms after it, every load's gestures pooled; playwright sends each input "
                "event once the page took the last: "
                + "; ".join(
                    f"{g.short} at {statistics.median(self.figures.rates[g.short]):,.0f}/s, longest frame "
                    f"{max(g.ms):,.1f} ms"
                    for g in gestures
                )
            )
        lines += [
            *(f"- note: {note}" for note in self.figures.notes),
            "",
            self.table(),
            "",
            *self.verdicts(),
            "",
        ]
        return "\n".join(lines)


def describe_build() -> tuple[str, str]:
    """The build's entry files and date, and a fingerprint to tell whether it changed meanwhile."""
    index = UI / "index.html"
    if not index.is_file():
        raise SystemExit(
            f"{index.relative_to(REPO)} is missing: run `npm ci && npm run build` in frontend/ first"
        )
    html = index.read_text(encoding="utf-8")
    entries = sorted(set(re.findall(r'/static/([\w.-]+\.(?:js|css))"', html)))
    built = datetime.fromtimestamp(index.stat().st_mtime, UTC)
    newer = [
        path
        for path in (REPO / "frontend" / "src").rglob("*")
        if path.is_file() and "gql" not in path.parts and path.stat().st_mtime > index.stat().st_mtime
    ]
    text = f"{', '.join(f'`{e}`' for e in entries)} built {built:%Y-%m-%d %H:%M} UTC" + (
        f" (**{len(newer)} files of frontend/src changed since**)" if newer else ""
    )
    return text, html


def measure(base_url: str, catalog: generate.Catalog, runs: int, figures: Figures) -> None:
    loads = min(5, runs)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        try:
            figures.chromium = browser.version
            first_visits(browser, base_url, loads, figures)
            print("(1) first visit measured", file=sys.stderr)
            context, page = new_page(browser)
            try:
                facet_clicks(page, base_url, runs, figures)
                print("(2) facet clicks measured", file=sys.stderr)
                asset_opens(page, base_url, runs, figures)
                print("(3) asset opens measured", file=sys.stderr)
            finally:
                context.close()
            graph_view(browser, base_url, catalog, loads, figures)
            print("(4) provenance view measured", file=sys.stderr)
        finally:
            browser.close()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--assets", type=int, default=100_000, help="assets to load")
    parser.add_argument("--files", type=int, default=1_000_000, help="files to load, over all assets")
    parser.add_argument("--runs", type=int, default=30, help="timed facet ticks and asset opens")
    parser.add_argument("--no-results", action="store_true", help=f"do not rewrite {RESULTS.name}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    chromium_path()
    build, html = describe_build()
    command = shlex.join(
        [".venv/bin/python", "benchmarks/frontend.py", *(sys.argv[1:] if argv is None else argv)]
    )
    report = Report(command, api.Report(command), build=build)
    with PostgresServer() as server, tempfile.TemporaryDirectory(prefix="bench-frontend-") as workdir:
        report.api_report.postgres = server.bin_dir.parent.name
        setup = api.prepare(args, report.api_report, server, Path(workdir))
        served = api.serve_catalog(setup)
        try:
            measure(served.base_url, setup.catalog, args.runs, report.figures)
        finally:
            served.stop()
    section = report.section()
    print(section)
    if not (UI / "index.html").is_file() or (UI / "index.html").read_text(encoding="utf-8") != html:
        raise SystemExit(
            f"the web catalog was rebuilt while it was measured: {RESULTS.name} not written; run again"
        )
    if not args.no_results:
        write_section(SECTION, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
