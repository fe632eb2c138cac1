"""Answers are encoded as compact UTF-8 JSON that means exactly what the answer holds, including
what the fast encoder refuses: integers past 64 bits, lone surrogates, keys that are not strings,
and dataclasses (a manifest's entries)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from catalog.web.encoding import encode


@dataclass(frozen=True, slots=True)
class Entry:
    asset: str
    size: int
    alternates: tuple[str, ...] = ()


ANSWERS = {
    "an ordinary answer": {"data": {"assets": [{"name": "ecephys_1", "size": 2.5, "tags": [None, True]}]}},
    "text beyond ASCII": {"data": {"genotype": "Ai14(RCL-tdT)/wt ü 日本"}},
    "an integer past 64 bits": {"data": {"metadata": {"count": 2**64 + 1, "negative": -(2**70)}}},
    "a lone surrogate": {"data": {"note": "a\ud800b"}},
}


@pytest.mark.parametrize("answer", ANSWERS.values(), ids=list(ANSWERS))
def test_an_answer_reads_back_as_itself(answer: object) -> None:
    encoded = encode(answer)

    assert json.loads(encoded) == answer
    assert b": " not in encoded, "compact"
    assert b", " not in encoded, "compact"


def test_text_beyond_ascii_is_sent_as_utf8() -> None:
    assert encode({"g": "ü"}) == '{"g":"ü"}'.encode()


def test_dataclasses_are_objects_of_their_fields_in_order_by_either_encoder() -> None:
    entries = [Entry("a", 1, ("u1", "u2")), Entry("b", 2)]
    expected = [
        {"asset": "a", "size": 1, "alternates": ["u1", "u2"]},
        {"asset": "b", "size": 2, "alternates": []},
    ]

    assert json.loads(encode(entries)) == expected
    assert json.loads(encode([*entries, Entry("c", 2**64)])) == [
        *expected,
        {"asset": "c", "size": 2**64, "alternates": []},
    ]
    assert list(json.loads(encode(entries))[0]) == ["asset", "size", "alternates"]


def test_keys_that_are_not_strings_are_written_as_strings() -> None:
    assert json.loads(encode({1: "one"})) == {"1": "one"}
