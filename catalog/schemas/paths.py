"""A metadata field, named by its document and a dot path that crosses arrays."""

from __future__ import annotations

import strawberry


@strawberry.input(description="A field of a metadata document, by a dot path that crosses arrays.")
class MetadataPath:
    document: str
    path: str
