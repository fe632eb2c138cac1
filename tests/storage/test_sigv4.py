"""Our SigV4 presigner makes botocore's URLs, byte for byte, many times faster."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import botocore.auth
import botocore.session
import pytest
from botocore.config import Config

from catalog.storage.base import content_disposition
from catalog.storage.sigv4 import Credentials, SigV4Presigner, aws_endpoint

FROZEN = datetime(2024, 3, 5, 23, 59, 58, tzinfo=UTC)
KEYS = [
    "ecephys_655568_2022-04-26_11-48-09/ecephys/data.bin",
    "with space/and  two.bin",
    "unicodé/μ-probe/数据.nwb",
    "plus+sign/a+b=c.bin",
    "tilde~/x~y.bin",
    "equals=/k=v&q?r#s%t.bin",
    "punct/!$'()*,;:@[].bin",
]
FILENAMES = [None, "data.bin", "μ probe + notes.nwb", 'quote"and\\slash.txt']
ENDPOINTS = [
    ("http://127.0.0.1:9000", "us-east-1"),
    ("https://minio.example.org:443/", "us-east-1"),
    ("https://Objects.Example.org/s3-gateway", "eu-central-1"),
    (None, "us-east-1"),
    (None, "eu-west-1"),
]
CREDENTIALS = [
    Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
    Credentials("ASIAEXAMPLE", "secret/with+chars=", token="FwoGZXIvYXdzE//session+token=="),
]


@pytest.fixture
def frozen_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop botocore's signing clock at ``FROZEN`` (it reads it as naive UTC)."""
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *_, **__: FROZEN.replace(tzinfo=None))


def botocore_client(endpoint_url: str | None, region: str, credentials: Credentials) -> Any:
    return botocore.session.get_session().create_client(
        "s3",
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id=credentials.access_key,
        aws_secret_access_key=credentials.secret_key,
        aws_session_token=credentials.token,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


@pytest.mark.usefixtures("frozen_botocore")
@pytest.mark.parametrize("credentials", CREDENTIALS, ids=["keys", "session-token"])
@pytest.mark.parametrize(("endpoint_url", "region"), ENDPOINTS)
def test_urls_are_byte_identical_to_botocore(
    endpoint_url: str | None, region: str, credentials: Credentials
) -> None:
    client = botocore_client(endpoint_url, region, credentials)
    presigner = SigV4Presigner(
        endpoint_url or aws_endpoint(region), region, credentials, clock=lambda: FROZEN
    )

    for key in KEYS:
        for filename in FILENAMES:
            params = {"Bucket": "lab-data", "Key": key}
            disposition = content_disposition(filename) if filename else None
            if disposition:
                params["ResponseContentDisposition"] = disposition
            expected = client.generate_presigned_url("get_object", Params=params, ExpiresIn=3600)

            assert presigner.presign_get("lab-data", key, 3600, content_disposition=disposition) == expected


UPLOAD_IDS = ["2~abc", "x/y+z==", "VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA"]


@pytest.mark.usefixtures("frozen_botocore")
@pytest.mark.parametrize("credentials", CREDENTIALS, ids=["keys", "session-token"])
@pytest.mark.parametrize(("endpoint_url", "region"), ENDPOINTS)
def test_put_and_part_urls_are_byte_identical_to_botocore(
    endpoint_url: str | None, region: str, credentials: Credentials
) -> None:
    client = botocore_client(endpoint_url, region, credentials)
    presigner = SigV4Presigner(
        endpoint_url or aws_endpoint(region), region, credentials, clock=lambda: FROZEN
    )

    for key in KEYS:
        put = client.generate_presigned_url(
            "put_object", Params={"Bucket": "lab-data", "Key": key}, ExpiresIn=900
        )
        assert presigner.presign_put("lab-data", key, 900) == put
        for upload_id in UPLOAD_IDS:
            for part in (1, 42, 10_000):
                params = {"Bucket": "lab-data", "Key": key, "PartNumber": part, "UploadId": upload_id}
                expected = client.generate_presigned_url("upload_part", Params=params, ExpiresIn=900)
                assert presigner.presign_part("lab-data", key, upload_id, part, 900) == expected


def test_the_signing_key_follows_the_date() -> None:
    """A URL signed just after midnight uses the new day's key (the cache is per date)."""
    now = [FROZEN]
    presigner = SigV4Presigner("http://127.0.0.1:9000", "us-east-1", CREDENTIALS[0], clock=lambda: now[0])
    before = presigner.presign_get("lab-data", KEYS[0], 60)
    now[0] = FROZEN.replace(day=6, hour=0, minute=0, second=1)
    after = presigner.presign_get("lab-data", KEYS[0], 60)

    assert "X-Amz-Credential=AKIDEXAMPLE%2F20240305%2F" in before
    assert "X-Amz-Credential=AKIDEXAMPLE%2F20240306%2F" in after


def test_presigning_is_fast() -> None:
    presigner = SigV4Presigner("https://data.example.org", "us-east-1", CREDENTIALS[1])
    count = 20_000

    started = time.perf_counter()
    for number in range(count):
        presigner.presign_get("lab-data", f"asset_{number}/ecephys/data.bin", 3600)
    elapsed = time.perf_counter() - started

    print(f"\n{count / elapsed:,.0f} presigned URLs/s")
    assert elapsed < 1.0


def test_urls_signed_in_turn_at_other_instants_and_lifetimes_each_carry_their_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What URLs of one second and lifetime share is derived once: a new second or another
    lifetime derives it again, so every URL still equals botocore's."""
    now = [FROZEN]
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *_, **__: now[0].replace(tzinfo=None))
    client = botocore_client(None, "eu-west-1", CREDENTIALS[1])
    presigner = SigV4Presigner(aws_endpoint("eu-west-1"), "eu-west-1", CREDENTIALS[1], clock=lambda: now[0])
    later = FROZEN.replace(second=59)

    for instant, lifetime in [(FROZEN, 60), (FROZEN, 3600), (later, 3600), (later, 60), (FROZEN, 60)]:
        now[0] = instant
        for key in KEYS[:2]:
            expected = client.generate_presigned_url(
                "get_object", Params={"Bucket": "lab-data", "Key": key}, ExpiresIn=lifetime
            )
            assert presigner.presign_get("lab-data", key, lifetime) == expected, (instant, lifetime)
