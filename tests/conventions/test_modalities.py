"""The modality vocabulary: every spelling found in records lands on the package's own spelling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aind_data_schema_models.modalities import Modality

from catalog.conventions.modalities import ModalityTerm, Vocabulary

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
RECORDS = sorted((FIXTURES / "records").rglob("*.json"))

ECEPHYS = ModalityTerm(abbreviation="ecephys", name="Extracellular electrophysiology", known=True)


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary()


def test_every_modality_of_the_package_is_known(vocabulary: Vocabulary, subtests: pytest.Subtests) -> None:
    assert Modality.abbreviation_map
    for abbreviation, model in Modality.abbreviation_map.items():
        with subtests.test(abbreviation=abbreviation):
            assert vocabulary.resolve(abbreviation) == ModalityTerm(abbreviation, model.name, known=True)


def test_the_shared_vocabulary_list_agrees_with_the_package(
    vocabulary: Vocabulary, subtests: pytest.Subtests
) -> None:
    entries = json.loads((FIXTURES / "vocab" / "modalities.json").read_text())
    assert entries
    for entry in entries:
        with subtests.test(abbreviation=entry["abbreviation"]):
            term = vocabulary.resolve(entry["abbreviation"])
            assert term == ModalityTerm(entry["abbreviation"], entry["name"], known=True)


@pytest.mark.parametrize(
    "raw",
    [
        "ecephys",
        "ECEPHYS",
        "  Ecephys ",
        {"name": "Extracellular electrophysiology", "abbreviation": "ecephys"},
        {"abbreviation": "ECEPHYS"},
        {"name": "extracellular electrophysiology"},
        "name='Extracellular electrophysiology' abbreviation='ecephys'",
        "_Ecephys(name='Extracellular electrophysiology', abbreviation='ecephys')",
        "Extracellular electrophysiology",
        "EXTRACELLULAR ELECTROPHYSIOLOGY",
    ],
)
def test_every_spelling_of_a_modality_resolves_to_the_same_term(vocabulary: Vocabulary, raw: object) -> None:
    assert vocabulary.resolve(raw) == ECEPHYS


@pytest.mark.parametrize(
    ("raw", "abbreviation"),
    [("spim", "SPIM"), ("emg", "EMG"), ("barseq", "BARseq"), ("Behavior-Videos", "behavior-videos")],
)
def test_case_is_normalised_to_the_vocabularys_own_spelling(
    vocabulary: Vocabulary, raw: str, abbreviation: str
) -> None:
    term = vocabulary.resolve(raw)
    assert term is not None
    assert term.abbreviation == abbreviation
    assert term.known


def test_a_platform_is_not_mapped_to_a_modality(vocabulary: Vocabulary) -> None:
    assert vocabulary.resolve("SmartSPIM") == ModalityTerm("SmartSPIM", "SmartSPIM", known=False)


def test_an_unknown_term_keeps_the_records_spelling(vocabulary: Vocabulary) -> None:
    assert vocabulary.resolve("Patch-Seq") == ModalityTerm("Patch-Seq", "Patch-Seq", known=False)


def test_a_retired_abbreviation_is_kept_even_if_its_name_was_reused(vocabulary: Vocabulary) -> None:
    """0.x had ``slap``; 6.x has ``slap2``. The record's term is kept, not renamed."""
    term = vocabulary.resolve({"name": "Scanned line projection imaging", "abbreviation": "slap"})
    assert term == ModalityTerm("slap", "Scanned line projection imaging", known=False)


@pytest.mark.parametrize("raw", [None, "", "   ", 42, 3.5, True, [], ["ecephys"], {}, {"name": None}])
def test_a_value_holding_no_modality_resolves_to_none(vocabulary: Vocabulary, raw: object) -> None:
    assert vocabulary.resolve(raw) is None


def test_extra_terms_are_known_and_case_insensitive() -> None:
    vocabulary = Vocabulary(["HCR", " mesoSPIM ", ""])
    assert vocabulary.resolve("hcr") == ModalityTerm("HCR", "HCR", known=True)
    assert vocabulary.resolve({"abbreviation": "MESOSPIM"}) == ModalityTerm(
        "mesoSPIM", "mesoSPIM", known=True
    )
    assert vocabulary.resolve("") is None


def test_an_extra_term_cannot_respell_a_vocabulary_term() -> None:
    vocabulary = Vocabulary(["Ecephys", "spim"])
    assert vocabulary.resolve("ecephys") == ECEPHYS
    assert vocabulary.resolve("SPIM") == ModalityTerm("SPIM", "Selective plane illumination microscopy", True)


def test_name_of_gives_the_full_name(vocabulary: Vocabulary) -> None:
    assert vocabulary.name_of("ecephys") == "Extracellular electrophysiology"
    assert vocabulary.name_of("spim") == "Selective plane illumination microscopy"
    assert vocabulary.name_of("SmartSPIM") == "SmartSPIM"
    assert Vocabulary(["HCR"]).name_of("hcr") == "HCR"


def test_only_the_legacy_platform_and_the_retired_slap_are_unknown_in_real_records(
    vocabulary: Vocabulary,
) -> None:
    unknown = set()
    for path in RECORDS:
        description = json.loads(path.read_bytes()).get("data_description") or {}
        raw = description.get("modalities") or description.get("modality") or []
        for item in raw if isinstance(raw, list) else [raw]:
            term = vocabulary.resolve(item)
            assert term is not None, f"{path.name}: {item!r}"
            if not term.known:
                unknown.add(term.abbreviation)
    assert unknown == {"SmartSPIM", "slap"}
