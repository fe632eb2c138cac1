"""Answers of costly reads (facets, aggregates), kept by a server process for whoever asks the
same again: each under the data's generation (``db/generation.py``) read before it was computed
and the visibility scope it was computed for, so that a write committed through any server, or a
viewer who may see other assets, never gets a kept answer. Least recently used go first."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from catalog.db import generation
from catalog.repo import visibility

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Hashable

    from catalog.db.engine import Database


class Answers:
    def __init__(self, most: int) -> None:
        self.most = most
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()

    async def get(self, db: Database, question: Hashable, compute: Callable[[], Awaitable[Any]]) -> Any:
        """The answer to ``question`` (all that the computation reads from the request besides the
        data and the viewer), kept or computed now."""
        if not self.most:
            return await compute()
        async with db.reader() as session:
            now = await generation.current(session)
        key = (now, visibility.scope(), question)
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        answer = await compute()
        self._kept[key] = answer
        while len(self._kept) > self.most:
            self._kept.popitem(last=False)
        return answer
