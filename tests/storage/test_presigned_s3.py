"""Presigned S3 URLs against a server that checks them (s3rver; moto accepts any signature):
a genuine URL serves the object, a tampered or expired one is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx
import pytest
from factories import payload

from catalog.storage.s3 import S3Store
from catalog.storage.sigv4 import Credentials, SigV4Presigner

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

CREDENTIALS = Credentials("S3RVER", "S3RVER")
REGION = "us-east-1"
KEY = "ecephys/probe A/data+1.bin"
DATA = payload("presigned", 100_000)


@pytest.fixture
async def stored(s3rver: tuple[str, str]) -> AsyncIterator[S3Store]:
    """An S3 store on s3rver, under a prefix of its own, holding ``DATA`` at ``KEY``."""
    endpoint_url, bucket = s3rver
    store = S3Store(bucket, f"t-{uuid.uuid4().hex[:8]}", endpoint_url, None, REGION, credentials=CREDENTIALS)
    await store.put_bytes(KEY, DATA)
    yield store
    await store.close()


def presigner(s3rver: tuple[str, str], *, signed_ago: timedelta) -> SigV4Presigner:
    return SigV4Presigner(s3rver[0], REGION, CREDENTIALS, clock=lambda: datetime.now(UTC) - signed_ago)


async def test_a_presigned_url_downloads_the_object(stored: S3Store) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(stored.presign_get(KEY, 60))

    assert (response.status_code, response.content) == (200, DATA)


async def test_a_tampered_signature_is_refused(stored: S3Store) -> None:
    url = stored.presign_get(KEY, 60)
    tampered = url[:-1] + ("0" if not url.endswith("0") else "1")

    async with httpx.AsyncClient() as http:
        response = await http.get(tampered)

    assert response.status_code == 403
    assert "SignatureDoesNotMatch" in response.text


async def test_a_signature_does_not_open_another_object(stored: S3Store) -> None:
    await stored.put_bytes("other.bin", b"other")
    url = stored.presign_get(KEY, 60)
    elsewhere = url.replace(quote(KEY), "other.bin")

    async with httpx.AsyncClient() as http:
        response = await http.get(elsewhere)

    assert elsewhere != url
    assert response.status_code == 403


async def test_an_expired_url_is_refused(stored: S3Store, s3rver: tuple[str, str]) -> None:
    name = f"{stored.prefix}/{KEY}"
    fresh = presigner(s3rver, signed_ago=timedelta(seconds=30)).presign_get(stored.bucket, name, 60)
    expired = presigner(s3rver, signed_ago=timedelta(hours=2)).presign_get(stored.bucket, name, 60)

    async with httpx.AsyncClient() as http:
        still_valid, too_late = await http.get(fresh), await http.get(expired)

    assert (still_valid.status_code, still_valid.content) == (200, DATA)
    assert too_late.status_code == 403
    assert "Request has expired" in too_late.text
