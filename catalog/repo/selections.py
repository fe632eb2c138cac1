"""What a ``MetadataPath`` selects in a document: the values its path reaches, or only the
elements satisfying its ``where``, or a path read from each of those (``elementPath``), or the
lengths of the arrays it reaches. Facets, group keys and measures all read a path through here,
so a path means the same thing everywhere."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, literal, select, true

from catalog.db.dialects.base import Reached
from catalog.db.models import Asset, MetadataDocument
from catalog.errors import Invalid
from catalog.repo import documents, visibility

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import ColumnElement

    from catalog.db.dialects import Dialect
    from catalog.schemas.filters import ElementPredicate
    from catalog.schemas.paths import MetadataPath


@dataclass(frozen=True, slots=True)
class Selection:
    """The values selected, as ``found`` (its ``condition`` already holds every step's), and the
    FROM items to join, in order, each lateral to the ones before."""

    sources: tuple[Any, ...]
    found: Reached

    def join(self, query: Any, *, outer: bool = False) -> Any:
        """``query`` joined to every step; with ``outer``, a document selecting nothing still gives
        one row (of NULL), and one selecting something gives no NULL row (the steps are joined
        inside one parenthesised outer join)."""
        first, *rest = self.sources
        if not rest:
            return query.join(first, self.found.condition, isouter=outer)
        if outer:
            inner = first
            for step in rest[:-1]:
                inner = inner.join(step, true())
            return query.join(inner.join(rest[-1], self.found.condition), true(), isouter=True)
        for step in self.sources[:-1]:
            query = query.join(step, true())
        return query.join(self.sources[-1], self.found.condition)


def conditions(where: Sequence[ElementPredicate] | None) -> list[tuple[str, str, Any, str | None]]:
    """An element's conditions as the dialects take them."""
    return [item.as_condition() for item in where or ()]


def select_values(
    dialect: Dialect, content: ColumnElement[Any], path: MetadataPath, *, scalars_only: bool = True
) -> Selection:
    """The values ``path`` selects in the document ``content``. Without ``where`` or
    ``elementPath`` these are the values the path reaches (objects too unless ``scalars_only``);
    with ``where`` the elements it reaches that satisfy it; with ``elementPath`` the values that
    path reaches in each such element; with ``length`` the length of each array reached; with
    ``absentFrom`` only the values no asset has at that other path (an anti-join)."""
    selection = _selected(dialect, content, path, scalars_only=scalars_only)
    if path.absent_from is None:
        return selection
    found = selection.found
    unmatched = and_(found.condition, ~found_elsewhere(dialect, path.absent_from, found))
    return replace(selection, found=replace(found, condition=unmatched))


def found_elsewhere(dialect: Dialect, other: MetadataPath, found: Reached) -> ColumnElement[bool]:
    """Some visible asset's current ``other.document`` has the value ``found`` at ``other.path``."""
    if other.absent_from is not None or other.unified:
        raise Invalid("absentFrom names a plain document and path (no absentFrom or unified inside)")
    document = MetadataDocument.__table__.alias("elsewhere")
    joined, content = documents.with_contents(document, "elsewhere_content")
    there = _selected(dialect, content, other, scalars_only=True)
    query = there.join(
        select(literal(1))
        .select_from(joined)
        .join(Asset, and_(Asset.id == document.c.asset_id, visibility.readable()))
    ).where(
        document.c.document == other.document,
        document.c.is_current.is_(True),
        dialect.same_value(there.found, found),
    )
    found_elsewhere: ColumnElement[bool] = query.exists()
    return found_elsewhere


def _selected(
    dialect: Dialect, content: ColumnElement[Any], path: MetadataPath, *, scalars_only: bool
) -> Selection:
    if path.length:
        if path.where is not None or path.element_path is not None:
            raise Invalid("length reads arrays a path reaches: it takes no where or elementPath")
        lengths = dialect.array_lengths(content, path.path)
        return Selection((lengths.source,), lengths)
    if path.where is None and path.element_path is None:
        reached = dialect.reached(content, path.path, scalars_only=scalars_only)
        return Selection((reached.source,), reached)
    elements = dialect.matching_elements(content, path.path, conditions(path.where))
    if path.element_path is None:
        return Selection((elements.source,), elements)
    return read_from(dialect, elements, path.element_path, scalars_only=scalars_only)


def read_from(
    dialect: Dialect, elements: Reached, element_path: str, *, scalars_only: bool = True
) -> Selection:
    """The values ``element_path`` reaches in each of ``elements``."""
    inner = dialect.reached(elements.value, element_path, scalars_only=scalars_only)
    found = Reached(
        inner.source,
        inner.value,
        inner.json_type,
        and_(elements.condition, inner.condition),
        elements.position,
    )
    return Selection((elements.source, inner.source), found)
