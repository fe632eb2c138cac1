"""Database failures as domain errors, told apart by the drivers' error codes (never by message
text): an outage or a full pool is UNAVAILABLE (retry shortly), a statement stopped by the time
budget is TIMEOUT (ask for less), a value the database refuses is the request's mistake."""

from __future__ import annotations

from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from catalog.errors import CatalogError, Invalid, TimedOut, Unavailable

QUERY_CANCELED = "57014"
"""PostgreSQL's SQLSTATE for a statement stopped by ``statement_timeout``."""
SQLITE_INTERRUPT = 9
"""SQLite's result code for a statement stopped by the progress handler."""
UNREACHABLE_SQLSTATES = ("08", "57P", "53")
"""PostgreSQL: connection exceptions, operator intervention (shutdown, restart), insufficient resources."""
UNREACHABLE_SQLITE = {5, 6, 10, 13, 14, 15}
"""SQLite: BUSY, LOCKED, IOERR, FULL, CANTOPEN, PROTOCOL."""
FAILURES = (DBAPIError, PoolTimeout, ConnectionError, TimeoutError)
"""What ``domain_error`` may translate; anything else is not a database failure."""


def domain_error(error: BaseException, budget: float | None) -> CatalogError | None:
    """The domain error a database failure means, or None when it is no failure of these kinds
    (an integrity conflict, a bug) and must propagate as it is."""
    orig = getattr(error, "orig", None)
    if getattr(orig, "sqlstate", None) == QUERY_CANCELED or getattr(orig, "sqlite_errorcode", None) == (
        SQLITE_INTERRUPT
    ):
        limit = f"{budget:g} s" if budget is not None else "its time budget"
        return TimedOut(f"the request took longer than {limit} and was stopped: ask for less or narrow it")
    if isinstance(error, DataError):
        return Invalid("a value in the request cannot be used by the database (out of range or malformed)")
    if _unreachable(error, orig):
        return Unavailable("the database cannot be reached right now: retry shortly")
    return None


def _unreachable(error: BaseException, orig: object) -> bool:
    """A lost or refused connection, a full pool, a server shutting down or out of resources, a
    busy SQLite file: not an error in the statement, which (like a bug) is left alone."""
    if isinstance(error, (PoolTimeout, ConnectionError, TimeoutError, InterfaceError)):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    sqlstate = getattr(orig, "sqlstate", None) or ""
    return isinstance(error, OperationalError) and (
        sqlstate.startswith(UNREACHABLE_SQLSTATES)
        or getattr(orig, "sqlite_errorcode", None) in UNREACHABLE_SQLITE
    )
