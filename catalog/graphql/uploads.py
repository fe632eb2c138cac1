"""The types of uploads through presigned URLs (``openUpload`` and the mutations after it)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from catalog.errors import Invalid
from catalog.services.uploads import Declared, Plan


@strawberry.input(description="A file an upload will send: its path in the asset, size and sha256.")
class UploadFileInput:
    path: str
    size: float = strawberry.field(description="Bytes (a Float, as File.size: files may exceed 2^31 bytes).")
    sha256: str = strawberry.field(description="64 lowercase hex digits.")

    def declared(self) -> Declared:
        if not self.size.is_integer():
            raise Invalid(f"{self.path}: a size is a whole number of bytes")
        return Declared(self.path, int(self.size), self.sha256)


@strawberry.type(description="A declared file and where to send it.")
class UploadFile:
    path: str
    size: float
    sha256: str
    stored: bool = strawberry.field(description="Already in the store intact: a resumed upload skips it.")
    url: str | None = strawberry.field(
        description="Presigned URL to PUT the whole file to (no headers needed); null for a file sent in parts."
    )
    part_size: int | None = strawberry.field(
        description="Bytes of every part but the last, for a file sent in parts."
    )
    part_count: int = strawberry.field(description="Parts to send (uploadPartUrls); 0 for a file sent whole.")
    parts_stored: list[int] = strawberry.field(
        description="Parts already received (a resumed upload skips them)."
    )


@strawberry.type(description="An open upload: its files' URLs, valid until it expires.")
class UploadPlan:
    id: str
    name: str
    draft: bool
    expires_at: datetime
    files: list[UploadFile]

    @classmethod
    def of(cls, plan: Plan) -> UploadPlan:
        return cls(
            id=plan.id,
            name=plan.name,
            draft=plan.draft,
            expires_at=plan.expires_at,
            files=[
                UploadFile(
                    path=f.path,
                    size=float(f.size),
                    sha256=f.sha256,
                    stored=f.stored,
                    url=f.url,
                    part_size=f.part_size,
                    part_count=f.part_count,
                    parts_stored=f.parts_stored,
                )
                for f in plan.files
            ],
        )


@strawberry.type(description="A presigned URL to PUT one part of a file to.")
class PartUrl:
    part: int
    url: str
