"""A database outage over HTTP: while PostgreSQL is down, requests are answered at once with
UNAVAILABLE (plain routes: 503 and Retry-After), /healthz stays up and /readyz says not ready;
once it is back, the same server answers correctly again by itself."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from conftest import RECORDS, ingest_records, local_settings, served
from servers import PostgresServer, free_port

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import Catalog

COUNT = "{ assets(first: 1) { totalCount } }"


def count_or_code(catalog: Catalog) -> int | str:
    started = time.monotonic()
    body = catalog.gql(COUNT)
    assert time.monotonic() - started < 10, "a request waited on the outage"
    if "errors" in body:
        return str(body["errors"][0]["extensions"]["code"])
    return int(body["data"]["assets"]["totalCount"])


def test_the_server_rides_out_a_postgresql_restart(tmp_path: Path, fixtures_dir: Path) -> None:
    with PostgresServer() as cluster:
        port = free_port()
        settings = local_settings(cluster.create_database("outage"), tmp_path, port)
        asyncio.run(ingest_records(settings, tmp_path / "src", fixtures_dir, RECORDS))
        with served(settings, port) as catalog:
            before = [count_or_code(catalog) for _ in range(5)]

            cluster.halt()
            during = {count_or_code(catalog) for _ in range(5)}
            manifest = catalog.client.get(f"{catalog.url}/manifest")
            ready = catalog.client.get(f"{catalog.url}/readyz")
            alive = catalog.client.get(f"{catalog.url}/healthz")

            cluster.resume()
            after = [count_or_code(catalog) for _ in range(3)]

    assert before == [len(RECORDS)] * 5
    assert during == {"UNAVAILABLE"}
    for response in (manifest, ready):
        assert (response.status_code, response.json()["error"]["code"]) == (503, "UNAVAILABLE")
        assert int(response.headers["retry-after"]) > 0
    assert alive.status_code == 200
    assert after[-1] == len(RECORDS)
