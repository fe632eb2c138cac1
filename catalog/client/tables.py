"""Records as typed pandas tables: a column's kind (``columns.Kind``) decides its dtype, so a
table has aware datetimes, categoricals, nullable integers and floats however few rows it has
(none included), rather than what pandas would guess from the values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from catalog.client.extras import needing

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import pandas as pd

    from catalog.client.columns import Kind


def frame(records: Sequence[Mapping[str, Any]], kinds: Mapping[str, Kind]) -> pd.DataFrame:
    """A table of ``records`` with a column per entry of ``kinds``, in its order."""
    return columns_frame({name: [record.get(name) for record in records] for name in kinds}, kinds)


def columns_frame(columns: Mapping[str, Sequence[Any]], kinds: Mapping[str, Kind]) -> pd.DataFrame:
    """A table of the values of each column (all of one length) with a column per entry of
    ``kinds``, in its order."""
    with needing("pandas"):
        import pandas as pd

    rows = len(next(iter(columns.values()), ()))
    return pd.DataFrame(
        {name: _column(list(columns[name]), kind) for name, kind in kinds.items()},
        index=pd.RangeIndex(rows),
    )


def _column(values: list[Any], kind: Kind) -> Any:
    import pandas as pd

    if kind == "text":
        return pd.Series(values, dtype="str")
    if kind == "category":
        return pd.Series(values, dtype="str").astype("category")
    if kind == "datetime":
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601").dt.as_unit("us")
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601").dt.as_unit("us")
    if kind == "integer":
        return pd.array(values, dtype="Int64")
    if kind == "float":
        return pd.Series(values, dtype="float64")
    return pd.Series(values, dtype=object)
