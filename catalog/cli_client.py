"""The commands that work through ``catalog.client``: ``find``, ``download``, ``upload``, ``seal``
and ``locate``.

With ``--url`` (or ``CATALOG_URL``) they ask that server, with ``--token`` (or ``CATALOG_TOKEN``)
for private data; without, they ask this machine's catalog (``catalog.local``: the application in
this process, acting as the operator). Either way the same client makes the same requests.

Imported by ``catalog.cli``, whose ``app`` they join."""

from __future__ import annotations

import json
import sys
from contextlib import asynccontextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from catalog.cli import app, complain, fail, say
from catalog.cli_filters import filter_keywords, with_filter_options
from catalog.errors import CatalogError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Coroutine, Sequence

    from catalog.client import AsyncCatalog

T = TypeVar("T")

Url = Annotated[
    str | None,
    typer.Option(
        envvar="CATALOG_URL",
        help="a catalog server, e.g. https://catalog.lab.org (default: this machine's database)",
    ),
]
Token = Annotated[
    str | None,
    typer.Option(envvar="CATALOG_TOKEN", help="a bearer token for the server (for private data)"),
]
DEFAULT_COLUMNS = (
    "name",
    "kind",
    "modalities",
    "subject_id",
    "project",
    "acquired_at",
    "file_count",
    "total_size",
)
FILE_COLUMNS = ("asset", "path", "size", "sha256", "location")


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def through_client(
    url: str | None, token: str | None, work: Callable[[AsyncCatalog], Coroutine[Any, Any, T]]
) -> T:
    """``work`` done with a client of the server at ``url``, or of this machine's catalog; a
    refusal becomes exit code 1 with its message and the server's code, as do a server out of
    reach and a folder that cannot be written."""
    import asyncio

    import httpx

    try:
        return asyncio.run(_with_client(url, token, work))
    except CatalogError as error:
        raise fail(f"{error.message} ({error.code})") from None
    except httpx.HTTPError as error:
        raise fail(f"{url or 'the network'}: {error or type(error).__name__}") from None
    except OSError as error:  # a download's folder: not writable, the disk full
        raise fail(str(error)) from None


async def _with_client(
    url: str | None, token: str | None, work: Callable[[AsyncCatalog], Coroutine[Any, Any, T]]
) -> T:
    async with _client(url, token) as client:
        return await work(client)


@asynccontextmanager
async def _client(url: str | None, token: str | None) -> AsyncIterator[AsyncCatalog]:
    from catalog.client import AsyncCatalog

    if url:
        async with AsyncCatalog(url, token) as client:
            yield client
        return
    from catalog.config import Settings
    from catalog.local import local_catalog

    async with local_catalog(Settings()) as client:
        yield client


@app.command()
@with_filter_options
def find(
    sha256: Annotated[
        str | None, typer.Option("--sha256", help="files with this content (64 hexadecimal digits)")
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(help="the file at this store key (ASSET/path) or URL in one of its asset's locations"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "--first", min=1, help="at most this many")] = 100,
    output: Annotated[Format, typer.Option("--format", help="how to print them")] = Format.TABLE,
    as_json: Annotated[bool, typer.Option("--json", help="the same as --format json")] = False,
    columns: Annotated[
        str | None,
        typer.Option(
            help=f"the assets' columns, comma-separated, or 'all' (default {','.join(DEFAULT_COLUMNS)})"
        ),
    ] = None,
    url: Url = None,
    token: Token = None,
    **filters: Any,
) -> None:
    """Find assets by the filter options below (every asset when none is given), printed as a
    table, JSON or CSV; or find files by --sha256 or --key: which asset and path hold them.

    Assets: an empty result is an empty table (or [], or the CSV header), exit 0, and a note on
    stderr when more match than --limit. Files: exit 1 when none is found."""
    keywords = filter_keywords(filters)
    shape = Format.JSON if as_json else output
    if sha256 is not None or key is not None:
        if sha256 is not None and key is not None:
            raise typer.BadParameter("give one of them", param_hint="--sha256/--key")
        if keywords:
            raise typer.BadParameter(
                "find files, not assets: no filter option with them", param_hint="--sha256/--key"
            )
        rows = through_client(url, token, lambda client: client.files(sha256=sha256, key=key, first=limit))
        if not rows:
            raise fail(f"no file has sha256 {sha256}" if sha256 is not None else f"no file is at {key}")
        print_rows(rows, FILE_COLUMNS, shape)
        return
    chosen = _columns(columns)

    async def work(client: AsyncCatalog) -> tuple[list[dict[str, Any]], bool]:
        from catalog.limits import MAX_PAGE

        result = client.assets(page_size=min(limit, MAX_PAGE), **keywords)
        rows: list[dict[str, Any]] = []
        page = await result.page()
        rows += page.records
        while page.next_cursor is not None and len(rows) < limit:
            page = await result.page(page.next_cursor)
            rows += page.records
        return rows[:limit], len(rows) > limit or page.next_cursor is not None

    rows, more = through_client(url, token, work)
    print_rows(rows, chosen, shape)
    if more:
        complain("note", f"the first {limit} assets; more match (--limit to see more)")
    elif not rows and shape is Format.TABLE:
        complain("note", "no asset matches")


def _columns(spec: str | None) -> tuple[str, ...]:
    from catalog.client.columns import ASSET_COLUMNS

    known = [column.name for column in ASSET_COLUMNS]
    if spec is None:
        return DEFAULT_COLUMNS
    if spec.strip() == "all":
        return tuple(known)
    chosen = tuple(name.strip() for name in spec.split(",") if name.strip())
    unknown = [name for name in chosen if name not in known]
    if unknown or not chosen:
        raise typer.BadParameter(
            f"{', '.join(unknown) or 'none'}: not columns; these are {', '.join(known)}",
            param_hint="--columns",
        )
    return chosen


def print_rows(rows: list[dict[str, Any]], columns: Sequence[str], shape: Format) -> None:
    """Records as a table (rich), a JSON array of objects or CSV with a header, of ``columns``."""
    if shape is Format.JSON:
        say(json.dumps([{c: row.get(c) for c in columns} for row in rows], indent=1, default=_plain))
    elif shape is Format.CSV:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(row.get(c), c, table=False) for c in columns] for row in rows)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns)
        for column in table.columns:
            column.overflow = "fold"  # a name, a sha256 or a URL is copied whole, never cut short
        for row in rows:
            table.add_row(*(_text(row.get(c), c, table=True) for c in columns))
        Console().print(table)


def _plain(value: Any) -> Any:
    """A value JSON has no type for: a date or a time as ISO 8601."""
    return value.isoformat()


def _text(value: Any, column: str, *, table: bool) -> str:
    from datetime import date, datetime

    if value is None:
        return ""
    if table and isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if table and column in ("total_size", "size"):
        from rich.filesize import decimal

        return decimal(int(value))
    return str(value)


@app.command()
@with_filter_options
def download(
    assets: Annotated[
        list[str] | None,
        typer.Argument(help="assets by name (or choose them by filter options)"),
    ] = None,
    dest: Annotated[
        Path, typer.Option("--dest", file_okay=False, help="the folder to put DEST/ASSET/path in")
    ] = Path(),
    include: Annotated[
        str | None, typer.Option(help="only files whose path matches this glob, e.g. '*.nwb', 'ecephys/**'")
    ] = None,
    parallel: Annotated[int, typer.Option(min=1, max=64, help="files fetched at once")] = 8,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
    url: Url = None,
    token: Token = None,
    **filters: Any,
) -> None:
    """Download the files of assets, named or chosen by the filter options below, to
    DEST/ASSET/path: each checked against its recorded sha256, files already in place skipped,
    interrupted ones resumed. Run it again after a failure."""
    keywords = filter_keywords(filters)
    if assets:
        keywords["names"] = [*keywords.get("names", ()), *assets]
    if not keywords:
        raise typer.BadParameter("name the assets, or choose them with filter options", param_hint="NAME")

    async def work(client: AsyncCatalog) -> Any:
        manifest = await client.manifest(client.assets(**keywords), include=include)
        for name in assets or ():
            if not any(file.asset == name for file in manifest.files):
                complain("warning", f"{name}: no such asset, or no file of it matches")
        if not manifest.files:
            return None
        return await client.download(
            manifest, dest, parallel=parallel, quiet=quiet or not sys.stdout.isatty()
        )

    summary = through_client(url, token, work)
    if summary is None:
        raise fail("no file to download: nothing matches")
    renewed = f", {summary.renewed} links signed again" if summary.renewed else ""
    say(
        f"{summary.files} files downloaded ({summary.bytes} bytes), "
        f"{summary.skipped} already in place{renewed}: {dest}"
    )


@app.command()
def upload(
    folder: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="the asset's folder, named as the asset")
    ],
    name: Annotated[str | None, typer.Option(help="the asset's name (default: the folder's)")] = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="build a derived asset step by step, visible to writers only")
    ] = False,
    step: Annotated[
        str | None,
        typer.Option(help="with --draft: the subfolder of the step to add, or the current one to replace"),
    ] = None,
    parallel: Annotated[int, typer.Option(min=1, max=64, help="files (or parts) sent at once")] = 8,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar")] = False,
    url: Url = None,
    token: Token = None,
) -> None:
    """Register FOLDER as a new asset by sending its files through signed URLs: with --url, a
    writer's token and no storage credentials; without, into this machine's catalog. Every size
    and sha256 is checked in the store before the asset appears; run it again after a failure and
    only what the store lacks is sent.

    Drafts: --draft --step SUBFOLDER adds a step (its processing.json inside) or replaces the
    current one; --draft alone sends the top-level files (the integrated processing.json and
    quality_control.json); then `catalog seal NAME`."""
    if step is not None and not draft:
        raise typer.BadParameter("a step belongs to a draft: add --draft", param_hint="--step")
    summary = through_client(
        url,
        token,
        lambda client: client.upload(
            folder,
            name=name,
            draft=draft,
            step=step,
            parallel=parallel,
            quiet=quiet or not sys.stdout.isatty(),
        ),
    )
    state = (
        f"a draft, step {summary.step}"
        if summary.draft and summary.step
        else "a draft"
        if summary.draft
        else "registered"
    )
    say(
        f"{summary.name}: {state}; {summary.files} files sent ({summary.bytes} bytes), "
        f"{summary.skipped} already stored"
    )


@app.command()
def seal(
    name: Annotated[str, typer.Argument(help="the draft's asset name")],
    url: Url = None,
    token: Token = None,
) -> None:
    """Make a draft (built by `catalog upload --draft`) an ordinary, immutable asset that readers
    see, described from its top-level metadata: its processing.json and quality_control.json must
    be there."""
    through_client(url, token, lambda client: client.seal(name))
    say(f"sealed: {name}")


@app.command()
def locate(
    name: Annotated[str, typer.Argument(help="the asset")],
    add: Annotated[
        str | None,
        typer.Option(
            help="list a further copy of its folder: s3://bucket/prefix/NAME, file:///dir/NAME, https://..."
        ),
    ] = None,
    remove: Annotated[str | None, typer.Option(help="remove a further location, by its URL")] = None,
    label: Annotated[
        str | None, typer.Option(help="with --add: a word for it, e.g. cold, lab-server (default mirror)")
    ] = None,
    priority: Annotated[
        int | None, typer.Option(help="with --add: its place in the order (1 first; default last)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the locations as JSON")] = False,
    url: Url = None,
    token: Token = None,
) -> None:
    """List where an asset's folder is kept (where it was registered first), or add or remove a
    further location that downloads fall back to (--add and --remove take a writer's token)."""
    from catalog.services.locations import fallback_hint

    if add is not None and remove is not None:
        raise typer.BadParameter("add or remove, not both at once", param_hint="--add/--remove")
    if add is None and (label is not None or priority is not None):
        raise typer.BadParameter("goes with --add", param_hint="--label/--priority")

    async def work(client: AsyncCatalog) -> list[dict[str, Any]]:
        if add is not None:
            return await client.add_location(name, add, label=label, priority=priority)
        if remove is not None:
            return await client.remove_location(name, remove)
        return await client.locations(name)

    found = through_client(url, token, work)
    if add is not None:
        added = next(location for location in found if location["url"] == add.rstrip("/"))
        say(f"{name}: {added['url']} added as {added['label']}, priority {added['priority']}")
        if hint := fallback_hint(added["url"], name):
            complain("warning", hint)
    elif remove is not None:
        say(f"{name}: {remove} removed")
    elif as_json:
        say(json.dumps(found, indent=1, default=_plain))
    else:
        _print_locations(found)


def _print_locations(found: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("priority", "label", "url", "fallback", "added by", "added at")
    for column in table.columns:
        column.overflow = "fold"  # a URL is copied whole, never cut short
    for f in found:
        added_at = f["added_at"].isoformat(timespec="seconds") if f["added_at"] else ""
        table.add_row(
            str(f["priority"]),
            f["label"],
            f["url"],
            "yes" if f["fallback"] else "",
            f["added_by"] or "",
            added_at,
        )
    Console().print(table)
