"""Modality families: the vocabulary's history, so that asking for a term finds its legacy
spellings, while a legacy spelling finds only itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aind_data_schema_models.modalities import Modality

from catalog.conventions.modalities import ALIASES, Vocabulary, spellings

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
VOCAB = FIXTURES / "vocab"


def abbreviations(file: str) -> set[str]:
    return {entry["abbreviation"] for entry in json.loads((VOCAB / file).read_text())}


def raw_terms(record: dict[str, object]) -> list[str]:
    """The modality terms and the platform a record's data description writes."""
    description = record.get("data_description")
    if not isinstance(description, dict):
        return []
    found = []
    for key in ("modality", "modalities", "platform"):
        value = description.get(key)
        for item in value if isinstance(value, list) else [value]:
            term = item.get("abbreviation") if isinstance(item, dict) else item
            if isinstance(term, str):
                found.append(term)
    return found


def test_every_alias_leads_to_a_term_of_the_vocabulary_in_one_step() -> None:
    assert ALIASES
    for alias, successor in ALIASES.items():
        assert alias == alias.casefold()
        assert successor in Modality.abbreviation_map
        assert successor.casefold() not in ALIASES


def test_every_term_the_vocabulary_retired_since_0_8_0_has_a_successor() -> None:
    current = {term.casefold() for term in Modality.abbreviation_map}
    retired = {term for term in abbreviations("modalities_v0_8_0.json") if term.casefold() not in current}
    assert retired
    assert {term.casefold() for term in retired} <= ALIASES.keys()


def test_every_light_sheet_platform_of_0_8_0_is_spim() -> None:
    light_sheet = {term for term in abbreviations("platforms_v0_8_0.json") if term.lower().endswith("spim")}
    assert light_sheet
    assert all(ALIASES[term.casefold()] == "SPIM" for term in light_sheet)


def test_every_term_a_real_record_writes_is_in_the_vocabulary_or_a_legacy_spelling(
    subtests: pytest.Subtests,
) -> None:
    vocabulary = Vocabulary()
    platforms = {term.casefold() for term in abbreviations("platforms_v0_8_0.json")}
    terms = {
        term
        for path in sorted((FIXTURES / "records").rglob("*.json"))
        for term in raw_terms(json.loads(path.read_text()))
    }
    assert terms
    for term in sorted(terms):
        with subtests.test(term=term):
            resolved = vocabulary.resolve(term)
            assert resolved is not None
            assert resolved.known or term.casefold() in ALIASES or term.casefold() in platforms


def test_a_vocabulary_term_finds_its_legacy_spellings() -> None:
    assert spellings("SPIM") == {"spim", "smartspim", "exaspim", "mesospim", "dispim"}
    assert spellings("fib") == {"fib", "fip", "hsfp"}
    assert spellings("slap2") == {"slap2", "slap"}


@pytest.mark.parametrize("term", ["SmartSPIM", "smartSPIM", "ExASPIM", "slap", "ecephys", "a lab's own term"])
def test_a_legacy_spelling_or_any_other_term_finds_only_itself(term: str) -> None:
    assert spellings(term) == {term.lower()}
