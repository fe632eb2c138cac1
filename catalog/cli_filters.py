"""``AssetFilter`` as command-line options, generated from its declaration: each field is an
option in command-line spelling (``acquired_after`` is ``--acquired-after DATE``), typed by the
field's type, explained by its description, a list repeated (``--modality ecephys --modality
behavior``), an enumeration a choice in any case and a yes-or-no field a flag. A filter the API
gains is an option of ``catalog find`` and ``catalog download`` at once.

The fields that hold input objects rather than values have two options written here: ``--where``
(a metadata predicate, repeated) and ``--filter`` (any ``AssetFilter`` as JSON, for
``and``/``or``/``not``). The options are typer's own, added to a command's signature
(``with_filter_options``); reading the declaration costs the import of strawberry when the
command line starts (about a quarter of a second)."""

from __future__ import annotations

import functools
import inspect
import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

F = TypeVar("F", bound="Callable[..., Any]")

COMPOSED = {"metadata": "--where", "and_": "--filter", "or_": "--filter", "not_": "--filter"}
"""The fields whose values are input objects, and the option that gives them."""
WHERE = "where"
JSON_FILTER = "json_filter"
WHERE_HELP = (
    "A metadata predicate, 'DOCUMENT.PATH OP [VALUE]' (e.g. 'subject.genotype contains Cre', "
    "'acquisition.tiles.channel.laser_power gt 10'; the value is read as JSON when it parses) or "
    "a MetadataPredicate as a JSON object. Repeat: all must hold."
)
FILTER_HELP = (
    'Any AssetFilter as a JSON object, e.g. \'{"or": [{"project": "A"}, {"projects": ["B", "C"]}]}\'; '
    "it must hold as well as the other options."
)


def with_filter_options(command: F) -> F:
    """``command``, whose ``**filters`` receives them, with an option per ``AssetFilter`` field."""
    own = inspect.signature(command, eval_str=True)
    explicit = [p for p in own.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    clash = {p.name for p in explicit} & filter_names()
    if clash:
        raise TypeError(f"{command.__name__}: {', '.join(sorted(clash))} would be a filter option too")
    command.__signature__ = own.replace(parameters=[*explicit, *filter_parameters()])  # type: ignore[attr-defined]
    return command


@functools.cache
def filter_parameters() -> tuple[inspect.Parameter, ...]:
    """The keyword parameters, typer options, of every ``AssetFilter`` field and of ``--where``
    and ``--filter``."""
    from catalog.schemas.filters import AssetFilter

    fields = AssetFilter.__strawberry_definition__.fields  # type: ignore[attr-defined]
    where = Annotated[list[str] | None, typer.Option("--where", metavar="PREDICATE", help=WHERE_HELP)]
    json_filter = Annotated[str | None, typer.Option("--filter", metavar="JSON", help=FILTER_HELP)]
    return (
        *(_parameter(field) for field in fields if field.python_name not in COMPOSED),
        _keyword(WHERE, where, None),
        _keyword(JSON_FILTER, json_filter, None),
    )


def filter_names() -> frozenset[str]:
    """The parameter names of the filter options (each its field's Python name)."""
    return frozenset(parameter.name for parameter in filter_parameters())


def _keyword(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


def _parameter(field: Any) -> inspect.Parameter:
    """The option of one ``AssetFilter`` field."""
    from strawberry.types.base import StrawberryList, StrawberryOptional

    kind, optional, repeated = field.type, False, False
    if isinstance(kind, StrawberryOptional):
        kind, optional = kind.of_type, True
    if isinstance(kind, StrawberryList):
        kind, repeated = kind.of_type, True
    flag = "--" + field.python_name.replace("_", "-")
    help_text = " ".join(filter(None, [field.description, "Repeat for more." if repeated else None])) or None
    if kind is bool and not repeated:
        if optional:  # yes, no, or not asked
            pair = typer.Option(f"{flag}/--not-{flag[2:]}", help=help_text)
            return _keyword(field.python_name, Annotated[bool | None, pair], None)
        return _keyword(field.python_name, Annotated[bool, typer.Option(flag, help=help_text)], False)
    value, metavar = _value_type(kind, field.python_name)
    option = typer.Option(flag, help=help_text, metavar=metavar, case_sensitive=False)
    annotation = list[value] | None if repeated else value | None  # type: ignore[valid-type]
    return _keyword(field.python_name, Annotated[annotation, option], None)


def _value_type(kind: Any, name: str) -> tuple[type, str | None]:
    """The Python type typer reads a value of the strawberry type ``kind`` as, and its metavar."""
    from strawberry.types.enum import StrawberryEnumDefinition

    if isinstance(kind, StrawberryEnumDefinition):
        return kind.wrapped_cls, None
    if kind in (datetime, date):  # sent as written: the server reads ISO dates, times and offsets
        return str, "DATE"
    if kind not in (str, int, float):
        raise TypeError(f"AssetFilter.{name}: no command-line option for a value of type {kind!r}")
    return kind, None


def filter_keywords(values: Mapping[str, Any]) -> dict[str, Any]:
    """The client's ``assets()`` keywords the filter options given stand for (a usage error for
    one it cannot read)."""
    from catalog.client import inputs

    keywords: dict[str, Any] = {}
    for parameter in filter_parameters():
        value = values.get(parameter.name)
        if value is None or value == [] or value is parameter.default:  # not given
            continue
        keywords[parameter.name] = list(value) if isinstance(value, (list, tuple)) else value
    if WHERE in keywords:
        keywords["metadata"] = [_predicate(text) for text in keywords.pop(WHERE)]
    if JSON_FILTER in keywords:
        keywords["and_"] = [_json_object(keywords.pop(JSON_FILTER), "--filter")]
    try:
        inputs.asset_filter(keywords, "the filter")
    except (TypeError, ValueError) as error:
        raise typer.BadParameter(str(error)) from None
    return keywords


def _predicate(text: str) -> dict[str, Any]:
    """A ``MetadataPredicate`` written ``DOCUMENT.PATH OP [VALUE]``, or as a JSON object."""
    if text.lstrip().startswith("{"):
        return _json_object(text, "--where")
    words = text.split(maxsplit=2)
    document, _, path = words[0].partition(".") if words else ("", "", "")
    if len(words) < 2 or not document or not path:
        raise typer.BadParameter(
            f"{text!r}: write DOCUMENT.PATH OP [VALUE], e.g. 'subject.genotype contains Cre'",
            param_hint="--where",
        )
    predicate: dict[str, Any] = {"document": document, "path": path, "op": words[1]}
    if len(words) == 3:
        try:
            predicate["value"] = json.loads(words[2])
        except json.JSONDecodeError:
            predicate["value"] = words[2]
    return predicate


def _json_object(text: str, option: str) -> dict[str, Any]:
    try:
        found = json.loads(text)
    except json.JSONDecodeError as error:
        raise typer.BadParameter(f"not JSON ({error})", param_hint=option) from None
    if not isinstance(found, dict):
        raise typer.BadParameter("a JSON object", param_hint=option)
    return found
