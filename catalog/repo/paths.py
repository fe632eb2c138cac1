"""A metadata path read in every schema generation: a unified path (``unified: true``, or a named
fact) stands for each place the alias table gives it, and each place is read by the single-path
primitives (a predicate, an elementMatch, ``select_values``). A predicate holds when it holds at
some place (a negation when it holds at none); facets and aggregates read the union of the values
every place reaches. A kept place (2.x ``components`` of one ``object_type``) is read as the
elements of that type, with the rest of the path read from each."""

from __future__ import annotations

from dataclasses import replace
from itertools import product
from typing import TYPE_CHECKING, Any

from sqlalchemy import not_, or_, select, union_all
from strawberry.scalars import JSON

from catalog.conventions.metadata.aliases import FACT_DOCUMENT, Spelled, named, unified
from catalog.db.dialects.base import Reached
from catalog.db.models import MetadataDocument
from catalog.errors import Invalid
from catalog.repo import documents
from catalog.repo.selections import Selection, select_values
from catalog.schemas.enums import PredicateOp
from catalog.schemas.filters import ElementPredicate

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy import ColumnElement

    from catalog.db.dialects import Dialect
    from catalog.schemas.filters import MetadataPredicate
    from catalog.schemas.paths import MetadataPath

MAX_ELEMENT_SPELLINGS = 64
"""How many single-path element predicates one unified elementMatch (or where) may become."""


def is_unified(spec: MetadataPath | MetadataPredicate) -> bool:
    return spec.unified or spec.document == FACT_DOCUMENT


def spellings(spec: MetadataPath | MetadataPredicate) -> list[Spelled]:
    """The places a path is read at: its own, or every generation's when unified."""
    return unified(spec.document, spec.path) if is_unified(spec) else [Spelled(spec.document, spec.path)]


def expanded(
    spec: MetadataPredicate, condition: Callable[[MetadataPredicate], ColumnElement[bool]]
) -> ColumnElement[bool]:
    """A unified predicate as ``condition`` of its single-path spellings: some place satisfies it;
    a negation (NE, EXISTS false) holds when no place satisfies the positive form."""
    if spec.op == PredicateOp.NE:
        return not_(expanded(replace(spec, op=PredicateOp.EQ), condition))
    # JSON is NewType("JSON", object) to mypy, so a bool looks impossible; any JSON value comes here.
    if spec.op == PredicateOp.EXISTS and spec.value is False:  # type: ignore[comparison-overlap]
        return not_(expanded(replace(spec, value=True), condition))
    if spec.op is not None:
        plain = [_predicate(spec, spec.op, place) for place in spellings(spec)]
    else:
        plain = [
            replace(spec, document=place.document, path=place.path, element_match=where, unified=False)
            for place, where in _element_spellings(spec.document, spec.path, spec.element_match or [])
        ]
    return or_(*(condition(one) for one in plain))


def _predicate(spec: MetadataPredicate, op: PredicateOp, place: Spelled) -> MetadataPredicate:
    """``spec`` (``op`` a value) at one place; at a kept place, an elementMatch of the kept elements."""
    plain = replace(spec, document=place.document, path=place.path, unified=False)
    if place.kept is None:
        return plain
    if place.below is None and op != PredicateOp.EXISTS:
        raise Invalid(
            f"{op} on {spec.path!r} cannot be read in every schema generation (2.x keeps these "
            f"elements among {place.path}): compare one of their fields"
        )
    test = [] if place.below is None else [ElementPredicate(path=place.below, op=op, value=spec.value)]
    return replace(plain, op=None, value=None, element_match=[_keep(place.kept), *test])


def _element_spellings(
    document: str, path: str, conditions: Sequence[ElementPredicate]
) -> list[tuple[Spelled, list[ElementPredicate]]]:
    """Per place of a unified element path, its conditions read at the places found below that
    one: a positive condition holds at one of them, a negated one at none of them. A kept place
    adds the test of the kept elements."""
    found = []
    document, path = named(document, path)
    for place in unified(document, path):
        if place.below is not None:
            raise Invalid(
                f"the elements at {path!r} cannot be selected in every schema generation (2.x keeps "
                f"them inside {place.path}): select from {place.path}'s elements"
            )
        choices: list[list[list[ElementPredicate]]] = [[[_keep(place.kept)]]] if place.kept else []
        for item in conditions:
            below = _below(document, f"{path}.{item.path}", place) or [item.path]
            if _negated(item):
                choices.append([[replace(item, path=relative) for relative in below]])
            else:
                choices.append([[replace(item, path=relative)] for relative in below])
        for combination in product(*choices):
            found.append((place, [item for part in combination for item in part]))
            if len(found) > MAX_ELEMENT_SPELLINGS:
                raise Invalid(
                    f"these element conditions have more than {MAX_ELEMENT_SPELLINGS} spellings "
                    "across schema generations: give fewer conditions"
                )
    return found


def _below(document: str, full: str, element: Spelled) -> list[str]:
    """The spellings of ``full`` (a path of ``document`` through an element) relative to the
    element's place."""
    prefix = f"{element.path}."
    found = []
    for place in unified(document, full):
        if place.document != element.document or place.kept != element.kept:
            continue
        if element.kept is not None and place.path == element.path and place.below is not None:
            found.append(place.below)
        elif element.kept is None and place.path.startswith(prefix):
            found.append(place.path.removeprefix(prefix))
    return list(dict.fromkeys(found))


def _keep(kept: tuple[str, tuple[str, ...]]) -> ElementPredicate:
    """The test of a kept place's elements: its key holds one of the values."""
    key, values = kept
    return ElementPredicate(path=key, op=PredicateOp.IN, value=JSON(list(values)))


def _negated(item: ElementPredicate) -> bool:
    # JSON is NewType("JSON", object) to mypy, so a bool looks impossible; any JSON value comes here.
    return item.op == PredicateOp.NE or (item.op == PredicateOp.EXISTS and item.value is False)  # type: ignore[comparison-overlap]


def selection(
    dialect: Dialect, path: MetadataPath, asset_id: Any, *, scalars_only: bool = True, name: str = "selected"
) -> Selection:
    """What ``path`` selects (see ``select_values``) in the current documents of the asset
    ``asset_id`` names, as one FROM item of rows (asset_id, value, json_type): at each place when
    unified, the union of what they select."""
    table = MetadataDocument.__table__
    joined, content = documents.with_contents()
    branches: list[Any] = []
    for plain in _plain_paths(path):
        selected = select_values(dialect, content, plain, scalars_only=scalars_only)
        found = selected.found
        columns = (
            table.c.asset_id.label("asset_id"),
            found.value.label("value"),
            found.json_type.label("json_type"),
        )
        branches.append(
            selected.join(select(*columns).select_from(joined)).where(
                table.c.document == plain.document, table.c.is_current.is_(True)
            )
        )
    union: Any = branches[0] if len(branches) == 1 else union_all(*branches)
    rows = union.subquery(name)
    return Selection((rows,), Reached(rows, rows.c.value, rows.c.json_type, rows.c.asset_id == asset_id))


def _plain_paths(path: MetadataPath) -> list[MetadataPath]:
    """The single-path spellings of a path: itself, or when unified one per place of its path (of
    its ``where`` conditions and of its ``elementPath``)."""
    if not is_unified(path):
        return [path]
    plain = replace(path, unified=False)
    if path.where is None and path.element_path is None:
        return [
            replace(plain, document=place.document, path=place.path)
            if place.kept is None
            else replace(
                plain,
                document=place.document,
                path=place.path,
                where=[_keep(place.kept)],
                element_path=place.below,
            )
            for place in spellings(path)
        ]
    document, element_path = named(path.document, path.path)
    found = []
    for place, where in _element_spellings(document, element_path, path.where or []):
        reads: list[str | None] = [None]
        if path.element_path is not None:
            full = f"{element_path}.{path.element_path}"
            reads = [*(_below(document, full, place) or [path.element_path])]
        found += [
            replace(plain, document=place.document, path=place.path, where=where or None, element_path=read)
            for read in reads
        ]
    return found
