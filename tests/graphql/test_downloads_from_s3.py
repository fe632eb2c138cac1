"""A catalog whose store is an S3 bucket hands out SigV4 URLs that fetch the ingested bytes."""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING

import httpx
import pytest
from conftest import RECORDS, ingest_records
from servers import MotoS3Server, UvicornServer, free_port

from catalog.app import create_app
from catalog.config import Settings

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

QUERY = """query($n: String!) { asset(name: $n) { files(first: 50) { edges { node {
  path sha256 url(expiresIn: 300) { url expiresAt } } } } } }"""


@pytest.fixture
async def s3_catalog(
    migrated_database_url: str, s3_bucket: tuple[str, str], tmp_path: Path, fixtures_dir: Path
) -> AsyncIterator[tuple[str, dict[str, Path]]]:
    endpoint, bucket = s3_bucket
    port = free_port()
    settings = Settings(
        database_url=migrated_database_url,
        storage_url=f"s3://{bucket}/catalog-{uuid.uuid4().hex[:8]}",
        s3_endpoint_url=endpoint,
        public_url=f"http://127.0.0.1:{port}",
    )
    sources = await ingest_records(settings, tmp_path / "src", fixtures_dir, RECORDS[:2])
    with UvicornServer(create_app(settings), port=port) as server:
        yield server.base_url, sources


def test_every_file_url_fetches_the_ingested_bytes(
    s3_catalog: tuple[str, dict[str, Path]], s3_server: MotoS3Server
) -> None:
    url, sources = s3_catalog
    with httpx.Client(timeout=30) as client:
        for name, folder in sources.items():
            body = client.post(f"{url}/graphql", json={"query": QUERY, "variables": {"n": name}}).json()
            edges = body["data"]["asset"]["files"]["edges"]
            assert {e["node"]["path"] for e in edges} == {
                p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
            }
            for edge in edges:
                link = edge["node"]["url"]["url"]
                assert link.startswith(s3_server.endpoint_url)
                assert "X-Amz-Signature=" in link
                fetched = client.get(link)
                assert fetched.status_code == 200
                assert hashlib.sha256(fetched.content).hexdigest() == edge["node"]["sha256"]
                assert fetched.content == (folder / edge["node"]["path"]).read_bytes()
