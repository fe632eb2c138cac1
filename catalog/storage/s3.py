"""An S3 bucket (AWS or any S3-compatible server) as an object store.

One aioboto3 client, opened on first use and kept for the store's life; download URLs
are signed locally by ``sigv4`` against the endpoint clients reach."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
from contextlib import AsyncExitStack, contextmanager
from typing import TYPE_CHECKING, Any, BinaryIO

import aioboto3
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError

from catalog.errors import Invalid, NotFound
from catalog.storage.base import (
    READ_CHUNK,
    ObjectInfo,
    StoredObject,
    check_expiry,
    check_range,
    content_disposition,
    sha256_hex,
    validate_key,
    validate_prefix,
)
from catalog.storage.sigv4 import Credentials, SigV4Presigner, aws_endpoint

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator, Sequence
    from pathlib import Path

MAX_PARTS = 10_000

_CONFIG = AioConfig(
    signature_version="s3v4",
    s3={"addressing_style": "path"},
    # We send our own SHA-256; botocore's default CRC32 on parts breaks multipart
    # uploads created without a checksum algorithm on some servers.
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
    retries={"mode": "standard"},
    max_pool_connections=64,
)

_Part = tuple[int, int, str]
"""(number, size, ETag) of a received part of a multipart upload."""

S3Client = Any
"""aiobotocore clients are generated at run time and carry no static types."""


class S3Store:
    parallel_writes: int | None = None  # round trips: as many at once as the caller allows

    def __init__(
        self,
        bucket: str,
        prefix: str,
        endpoint_url: str | None,
        public_endpoint_url: str | None,
        region: str,
        *,
        multipart_threshold: int = 16 * 1024 * 1024,
        multipart_chunk_size: int = 16 * 1024 * 1024,
        credentials: Credentials | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.url = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self._root = f"{self.prefix}/" if self.prefix else ""
        self._endpoint_url = endpoint_url
        self._threshold = multipart_threshold
        self._chunk_size = multipart_chunk_size
        credentials = credentials or credentials_from_env()
        self._session = aioboto3.Session(
            aws_access_key_id=credentials.access_key,
            aws_secret_access_key=credentials.secret_key,
            aws_session_token=credentials.token,
            region_name=region,
        )
        public_endpoint = public_endpoint_url or endpoint_url or aws_endpoint(region)
        self._presigner = SigV4Presigner(public_endpoint, region, credentials)
        self._client: S3Client | None = None
        self._client_lock = asyncio.Lock()
        self._exit_stack = AsyncExitStack()

    async def put_file(self, key: str, source: Path) -> StoredObject:
        size = (await asyncio.to_thread(source.stat)).st_size
        if size <= self._threshold:
            return await self.put_bytes(key, await asyncio.to_thread(source.read_bytes))
        return await self._put_multipart(key, source, part_size=max(self._chunk_size, -(-size // MAX_PARTS)))

    async def put_files(self, items: Sequence[tuple[str, Path]]) -> list[StoredObject]:
        """One request at a time: the caller's workers give the concurrency."""
        return [await self.put_file(key, source) for key, source in items]

    async def put_bytes(self, key: str, data: bytes) -> StoredObject:
        name = self._name(key)
        digest = await sha256_hex(data)
        client = await self._s3()
        await client.put_object(
            Bucket=self.bucket,
            Key=name,
            Body=data,
            ChecksumAlgorithm="SHA256",
            ChecksumSHA256=base64.b64encode(bytes.fromhex(digest)).decode(),
            Metadata={"sha256": digest},
        )
        return StoredObject(key, len(data), digest)

    async def stat(self, key: str) -> ObjectInfo | None:
        name = self._name(key)
        client = await self._s3()
        try:
            head = await client.head_object(Bucket=self.bucket, Key=name, ChecksumMode="ENABLED")
        except ClientError as error:
            if _status(error) == 404:
                return None
            raise
        return ObjectInfo(key, head["ContentLength"], _known_sha256(head))

    async def list(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        full_prefix = self._root + validate_prefix(prefix)
        client = await self._s3()
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=full_prefix)
        async for page in pages:
            for item in page.get("Contents", ()):
                yield ObjectInfo(item["Key"][len(self._root) :], item["Size"], None)

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        check_range(start, end)
        name = self._name(key)
        # Asking for "bytes=0-" would fail on an empty object, so ask for a range only when one is meant.
        ranged = {"Range": f"bytes={start}-{'' if end is None else end}"} if start or end is not None else {}
        client = await self._s3()
        try:
            with _missing_is_not_found(key):
                response = await client.get_object(Bucket=self.bucket, Key=name, **ranged)
        except ClientError as error:
            if _code(error) == "InvalidRange":  # the range starts past the end: nothing to read
                return
            raise
        body = response["Body"]
        async with body:
            async for chunk in body.iter_chunks(READ_CHUNK):
                yield chunk

    async def sha256(self, key: str) -> str:
        digest = hashlib.sha256()
        async for chunk in self.read(key):
            digest.update(chunk)
        return digest.hexdigest()

    def presign_get(self, key: str, expires_in: int, filename: str | None = None) -> str:
        check_expiry(expires_in)
        disposition = content_disposition(filename) if filename else None
        return self._presigner.presign_get(
            self.bucket, self._name(key), expires_in, content_disposition=disposition
        )

    def presign_put(self, key: str, expires_in: int, *, size: int, sha256: str) -> str:
        """S3 takes whatever arrives (a presigned URL cannot bind a body): completion checks it."""
        check_expiry(expires_in)
        return self._presigner.presign_put(self.bucket, self._name(key), expires_in)

    async def start_parts(self, key: str) -> str:
        client = await self._s3()
        upload = await client.create_multipart_upload(Bucket=self.bucket, Key=self._name(key))
        return str(upload["UploadId"])

    def presign_part(self, key: str, parts_id: str, part: int, expires_in: int, *, size: int) -> str:
        check_expiry(expires_in)
        if not 1 <= part <= MAX_PARTS:
            raise Invalid(f"part numbers run from 1 to {MAX_PARTS}, not {part}")
        return self._presigner.presign_part(self.bucket, self._name(key), parts_id, part, expires_in)

    async def stored_parts(self, key: str, parts_id: str) -> dict[int, int]:
        return {number: size for number, size, _ in await self._parts(key, parts_id)}

    async def finish_parts(self, key: str, parts_id: str) -> ObjectInfo:
        """Completed from the store's own list of parts: the client never sends ETags."""
        parts = await self._parts(key, parts_id)
        client = await self._s3()
        await client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self._name(key),
            UploadId=parts_id,
            MultipartUpload={"Parts": [{"PartNumber": number, "ETag": etag} for number, _, etag in parts]},
        )
        return ObjectInfo(key, sum(size for _, size, _ in parts), None)

    async def abort_parts(self, key: str, parts_id: str) -> None:
        client = await self._s3()
        try:
            await client.abort_multipart_upload(Bucket=self.bucket, Key=self._name(key), UploadId=parts_id)
        except ClientError as error:
            if _code(error) not in ("NoSuchUpload", "404") and _status(error) != 404:
                raise

    async def _parts(self, key: str, parts_id: str) -> tuple[_Part, ...]:
        """(number, size, ETag) of each part received, in order; none for an unknown upload."""
        client = await self._s3()
        pages = client.get_paginator("list_parts").paginate(
            Bucket=self.bucket, Key=self._name(key), UploadId=parts_id
        )
        try:
            return tuple(
                [
                    (part["PartNumber"], part["Size"], part["ETag"])
                    async for page in pages
                    for part in page.get("Parts", ())
                ]
            )
        except ClientError as error:
            if _code(error) == "NoSuchUpload" or _status(error) == 404:
                return ()
            raise

    async def delete(self, key: str) -> None:
        name = self._name(key)
        client = await self._s3()
        await client.delete_object(Bucket=self.bucket, Key=name)

    async def discard_partial(self, prefix: str) -> int:
        """Abort the multipart uploads under ``prefix`` that never completed."""
        full_prefix = self._root + validate_prefix(prefix)
        client = await self._s3()
        pages = client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=full_prefix
        )
        uploads = [
            (upload["Key"], upload["UploadId"]) async for page in pages for upload in page.get("Uploads", ())
        ]
        for name, upload_id in uploads:
            await client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)
        return len(uploads)

    async def close(self) -> None:
        await self._exit_stack.aclose()
        self._client = None

    def _name(self, key: str) -> str:
        return self._root + validate_key(key)

    async def _s3(self) -> S3Client:
        """The store's one client, opened on first use (opening needs a running loop)."""
        async with self._client_lock:
            if self._client is None:
                self._client = await self._exit_stack.enter_async_context(
                    self._session.client("s3", endpoint_url=self._endpoint_url, config=_CONFIG)
                )
        return self._client

    async def _put_multipart(self, key: str, source: Path, *, part_size: int) -> StoredObject:
        """Read, hash and upload part by part, in one pass over the file.

        The hash is known only at the end, when S3 no longer takes metadata: the catalog keeps
        it (copying the object onto itself to label it would write every byte twice). Parts
        grow beyond the configured size only when a file would need over 10,000."""
        name = self._name(key)
        client = await self._s3()
        digest, size = hashlib.sha256(), 0
        handle = await asyncio.to_thread(source.open, "rb")
        with handle:
            async with _MultipartUpload(client, self.bucket, name) as upload:
                while chunk := await asyncio.to_thread(_read_hashed, handle, digest, part_size):
                    size += len(chunk)
                    await upload.upload_part(chunk)
        return StoredObject(key, size, digest.hexdigest())


class _MultipartUpload:
    """One multipart upload as ``async with``: completed when the block succeeds, else aborted."""

    def __init__(self, client: S3Client, bucket: str, key: str) -> None:
        self._client = client
        self._target = {"Bucket": bucket, "Key": key}
        self._upload_id = ""
        self._etags: dict[int, str] = {}

    async def __aenter__(self) -> _MultipartUpload:
        upload = await self._client.create_multipart_upload(**self._target)
        self._upload_id = upload["UploadId"]
        return self

    async def __aexit__(self, error_type: type[BaseException] | None, *_: object) -> None:
        if error_type is not None:
            await self._abort()
            return
        try:
            await self._client.complete_multipart_upload(
                **self._target, UploadId=self._upload_id, MultipartUpload={"Parts": self._parts()}
            )
        except BaseException:
            await self._abort()
            raise

    async def upload_part(self, body: bytes) -> None:
        number = len(self._etags) + 1
        response = await self._client.upload_part(
            **self._target, UploadId=self._upload_id, PartNumber=number, Body=body
        )
        self._etags[number] = response["ETag"]

    def _parts(self) -> list[dict[str, Any]]:
        return [{"PartNumber": number, "ETag": etag} for number, etag in sorted(self._etags.items())]

    async def _abort(self) -> None:
        await self._client.abort_multipart_upload(**self._target, UploadId=self._upload_id)


def credentials_from_env() -> Credentials:
    """The standard AWS variables: presigning offline needs the keys themselves, not a provider chain."""
    try:
        access_key, secret_key = os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
    except KeyError as missing:
        raise Invalid(f"S3 storage needs {missing.args[0]} in the environment") from None
    return Credentials(access_key, secret_key, os.environ.get("AWS_SESSION_TOKEN") or None)


def _read_hashed(handle: BinaryIO, digest: hashlib._Hash, size: int) -> bytes:
    chunk = handle.read(size)
    digest.update(chunk)
    return chunk


def _known_sha256(head: dict[str, Any]) -> str | None:
    """The hash we wrote as metadata, else S3's own full-object SHA-256 (a composite one won't do)."""
    if written := head.get("Metadata", {}).get("sha256"):
        return str(written)
    checksum = head.get("ChecksumSHA256")
    if not checksum or "-" in checksum or head.get("ChecksumType", "FULL_OBJECT") != "FULL_OBJECT":
        return None
    return base64.b64decode(checksum).hex()


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextmanager
def _missing_is_not_found(key: str) -> Iterator[None]:
    try:
        yield
    except ClientError as error:
        if _code(error) in ("NoSuchKey", "404"):
            raise NotFound(f"no object {key!r}") from error
        raise
