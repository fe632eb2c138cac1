"""The ``catalog`` command: parses arguments, calls services, maps errors to exit codes
(0 success, 1 a user error with a one-line message, 2 a usage error)."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from catalog.errors import CatalogError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine

    from rich.progress import Progress

    from catalog.config import Settings
    from catalog.db.engine import Database

# Each command imports what it needs (SQLAlchemy, alembic, services, servers) when it runs,
# so ``--help`` and argument errors answer at once.

app = typer.Typer(
    help="A metadata catalog for laboratory data.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
token_app = typer.Typer(help="Bearer tokens of people and services.", no_args_is_help=True)
app.add_typer(token_app, name="token")
access_app = typer.Typer(help="Who may read which assets.", no_args_is_help=True)
app.add_typer(access_app, name="access")
metadata_app = typer.Typer(help="Metadata corrections.", no_args_is_help=True)
app.add_typer(metadata_app, name="metadata")

T = TypeVar("T")


def say(message: str) -> None:
    typer.echo(message)


def complain(kind: str, message: str) -> None:
    """One line on stderr: ``error: …`` or ``warning: …``."""
    typer.echo(f"{kind}: {message}", err=True)


def fail(message: str) -> typer.Exit:
    complain("error", message)
    return typer.Exit(1)


def run(main: Callable[[Settings, Database], Coroutine[Any, Any, T]], *, upgrade: bool = True) -> T:
    """Run one command against the database, first migrated to head unless ``upgrade`` is False;
    a CatalogError becomes exit code 1."""
    import asyncio

    from catalog import access
    from catalog.config import Settings
    from catalog.db import migrate
    from catalog.db.engine import Database

    async def wrapped() -> T:
        settings = Settings()
        db = Database(settings.database_url)
        try:
            if upgrade:
                await migrate.ensure_schema(db)
            with access.acting_as(access.OPERATOR, "command line"):  # it holds the database itself
                return await main(settings, db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(wrapped())
    except CatalogError as error:
        raise fail(error.message) from None


def transfer_progress(label: str, *, shown: bool) -> Progress:
    """Bytes moved and their speed, on stderr, shown only on a terminal (and when ``shown``)."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    console = Console(stderr=True)
    return Progress(
        TextColumn(label),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console,
        transient=True,
        disable=not (shown and console.is_terminal),
    )


def print_warnings(name: str, warnings: list[str]) -> None:
    for warning in warnings:
        complain("warning", f"{name}: {warning}")


@app.command()
def ingest(
    folders: Annotated[list[Path], typer.Argument(help="Asset folders, named by the naming convention.")],
) -> None:
    """Register asset folders: hash and store every file, read their metadata."""

    from catalog.conventions.modalities import Vocabulary
    from catalog.services.ingest import FolderIngest
    from catalog.storage import open_store

    async def main(settings: Settings, db: Database) -> int:
        store = open_store(settings)
        ingest = FolderIngest(
            db, store, Vocabulary(settings.extra_modalities), concurrency=settings.ingest_concurrency
        )
        failures = 0
        with transfer_progress("{task.description}", shown=True) as progress:
            for folder in folders:
                task = progress.add_task(folder.name, total=None)
                try:
                    result = await ingest(folder, on_bytes=partial(progress.advance, task))
                except CatalogError as error:
                    failures += 1
                    complain("error", error.message)
                    continue
                finally:
                    progress.remove_task(task)
                print_warnings(result.name, result.warnings)
                say(
                    f"{result.outcome} {result.name}: {result.files} files, {result.bytes} bytes "
                    f"({result.uploaded} stored, {result.reused} already there)"
                )
        await store.close()
        return failures

    if run(main):
        raise typer.Exit(1)


@app.command(name="import")
def import_records(
    records: Annotated[list[Path], typer.Argument(help="JSON, JSON-lines or metadata.nd.json records.")],
) -> None:
    """Register metadata-only records (a DocDB export, metadata.nd.json); data stays where it is."""
    from catalog.conventions.modalities import Vocabulary
    from catalog.services.imports import RecordImport, read_records

    async def main(settings: Settings, db: Database) -> int:
        importer = RecordImport(db, Vocabulary(settings.extra_modalities))
        errors = 0
        for path in records:
            try:
                result = await importer(read_records(path))
            except (CatalogError, OSError) as error:
                complain("error", getattr(error, "message", str(error)))
                errors += 1
                continue
            for name, warnings in result.warnings.items():
                print_warnings(name, warnings)
            for message in result.errors:
                complain("error", message)
            errors += len(result.errors)
            say(
                f"{path}: {result.registered} registered, {result.updated} updated, "
                f"{result.unchanged} unchanged, "
                f"{len(result.errors)} refused"
            )
        return errors

    if run(main):
        raise typer.Exit(1)


@app.command()
def index(
    url: Annotated[str, typer.Argument(help="s3://bucket[/prefix] (or file:///dir) holding asset folders.")],
    hash_files: Annotated[
        bool, typer.Option("--hash/--no-hash", help="Stream objects without a stored checksum to hash them.")
    ] = True,
) -> None:
    """Register assets already sitting in a bucket, reading their metadata from the store."""
    from catalog.conventions.modalities import Vocabulary
    from catalog.services.index import StoreIndex
    from catalog.storage import open_store

    async def main(settings: Settings, db: Database) -> int:
        store = open_store(settings, url)
        try:
            result = await StoreIndex(db, Vocabulary(settings.extra_modalities), hash_files=hash_files)(store)
        finally:
            await store.close()
        for name, warnings in result.warnings.items():
            print_warnings(name, warnings)
        for message in result.errors:
            complain("error", message)
        say(
            f"{url}: {result.registered} registered, {result.updated} updated, {result.unchanged} unchanged, "
            f"{len(result.errors)} refused"
        )
        return len(result.errors)

    if run(main):
        raise typer.Exit(1)


@app.command()
def verify(
    rehash: Annotated[
        bool,
        typer.Option(
            "--rehash", help="Also stream every stored file to compare its sha256 (reads all data)."
        ),
    ] = False,
    names: Annotated[
        list[str] | None, typer.Option("--name", help="Check only this asset (repeat for more).")
    ] = None,
) -> None:
    """Compare the catalog with its stores: files missing, unexpected, or changed in size (or
    sha256, with --rehash). Exits 1 when anything differs."""
    from catalog.services.verify import VerifyReport
    from catalog.services.verify import verify as verify_stores
    from catalog.storage.registry import StoreRegistry

    async def main(settings: Settings, db: Database) -> VerifyReport:
        stores = StoreRegistry(settings)
        with transfer_progress("rehashing", shown=rehash) as progress:
            task = progress.add_task("rehash", total=None)
            try:
                return await verify_stores(
                    db=db,
                    stores=stores,
                    names=names or (),
                    rehash=rehash,
                    on_bytes=partial(progress.advance, task),
                )
            finally:
                await stores.close()

    report = run(main)
    for finding in report.findings:
        say(f"{finding.discrepancy}: {finding.url} ({finding.detail})")
    hashed = f", {report.rehashed} rehashed" if rehash else ""
    say(f"checked {report.assets} assets, {report.files} files, {report.bytes} bytes{hashed}")
    if report.findings:
        raise fail(f"{len(report.findings)} differences between the catalog and its stores")


@app.command(name="expire-uploads")
def expire_uploads() -> None:
    """Discard the uploads (openUpload) past their expiry: their stored objects, parts and claims."""
    from catalog.conventions.modalities import Vocabulary
    from catalog.services.uploads import Uploads
    from catalog.storage import open_store

    async def main(settings: Settings, db: Database) -> list[str]:
        store = open_store(settings)
        try:
            return await Uploads(db, store, Vocabulary(settings.extra_modalities), settings).expire()
        finally:
            await store.close()

    expired = run(main)
    for name in expired:
        say(f"expired: {name}")
    say(f"{len(expired)} expired uploads discarded")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes sharing the port (one per core, say).")
    ] = 1,
) -> None:
    """Serve the GraphQL API (and signed downloads of a local store)."""
    import os

    from catalog.config import Settings

    settings = Settings()
    check_secret(settings, host)
    import uvicorn

    from catalog.app import create_app

    if "public_url" not in settings.model_fields_set:  # links point where this server listens
        settings = settings.model_copy(update={"public_url": f"http://{host}:{port}"})
        os.environ["CATALOG_PUBLIC_URL"] = settings.public_url  # and the workers' links too
    try:
        application = create_app(settings)
    except CatalogError as error:
        raise fail(error.message) from None
    say(f"Catalog at http://{host}:{port}/  (GraphQL API at http://{host}:{port}/graphql)")
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "timeout_graceful_shutdown": 30,
    }
    if workers == 1:
        uvicorn.run(application, **options)
        return
    run(partial(check_pool, workers=workers))  # and migrated once, before the workers start
    # Each worker builds its application from the same environment (the factory reads Settings).
    uvicorn.run("catalog.app:create_app", factory=True, workers=workers, **options)


async def check_pool(settings: Settings, db: Database, *, workers: int) -> None:
    """Warn when the servers' pools could, at a peak, ask PostgreSQL for more connections than it
    takes (beside the slots it reserves for superusers)."""
    from catalog.db.engine import connection_limit

    limit = await connection_limit(db)
    wanted = workers * (settings.db_pool_size + settings.db_max_overflow)
    if limit is not None and wanted > limit:
        complain(
            "warning",
            f"{workers} workers x ({settings.db_pool_size} pooled + {settings.db_max_overflow} overflow) = "
            f"{wanted} connections at a peak, but the database takes {limit}: lower "
            "CATALOG_DB_POOL_SIZE / CATALOG_DB_MAX_OVERFLOW or raise max_connections",
        )


def check_secret(settings: Settings, host: str) -> None:
    """With the default secret anyone who read the README can sign download links: refuse to
    listen beyond this machine, and warn on loopback."""
    import ipaddress

    if settings.secret_key != type(settings).model_fields["secret_key"].default:
        return
    how = "set CATALOG_SECRET_KEY to a long random value, e.g. $(python -c 'import secrets; print(secrets.token_hex(32))')"
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: where it leads is not known here
        loopback = False
    if not loopback:
        raise fail(
            f"refusing to listen on {host} with the default secret key: anyone could sign download links; {how}"
        )
    complain("warning", f"the secret key is the default, fine on loopback only; before serving others, {how}")


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    serve_it: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the catalog once built.")
    ] = True,
) -> None:
    """Build a small, realistic demo catalog in the embedded default and serve it."""
    from catalog.conventions.modalities import Vocabulary
    from catalog.services.demo import build_demo
    from catalog.storage import open_store

    async def main(settings: Settings, db: Database) -> int:
        store = open_store(settings)
        try:
            count = await build_demo(db, store, Vocabulary(settings.extra_modalities))
        finally:
            await store.close()
        say(f"demo catalog: {count} assets")
        return count

    run(main)
    if serve_it:
        serve(host=host, port=port)


DEPLOY_FILES = ("compose.yaml", "nginx.conf")


@app.command(name="deploy-files")
def deploy_files(
    folder: Annotated[Path, typer.Argument(help="Where to write them (created; existing files are kept).")],
    public_url: Annotated[
        str, typer.Option(help="The URL clients reach the proxy at (CATALOG_PUBLIC_URL).")
    ] = "http://localhost:8080",
    s3_public_url: Annotated[
        str, typer.Option(help="The URL clients reach the object store at (presigned URLs).")
    ] = "http://localhost:9000",
) -> None:
    """Write a deployment (PostgreSQL, an S3 store, two servers behind nginx) for docker compose:
    compose.yaml, nginx.conf, and a .env with fresh secrets and this source checkout's path."""
    import secrets

    source = Path(__file__).resolve().parents[1]
    if not (source / "pyproject.toml").is_file() or not (source / "migrations").is_dir():
        raise fail(f"{source} is not the catalog's source checkout: the image is built from one")
    written = {name: (source / "catalog" / "deploy" / name).read_text() for name in DEPLOY_FILES}
    written[".env"] = "".join(
        f"{name}={value}\n"
        for name, value in {
            "CATALOG_SOURCE": source,
            "CATALOG_PUBLIC_URL": public_url,
            "S3_PUBLIC_URL": s3_public_url,
            "CATALOG_SECRET_KEY": secrets.token_hex(32),
            "POSTGRES_PASSWORD": secrets.token_hex(16),
            "MINIO_ROOT_USER": "catalog",
            "MINIO_ROOT_PASSWORD": secrets.token_hex(16),
        }.items()
    )
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in written.items():
        target = folder / name
        if target.exists():
            complain("warning", f"{target} exists: kept as it is")
            continue
        target.write_text(text)
        if name == ".env":
            target.chmod(0o600)  # secrets
        say(f"wrote {target}")
    say(f"then: cd {folder} && docker compose up -d --build")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (alembic upgrade)."""
    from catalog.db import migrate

    run(lambda _settings, db: _announce(migrate.upgrade(db, revision), f"database at {revision}"))


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="e.g. -1 or base")]) -> None:
    """Revert migrations down to REVISION (alembic downgrade)."""
    from catalog.db import migrate

    async def main(_settings: Settings, db: Database) -> None:
        await migrate.downgrade(db, revision)
        say(f"database at {revision}")

    run(main, upgrade=False)


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision."""
    from catalog.db import migrate

    async def main(_settings: Settings, db: Database) -> None:
        say(str(await migrate.current_revision(db)))

    run(main, upgrade=False)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="who or what the token is for")],
    role: Annotated[str, typer.Option(help="reader, writer or admin")],
    group: Annotated[
        list[str] | None, typer.Option(help="a group whose private assets it may read (repeat)")
    ] = None,
) -> None:
    """Create a token; its secret is printed alone on the last line, and never shown again."""
    from catalog.services import tokens

    async def main(_settings: Settings, db: Database) -> None:
        secret = await tokens.create(db, name, role, group or [])
        say(f"token {name!r} ({role}) created; keep its secret now, it is not stored:")
        say(secret)

    run(main)


@token_app.command("list")
def token_list() -> None:
    """Every token: name, role, groups, when created and revoked (never the secret)."""
    from catalog.services import tokens

    async def main(_settings: Settings, db: Database) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table("name", "role", "groups", "created", "revoked")
        for token in await tokens.listing(db):
            revoked = token.revoked_at.isoformat(timespec="seconds") if token.revoked_at else ""
            created = token.created_at.isoformat(timespec="seconds")
            table.add_row(token.name, token.role, ", ".join(token.groups), created, revoked)
        Console().print(table)

    run(main)


@token_app.command("revoke")
def token_revoke(name: Annotated[str, typer.Argument(help="the token's name")]) -> None:
    """Revoke a token: requests carrying it are refused from now on (401)."""
    from catalog.services import tokens

    async def main(_settings: Settings, db: Database) -> None:
        await tokens.revoke(db, name)
        say(f"token {name!r} revoked")

    run(main)


@access_app.command("set")
def access_set(
    project: Annotated[str | None, typer.Option(help="a project: its assets, later ones too")] = None,
    asset: Annotated[str | None, typer.Option(help="one asset (its rule wins over its project's)")] = None,
    public: Annotated[bool, typer.Option("--public", help="readable by everyone")] = False,
    group: Annotated[list[str] | None, typer.Option(help="a group that may read it (repeat)")] = None,
    embargo_until: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD: the groups read it until then, everyone after")
    ] = None,
) -> None:
    """Make a project or an asset public, or private to groups (optionally until a date)."""
    from catalog.services import rules

    async def main(_settings: Settings, db: Database) -> None:
        found = await rules.set_access(
            db, project=project, asset=asset, public=public, groups=group or [], embargo_until=embargo_until
        )
        say(found)

    run(main)


@metadata_app.command("set")
def metadata_set(
    name: Annotated[str, typer.Argument(help="the asset")],
    document: Annotated[str, typer.Argument(help="e.g. subject, procedures")],
    file: Annotated[
        Path, typer.Argument(help="the corrected document, a JSON object", exists=True, dir_okay=False)
    ],
    reason: Annotated[str, typer.Option(help="why: kept with the new version")],
) -> None:
    """Correct one metadata document of an asset: a new version with its reason, never an overwrite."""
    from catalog.conventions.modalities import Vocabulary
    from catalog.services import corrections

    try:
        content = json.loads(file.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(f"{file}: not JSON ({error})") from None

    async def main(settings: Settings, db: Database) -> None:
        vocabulary = Vocabulary(settings.extra_modalities)
        version = await corrections.correct(db, vocabulary, name, document, content, reason)
        say(f"{name}: {document} is at version {version}")

    run(main)


async def _announce(work: Awaitable[None], message: str) -> None:
    await work
    say(message)


import catalog.cli_client  # noqa: E402, F401  (find and download, which use the helpers above)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
