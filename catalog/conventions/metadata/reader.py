"""The documents of one asset and the lenient reading of their values. Every field family reads through a
:class:`Reader`, so every odd value (a number for a name, a naive timestamp, a string for a list) is
handled one way and becomes one well-formed warning ``"<document>.<field>: <problem>"`` instead of an
exception."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from catalog.conventions.metadata.documents import CORE_DOCUMENTS
from catalog.conventions.metadata.values import kind, quote


class Reader:
    """The documents of one asset, plus the warnings collected while reading them."""

    __slots__ = ("documents", "warnings")

    def __init__(self, documents: object) -> None:
        self.warnings: list[str] = []
        self.documents: dict[str, Mapping[str, Any]] = {}
        if not isinstance(documents, Mapping):
            self.warn("documents", f"expected an object of documents, got {kind(documents)}")
            return
        for name in CORE_DOCUMENTS:
            document = documents.get(name)
            if isinstance(document, Mapping):
                self.documents[name] = document
            elif document is not None:
                self.warn(name, f"expected a JSON object, got {kind(document)}")

    def warn(self, where: str, problem: str) -> None:
        self.warnings.append(f"{where}: {problem}")

    def document(self, name: str) -> Mapping[str, Any]:
        """The document, or an empty one when the asset has none."""
        return self.documents.get(name, {})

    def text(self, document: str, key: str) -> str | None:
        return self.text_of(f"{document}.{key}", self.document(document).get(key))

    def text_of(self, where: str, value: object) -> str | None:
        """Stripped non-empty text; numbers are written as text, anything else is warned about."""
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _number_text(value)  # ids: 655568 and "655568" are the same subject
        self.warn(where, f"expected text, got {kind(value)}")
        return None

    def label(self, document: str, key: str) -> str | None:
        return self.label_of(f"{document}.{key}", self.document(document).get(key))

    def label_of(self, where: str, value: object, prefer: str = "abbreviation") -> str | None:
        """Text, or an organisation/species object's abbreviation or name (``prefer`` first)."""
        if isinstance(value, Mapping):
            other = "name" if prefer == "abbreviation" else "abbreviation"
            for key in (prefer, other):
                text = value.get(key)
                if isinstance(text, str) and text.strip():
                    return text.strip()
            self.warn(where, "an object with neither name nor abbreviation")
            return None
        return self.text_of(where, value)

    def names(self, document: str, key: str) -> list[str]:
        """People: a list of names or of ``{name: ...}`` objects (or a single one of either)."""
        raw = self.document(document).get(key)
        if raw is None:
            return []
        names = []
        for index, item in enumerate(raw if isinstance(raw, list) else [raw]):
            where = f"{document}.{key}" + (f"[{index}]" if isinstance(raw, list) else "")
            value = item.get("name") if isinstance(item, Mapping) else item
            name = self.text_of(f"{where}.name" if isinstance(item, Mapping) else where, value)
            if name is not None:
                names.append(name)
        return names

    def objects(self, where: str, raw: object) -> list[Mapping[str, Any]]:
        """The objects of a list; other items are warned about once and skipped."""
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.warn(where, f"expected a list, got {kind(raw)}")
            return []
        objects = [item for item in raw if isinstance(item, Mapping)]
        if len(objects) < len(raw):
            self.warn(where, f"{len(raw) - len(objects)} of {len(raw)} entries are not objects")
        return objects

    def first_text(self, places: Iterable[tuple[str, str]]) -> str | None:
        """The first place holding text."""
        for document, key in places:
            text = self.text(document, key)
            if text is not None:
                return text
        return None

    def first_time(
        self, places: Iterable[tuple[str, str]], zone: tzinfo | None
    ) -> tuple[str, datetime | None]:
        """The first place holding a readable timestamp, and that timestamp."""
        for document, key in places:
            where = f"{document}.{key}"
            moment = self.time_of(where, self.document(document).get(key), zone)
            if moment is not None:
                return where, moment
        return "", None

    def time_of(self, where: str, value: object, zone: tzinfo | None = None) -> datetime | None:
        """An aware timestamp; a naive one is read in ``zone``, else as UTC with a warning."""
        moment = _parse_time(value)
        if isinstance(moment, str):
            self.warn(where, moment)
            return None
        if moment is not None and moment.tzinfo is None:
            if zone is not None:
                return moment.replace(tzinfo=zone)
            self.warn(where, f"no time zone in {quote(value)}: local time of an unknown zone, read as UTC")
            return moment.replace(tzinfo=UTC)
        return moment

    def times(self, where: str, values: Iterable[object]) -> list[datetime]:
        """Many timestamps of one field (processing steps): one warning per kind of problem."""
        moments, naive, problems = [], 0, []
        for value in values:
            moment = _parse_time(value)
            if isinstance(moment, str):
                problems.append(moment)
            elif moment is not None:
                naive += moment.tzinfo is None
                moments.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        if naive:
            self.warn(where, f"{naive} timestamp(s) without a time zone, local time read as UTC")
        if problems:
            self.warn(where, f"{len(problems)} unreadable timestamp(s), e.g. {problems[0]}")
        return moments


def _parse_time(value: object) -> datetime | str | None:
    """A datetime (maybe naive), None when absent, or the problem as text."""
    if value is None:
        return None
    if not isinstance(value, str):
        return f"expected an ISO 8601 timestamp, got {kind(value)}"
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return f"not an ISO 8601 timestamp: {quote(text)}"


def _number_text(value: int | float) -> str:
    """``655568.0`` is the id ``655568``."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
