"""A metadata field, named by its document and a dot path that crosses arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from catalog.schemas.filters import ElementPredicate

UNIFIED = (
    "Read the field in every schema generation: document and path in any generation's spelling "
    '(e.g. session/session_start_time reaches acquisition/acquisition_start_time too), or "fact" and '
    "a named fact (genotype, start_time, ...)."
)
"""What ``unified`` means, said once for every input that takes it."""


@strawberry.input(description="A field of a metadata document, by a dot path that crosses arrays.")
class MetadataPath:
    document: str
    path: str
    unified: bool = strawberry.field(default=False, description=UNIFIED)
    # Element selection (catalog/repo/selections.py): keep it beside the fields above.
    where: list[Annotated["ElementPredicate", strawberry.lazy("catalog.schemas.filters")]] | None = (
        strawberry.field(
            default=None,
            description="Only the elements the path reaches that satisfy all of these (paths read from the element).",
        )
    )
    element_path: str | None = strawberry.field(
        default=None, description="Read this path from each element kept (with where), e.g. name."
    )
    length: bool = strawberry.field(
        default=False, description="The length of each array the path reaches, instead of its elements."
    )
    absent_from: MetadataPath | None = strawberry.field(
        default=None,
        description="Only the values no asset has at this other document and path (e.g. instrument ids no instrument document names).",
    )
