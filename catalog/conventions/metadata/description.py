"""The administrative fields of ``data_description``: name, project, people, funding, modalities. The data
description changed most between generations (``modality`` became ``modalities``, funders became objects,
levels lost their ``data`` suffix); this module reads each shape into one form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from catalog.conventions.metadata.values import kind, unique
from catalog.conventions.metadata.versions import major

if TYPE_CHECKING:
    from catalog.conventions.metadata.extracted import Extracted
    from catalog.conventions.metadata.reader import Reader
    from catalog.conventions.modalities import ModalityTerm, Vocabulary


def read_description(reader: Reader, out: Extracted, vocabulary: Vocabulary) -> None:
    """Administrative fields of ``data_description``."""
    out.name = reader.text("data_description", "name")
    out.project = reader.text("data_description", "project_name")
    out.institution = reader.label("data_description", "institution")
    out.data_level = _data_level(reader)
    out.modalities = _modalities(reader, vocabulary)
    out.investigators = unique(reader.names("data_description", "investigators"))
    out.funding = unique(_funders(reader))


def _data_level(reader: Reader) -> str | None:
    """``raw`` / ``derived``: old records say ``raw data``."""
    level = reader.text("data_description", "data_level")
    if level is None:
        return None
    level = level.casefold()
    return level.removesuffix(" data").strip() or None


def _modalities(reader: Reader, vocabulary: Vocabulary) -> list[ModalityTerm]:
    """``modality`` (0.x/1.x: a string, an object or a list) or ``modalities`` (2.x)."""
    description = reader.document("data_description")
    keys = ("modalities", "modality") if major(description) >= 2 else ("modality", "modalities")
    key = next((k for k in keys if description.get(k) is not None), keys[0])
    raw = description.get(key)
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    terms: dict[str, ModalityTerm] = {}
    for index, item in enumerate(items):
        term = vocabulary.resolve(item)
        if term is None:
            where = f"data_description.{key}" + (f"[{index}]" if isinstance(raw, list) else "")
            reader.warn(where, f"not a modality: {kind(item)}")
        else:
            terms.setdefault(term.abbreviation, term)
    return list(terms.values())


def _funders(reader: Reader) -> list[str]:
    """Funder abbreviation (else name) of each ``funding_source`` entry."""
    raw = reader.document("data_description").get("funding_source")
    if raw is None:
        return []
    entries = raw if isinstance(raw, list) else [raw]
    funders = []
    for index, entry in enumerate(entries):
        where = f"data_description.funding_source[{index}]"
        funder = entry.get("funder") if isinstance(entry, Mapping) else entry
        if isinstance(entry, Mapping):
            where += ".funder"
        label = reader.label_of(where, funder)
        if label is not None:
            funders.append(label)
    return funders
