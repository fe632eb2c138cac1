"""Presigned PUT and UploadPart URLs against a server that checks them (s3rver; moto accepts any
signature): a genuine URL stores the bytes sent, a tampered or expired one is refused. Parts
are verified on moto (the sizes and the join), which speaks multipart as S3 does."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
import pytest
from factories import payload, sha256

from catalog.storage.s3 import S3Store
from catalog.storage.sigv4 import Credentials, SigV4Presigner

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

CREDENTIALS = Credentials("S3RVER", "S3RVER")
REGION = "us-east-1"
KEY = "ecephys/probe A/data+1.bin"
DATA = payload("put", 70_000)
MIN_PART = 5 * 1024 * 1024


@pytest.fixture
async def bucket(s3rver: tuple[str, str]) -> AsyncIterator[S3Store]:
    endpoint_url, name = s3rver
    store = S3Store(name, f"t-{uuid.uuid4().hex[:8]}", endpoint_url, None, REGION, credentials=CREDENTIALS)
    yield store
    await store.close()


async def test_a_presigned_put_stores_the_bytes(bucket: S3Store) -> None:
    url = bucket.presign_put(KEY, 60, size=len(DATA), sha256=sha256(DATA))

    async with httpx.AsyncClient() as http:
        response = await http.put(url, content=DATA)

    assert response.status_code == 200
    assert b"".join([chunk async for chunk in bucket.read(KEY)]) == DATA


async def test_a_tampered_put_url_is_refused(bucket: S3Store) -> None:
    url = bucket.presign_put(KEY, 60, size=len(DATA), sha256=sha256(DATA))
    tampered = url[:-1] + ("0" if not url.endswith("0") else "1")
    elsewhere = url.replace(quote(KEY), "other.bin")

    async with httpx.AsyncClient() as http:
        refused = [await http.put(tampered, content=DATA), await http.put(elsewhere, content=DATA)]

    assert [response.status_code for response in refused] == [403, 403]
    assert "SignatureDoesNotMatch" in refused[0].text
    assert await bucket.stat(KEY) is None
    assert await bucket.stat("other.bin") is None


async def test_an_expired_put_url_is_refused(bucket: S3Store, s3rver: tuple[str, str]) -> None:
    name = f"{bucket.prefix}/{KEY}"
    then = datetime.now(UTC) - timedelta(hours=2)
    expired = SigV4Presigner(s3rver[0], REGION, CREDENTIALS, clock=lambda: then).presign_put(
        bucket.bucket, name, 60
    )

    async with httpx.AsyncClient() as http:
        response = await http.put(expired, content=DATA)

    assert response.status_code == 403
    assert "Request has expired" in response.text
    assert await bucket.stat(KEY) is None


async def test_parts_sent_to_presigned_urls_are_joined_in_order(s3_store: S3Store) -> None:
    data = payload("parts", 2 * MIN_PART + 10)
    parts_id = await s3_store.start_parts(KEY)
    pieces = [data[:MIN_PART], data[MIN_PART : 2 * MIN_PART], data[2 * MIN_PART :]]

    async with httpx.AsyncClient(timeout=60) as http:
        for number in (3, 1):  # in any order, as a client retries
            url = s3_store.presign_part(KEY, parts_id, number, 60, size=len(pieces[number - 1]))
            (await http.put(url, content=pieces[number - 1])).raise_for_status()
        assert await s3_store.stored_parts(KEY, parts_id) == {1: MIN_PART, 3: 10}
        url = s3_store.presign_part(KEY, parts_id, 2, 60, size=MIN_PART)
        (await http.put(url, content=pieces[1])).raise_for_status()

    info = await s3_store.finish_parts(KEY, parts_id)

    assert info.size == len(data)
    assert await s3_store.sha256(KEY) == sha256(data)
    assert await s3_store.stored_parts(KEY, parts_id) == {}


async def test_aborted_parts_leave_nothing(s3_store: S3Store) -> None:
    parts_id = await s3_store.start_parts(KEY)
    async with httpx.AsyncClient(timeout=60) as http:
        url = s3_store.presign_part(KEY, parts_id, 1, 60, size=MIN_PART)
        (await http.put(url, content=payload("p", MIN_PART))).raise_for_status()

    await s3_store.abort_parts(KEY, parts_id)
    await s3_store.abort_parts(KEY, parts_id)  # twice: nothing left to drop

    assert await s3_store.stored_parts(KEY, parts_id) == {}
    assert await s3_store.stat(KEY) is None
    assert await s3_store.discard_partial("") == 0
