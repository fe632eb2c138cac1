"""The modality vocabulary: ``aind-data-schema-models``' ``Modality`` plus a lab's own terms.

Records spell modalities many ways (``"ecephys"``, ``"ECEPHYS"``, ``{"name", "abbreviation"}``,
the repr of a pydantic model, the full name). :class:`Vocabulary` maps each onto the vocabulary's
own spelling so queries compare equal, and keeps any other term as the record wrote it with
``known=False`` so the caller can warn. Platforms are not modalities: the legacy
``"modality": "SmartSPIM"`` is stored as ``SmartSPIM`` (unknown), as the record spells it.

Queries know the history instead (:data:`ALIASES`): asking for a vocabulary term also finds the
legacy spellings of it (:func:`spellings`), and the MODALITY_FAMILY facet counts them under it,
while asking for a legacy spelling finds only the assets written so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aind_data_schema_models.modalities import Modality

ALIASES: Mapping[str, str] = {
    # aind-data-schema 0.x ``data_description.Modality`` (ExASPIM, SmartSPIM, mesoSPIM), its
    # ``ImagingInstrumentType`` and the modalities of early 2023 (diSPIM, exaSPIM, smartSPIM), and
    # the ``Platform`` abbreviations of aind-data-schema-models 0.8.0 (exaSPIM, mesoSPIM,
    # SmartSPIM): light-sheet microscopes written where the modality goes, all SPIM since.
    "smartspim": "SPIM",
    "exaspim": "SPIM",
    "mesospim": "SPIM",
    "dispim": "SPIM",
    # The fiber photometry modalities of early 2023 (FIP, HSFP), platforms in 0.8.0, fib since.
    "fip": "fib",
    "hsfp": "fib",
    # aind-data-schema-models 0.8.0 ``SLAP`` ("Scanned line projection imaging", added for the
    # SLAP2 microscope), ``slap2`` ("Random access projection microscopy") since 6.x.
    "slap": "slap2",
}
"""A legacy or alias spelling (case-folded) → the vocabulary abbreviation that succeeded it.
Not mapped, being ambiguous: ``ophys`` (pophys or fib) and ``ephys`` (ecephys or icephys)."""

# The str() of a pydantic modality model, as some writers stored it: name='...' abbreviation='...'
_REPR_FIELD = re.compile(r"""\b(name|abbreviation)\s*=\s*(?:'([^']*)'|"([^"]*)")""")


@dataclass(frozen=True, slots=True)
class ModalityTerm:
    """One modality as the catalog stores it; ``known`` is False outside vocabulary and extras."""

    abbreviation: str
    name: str
    known: bool


class Vocabulary:
    """Resolves raw modality values onto ``Modality`` and the configured extra terms."""

    __slots__ = ("_by_abbreviation", "_by_name")

    def __init__(self, extra_terms: Iterable[str] = ()) -> None:
        terms: dict[str, ModalityTerm] = {}
        names: dict[str, ModalityTerm] = {}
        for abbreviation, model in Modality.abbreviation_map.items():
            term = ModalityTerm(abbreviation=abbreviation, name=model.name, known=True)
            terms[abbreviation.casefold()] = term
            names[model.name.casefold()] = term
        for extra in extra_terms:
            extra = extra.strip()
            # The package's own spelling wins over a lab term that differs only in case.
            if extra and extra.casefold() not in terms:
                terms[extra.casefold()] = ModalityTerm(abbreviation=extra, name=extra, known=True)
        self._by_abbreviation: Mapping[str, ModalityTerm] = terms
        self._by_name: Mapping[str, ModalityTerm] = names

    def resolve(self, raw: object) -> ModalityTerm | None:
        """The term ``raw`` denotes, or None when ``raw`` holds no modality at all.

        A dict's abbreviation decides; its name is used only when there is no abbreviation, so a
        retired term (``{"abbreviation": "slap", ...}``) is kept, not renamed to a successor.
        """
        if isinstance(raw, str):
            fields = _repr_fields(raw)
            if fields is None:
                return self._resolve_text(raw)
            abbreviation, name = fields
        elif isinstance(raw, Mapping):
            abbreviation, name = _text(raw.get("abbreviation")), _text(raw.get("name"))
        else:
            return None
        if abbreviation:
            term = self._resolve_text(abbreviation)
            if term is not None and not term.known and name:
                return ModalityTerm(abbreviation=term.abbreviation, name=name, known=False)
            return term
        return self._resolve_text(name) if name else None

    def name_of(self, abbreviation: str) -> str:
        """The full name of a known abbreviation (any case); an unknown term is its own name."""
        term = self._by_abbreviation.get(abbreviation.strip().casefold())
        return term.name if term is not None else abbreviation

    def _resolve_text(self, text: str) -> ModalityTerm | None:
        """An abbreviation or a full name, case-insensitively; otherwise kept as written."""
        text = text.strip()
        if not text:
            return None
        key = text.casefold()
        term = self._by_abbreviation.get(key) or self._by_name.get(key)
        return term if term is not None else ModalityTerm(abbreviation=text, name=text, known=False)


def _repr_fields(text: str) -> tuple[str | None, str | None] | None:
    """``(abbreviation, name)`` from a model repr, or None when ``text`` is not one."""
    if "=" not in text:
        return None
    found = {match[1]: match[2] if match[2] is not None else match[3] for match in _REPR_FIELD.finditer(text)}
    if not found:
        return None
    return _text(found.get("abbreviation")), _text(found.get("name"))


def _text(value: object) -> str | None:
    """A stripped non-empty string, or None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def spellings(term: str) -> frozenset[str]:
    """The stored terms, lower-cased, that asking for ``term`` finds: a vocabulary term finds its
    legacy spellings too, a legacy spelling or any other term only itself."""
    asked = term.strip().lower()
    return frozenset({asked, *(alias for alias, successor in ALIASES.items() if successor.lower() == asked)})
