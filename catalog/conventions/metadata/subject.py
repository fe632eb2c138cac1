"""Who was recorded: the subject's id, species, sex, birth date and genotype. 2.x moved the animal's
details under ``subject_details`` and the id may also come from the data description, so this module
decides where each field lives and reconciles the two ids."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from catalog.conventions.metadata.values import kind, quote
from catalog.conventions.metadata.versions import schema_version

if TYPE_CHECKING:
    from catalog.conventions.metadata.extracted import Extracted
    from catalog.conventions.metadata.reader import Reader

_SEXES = {"male": "Male", "female": "Female", "m": "Male", "f": "Female"}


def read_subject(reader: Reader, out: Extracted) -> None:
    """Who was recorded; 2.x nests the animal's details under ``subject_details``."""
    out.subject_id = _subject_id(reader)
    where, body = _subject_body(reader)
    out.species = reader.label_of(f"{where}.species", body.get("species"), prefer="name")
    out.sex = _sex(reader, f"{where}.sex", body.get("sex"))
    out.date_of_birth = _birth_date(reader, f"{where}.date_of_birth", body.get("date_of_birth"))
    out.genotype = reader.text_of(f"{where}.genotype", body.get("genotype"))


def _subject_id(reader: Reader) -> str | None:
    """``subject.subject_id``, else the data description's; ids are text even when numeric."""
    from_subject = reader.text("subject", "subject_id")
    from_description = reader.text("data_description", "subject_id")
    if from_subject and from_description and from_subject != from_description:
        reader.warn("data_description.subject_id", f"{from_description!r} differs from subject.subject_id")
    return from_subject or from_description


def _subject_body(reader: Reader) -> tuple[str, Mapping[str, Any]]:
    """Where species, sex and birth date live: the subject itself, or 2.x ``subject_details``."""
    subject = reader.document("subject")
    details = subject.get("subject_details")
    version = schema_version(subject)
    nested = version >= (2, 0) if version else details is not None
    if not nested:
        return "subject", subject
    if isinstance(details, Mapping):
        return "subject.subject_details", details
    if details is not None:
        reader.warn("subject.subject_details", f"expected an object, got {kind(details)}")
    return "subject.subject_details", {}


def _sex(reader: Reader, where: str, value: object) -> str | None:
    """``Male`` / ``Female`` whatever the case; another word is kept, capitalised."""
    text = reader.text_of(where, value)
    if text is None:
        return None
    return _SEXES.get(text.casefold(), text.capitalize())


def _birth_date(reader: Reader, where: str, value: object) -> date | None:
    """A calendar date; a full timestamp is cut to its date."""
    text = reader.text_of(where, value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        reader.warn(where, f"not an ISO 8601 date: {quote(text)}")
        return None
