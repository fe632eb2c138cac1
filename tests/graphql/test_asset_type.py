"""An asset's GraphQL object is its row's columns: read from the row's loaded values when every
column is loaded (the cheap way), else through the row's attributes, with the same result."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect

from catalog.db import models
from catalog.graphql.types import Asset

NAME = "ecephys_655568_2022-04-26_11-48-09"


def columns(**given: Any) -> dict[str, Any]:
    """Every column of an asset row: these values, and a null for the rest."""
    values: dict[str, Any] = dict.fromkeys(inspect(models.Asset).column_attrs.keys())
    values.update(
        name=NAME,
        kind="PRIMARY",
        state=models.AssetState.READY,
        file_count=3,
        total_size=4096,
        investigators=["Ana"],
        acquired_at=datetime(2022, 4, 26, 11, 48, 9, tzinfo=UTC),
        **given,
    )
    return values


def test_a_loaded_row_and_the_rows_attributes_give_the_same_object() -> None:
    row = models.Asset(**columns(genotype="wt/wt", species="Mus musculus"))

    built = Asset.of(row, ["ecephys"])

    assert built == Asset._of(row, models.AttributesOf(row), ["ecephys"])
    assert (built.name, built.subject.genotype, built.investigators, built.total_size) == (
        NAME,
        "wt/wt",
        ["Ana"],
        4096.0,
    )


def test_a_row_missing_loaded_values_is_read_through_its_attributes() -> None:
    given = columns()
    del given["genotype"], given["record_created"]
    row = models.Asset(**given)  # never set: not among its loaded values, None as an attribute

    assert "genotype" not in models.loaded_values(row)
    built = Asset.of(row)

    assert (built.subject.genotype, built.record_created, built.file_count) == (None, None, 3)
