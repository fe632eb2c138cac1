"""What ``describe`` stores stays what catalogs already hold (canonical JSON, digests), however it
is computed, and the value-index walks it shares between assets are the walks of their content."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from factories import load_record

from catalog.conventions.metadata import documents_from_record
from catalog.db import valueindex
from catalog.services.describe import Walks, describe, encode

if TYPE_CHECKING:
    from pathlib import Path

    from catalog.conventions.modalities import Vocabulary

DIGESTS = {
    "ecephys_660104_2023-07-24_18-18-13": "9a56163ee7716a1c2bbe1cab77993f8cf1b37be0f90385f5355c1384311325d3",
    "behavior_754559_2024-12-17_17-40-13": "e18f1fae3ad5c11334df3f617028a6d2e0dd04c0dbd9c11b9265a370caa89b43",
    "SLAP2_801381_2025-10-02_15-23-18": "43115fdf12b375dfe63f2a4506af235f3f5c0ff8586d62ef47120dcbbacc952c",
    "ecephys_743916_2024-09-12_16-52-55": "930b31000cbafeb463624c868c0f60958edabccb314ec65d639489a30460fdcc",
}
"""Metadata digests of real records as registered catalogs hold them: a different digest for the
same metadata would make every re-import of an unchanged record a new version."""


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_the_digest_of_a_real_record_is_the_one_catalogs_hold(
    name: str, fixtures_dir: Path, vocabulary: Vocabulary
) -> None:
    record = load_record(fixtures_dir, name)
    assert describe(name, documents_from_record(record), vocabulary, record=record).digest == DIGESTS[name]


def test_canonical_json_sorts_keys_is_compact_and_keeps_unicode_and_numbers_as_written() -> None:
    document = {"b": "µm ü", "a": [1, 2.5, 1e16, None, True], "c": {"z": {}, "y": []}}
    assert encode({"subject": document}) == {
        "subject": '{"a":[1,2.5,1e+16,null,true],"b":"µm ü","c":{"y":[],"z":{}}}'
    }


def rows(
    walk: dict[valueindex.Key, valueindex.Occurrence],
) -> dict[valueindex.Key, tuple[int | None, str | None]]:
    """A walk as the value index stores it."""
    return {key: (where.crossed, where.elements) for key, where in walk.items()}


def test_a_document_seen_before_is_not_walked_again() -> None:
    walks = Walks(2**20)
    first = {"subject_id": "632269", "species": {"name": "Mus musculus"}}
    again = {"species": {"name": "Mus musculus"}, "subject_id": "632269"}  # equal, another object
    walked = walks.of(encode({"s": first})["s"], first)
    assert rows(walked) == rows(valueindex.indexed_values(first))
    assert walks.of(encode({"s": again})["s"], again) is walked


def test_other_content_is_walked_on_its_own_and_the_oldest_walks_make_room() -> None:
    documents = [{"subject_id": str(n), "sex": "Male"} for n in range(3)]
    texts = [encode({"s": d})["s"] for d in documents]
    weight = len(texts[0]) + Walks.ENTRY * len(valueindex.indexed_values(documents[0]))
    walks = Walks(2 * weight)  # room for two such walks
    walked = [walks.of(text, d) for text, d in zip(texts, documents, strict=True)]
    assert [rows(w) for w in walked] == [rows(valueindex.indexed_values(d)) for d in documents]
    assert rows(walked[0]) != rows(walked[1])
    assert list(walks.walked) == texts[1:]
    assert walks.used <= walks.budget


def test_a_document_larger_than_the_budget_is_walked_but_not_kept() -> None:
    document = {"notes": "x" * 1000}
    walks = Walks(500)
    assert rows(walks.of(encode({"s": document})["s"], document)) == rows(valueindex.indexed_values(document))
    assert walks.walked == {}
    assert walks.used == 0
