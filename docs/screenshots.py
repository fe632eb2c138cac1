"""Regenerate the README's screenshots of the web catalog (docs/screenshots/*.png).

Builds the demo catalog in a scratch folder, serves it with ``catalog demo``, and photographs
each page in Debian's headless Chromium. Run from the project's root after ``bash .ci/setup``:

    .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_demo(folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        CATALOG_DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'catalog.db'}",
        CATALOG_STORAGE_URL=(folder / "store").as_uri(),
    )
    command = [sys.executable, "-m", "catalog.cli", "demo", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("catalog demo did not start")


def first_name(base: str, contains: str) -> str:
    query = "query($t: String) { assets(first: 1, filter: {nameContains: $t}) { edges { node { name } } } }"
    body = httpx.post(f"{base}/graphql", json={"query": query, "variables": {"t": contains}}).json()
    return str(body["data"]["assets"]["edges"][0]["node"]["name"])


def shoot(page: Page, name: str) -> None:
    page.wait_for_timeout(400)  # let charts and the graph settle
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
    print(f"docs/screenshots/{name}.png")


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="catalog-shots-") as scratch:
        port = free_port()
        server = serve_demo(Path(scratch), port)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 900}, base_url=base)
                page.goto("/?modality=ecephys&modality=behavior")
                page.get_by_role("table", name="Search results").locator("tbody tr").first.wait_for()
                shoot(page, "search")

                asset = first_name(base, "_sorted_")
                page.goto(f"/assets/{quote(asset)}")
                page.get_by_role("table", name="Files").locator("tbody tr").first.wait_for()
                shoot(page, "asset")

                curated = first_name(base, "_curated_")
                page.goto(f"/assets/{quote(curated)}/provenance?direction=both&depth=10")
                page.locator("[data-ready='true']").wait_for()
                shoot(page, "provenance")

                page.goto("/assets/ecephys_000000_1999-01-01_00-00-00")
                page.get_by_role("heading", level=1, name="Asset not found").wait_for()
                shoot(page, "not-found")

                phone = browser.new_page(viewport={"width": 390, "height": 844}, base_url=base)
                phone.goto("/?modality=ecephys")
                phone.get_by_role("table", name="Search results").locator("tbody tr").first.wait_for()
                shoot(phone, "search-phone")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
