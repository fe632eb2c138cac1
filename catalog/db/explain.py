"""The planner's estimate of how many rows a query returns, asked of PostgreSQL with EXPLAIN: it
reads statistics and runs nothing, so it costs about as much as planning the query."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ClauseElement, Executable

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.sql.compiler import SQLCompiler


class Explain(Executable, ClauseElement):
    """``EXPLAIN (FORMAT JSON) query``: one row, the plan as JSON."""

    inherit_cache = False  # a plan is asked once per request; not worth a cache key

    def __init__(self, query: Select[Any]) -> None:
        self.query = query


@compiles(Explain, "postgresql")
def _explain(element: Explain, compiler: SQLCompiler, **kw: Any) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.query, **kw)


def planned_rows(plan: Any) -> int:
    """The rows the top node of an EXPLAIN (FORMAT JSON) plan expects (decoded or as text)."""
    document = json.loads(plan) if isinstance(plan, str) else plan
    return int(document[0]["Plan"]["Plan Rows"])
