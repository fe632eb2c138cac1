"""Reading AIND metadata leniently, whatever its schema version (0.x, 1.x or 2.x): every document is
read by its own ``schema_version`` where the shapes differ, straight from the parsed JSON, without the
pydantic validation no single release of ``aind-data-schema`` would pass. A value that cannot be read
becomes ``None`` plus a warning ``"<document>.<field>: <problem>"``; :func:`extract` never raises on a
JSON object, so one odd record cannot stop an import. This module is the package's surface and runs
the field families (one module each) under that guarantee."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# What extract runs is imported underscored: the package's surface is ``__all__``.
from catalog.conventions.metadata.acquisition import read_acquisition as _read_acquisition
from catalog.conventions.metadata.completeness import Completeness, assess_completeness
from catalog.conventions.metadata.description import read_description as _read_description
from catalog.conventions.metadata.documents import (
    CORE_DOCUMENTS,
    documents_from_record,
    parse_document,
    read_document_file,
)
from catalog.conventions.metadata.extracted import Extracted, InputRef
from catalog.conventions.metadata.processing import read_processing as _read_processing
from catalog.conventions.metadata.quality_control import read_quality_control as _read_quality_control
from catalog.conventions.metadata.reader import Reader as _Reader
from catalog.conventions.metadata.subject import read_subject as _read_subject
from catalog.conventions.metadata.versions import read_schema_versions as _read_schema_versions

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from catalog.conventions.modalities import Vocabulary

__all__ = [
    "CORE_DOCUMENTS",
    "Completeness",
    "Extracted",
    "InputRef",
    "assess_completeness",
    "documents_from_record",
    "extract",
    "parse_document",
    "read_document_file",
]


def extract(documents: Mapping[str, dict[str, Any]], vocabulary: Vocabulary) -> Extracted:
    """Read every indexed field from an asset's core documents, warning instead of failing."""
    reader = _Reader(documents)
    out = Extracted(warnings=reader.warnings)
    steps: list[tuple[str, Callable[[], None]]] = [
        ("schema_version", lambda: _read_schema_versions(reader, out)),
        ("data_description", lambda: _read_description(reader, out, vocabulary)),
        ("subject", lambda: _read_subject(reader, out)),
        ("acquisition", lambda: _read_acquisition(reader, out)),
        ("quality_control", lambda: _read_quality_control(reader, out)),
        ("processing", lambda: _read_processing(reader, out)),
    ]
    for where, step in steps:
        try:
            step()
        except Exception as error:  # a shape no rule foresaw must not stop an import of 10,000 assets
            reader.warn(where, f"could not be read ({type(error).__name__}: {error})")
    return out
