"""Domain errors: a message for people and a machine-readable code.

Raised by conventions, services and repositories; mapped once at each edge (the CLI's
exit code, GraphQL's ``extensions.code``, an HTTP status)."""

from __future__ import annotations


class CatalogError(Exception):
    """Base of every error a user can cause; never raised for a bug."""

    code = "INTERNAL"
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(CatalogError):
    """Bad input: a malformed name, unreadable metadata, an unknown field."""

    code = "BAD_USER_INPUT"
    http_status = 400


class InvalidName(Invalid):
    """An asset name that does not follow the naming convention."""


class InvalidMetadata(Invalid):
    """A metadata file that is not JSON or not a JSON object."""


class NotFound(CatalogError):
    code = "NOT_FOUND"
    http_status = 404


class Conflict(CatalogError):
    """The request contradicts what is registered (immutability, a concurrent writer)."""

    code = "CONFLICT"
    http_status = 409


class Unauthenticated(CatalogError):
    """A request whose token is unknown, revoked or malformed, or none where one is required."""

    code = "UNAUTHENTICATED"
    http_status = 401


class Forbidden(CatalogError):
    code = "FORBIDDEN"
    http_status = 403


class Expired(Forbidden):
    """A genuine signed link past its expiry: unlike a forged one, a fresh link will work."""

    code = "LINK_EXPIRED"


class TooLarge(CatalogError):
    """A request body beyond the server's limit."""

    code = "PAYLOAD_TOO_LARGE"
    http_status = 413


class TimedOut(CatalogError):
    """A request that ran past its time budget and was stopped: asking for less will help,
    retrying the same will not."""

    code = "TIMEOUT"
    http_status = 503


class Unavailable(CatalogError):
    """The database or the object store cannot be reached right now: retry shortly."""

    code = "UNAVAILABLE"
    http_status = 503
    retry_after = 5


class Corrupted(CatalogError):
    """A stored object whose bytes differ from what the catalog recorded: the store needs repair
    (``catalog verify``), and retrying will not help."""

    code = "INTEGRITY_ERROR"
    http_status = 500


class Mismatched(Corrupted):
    """Bytes sent for an upload that are not the declared ones (size or sha256): refused, nothing
    kept; sending the right bytes again will work."""

    http_status = 400


class UploadIncomplete(Conflict):
    """An upload completed before every declared file arrived intact: the message names them."""

    code = "UPLOAD_INCOMPLETE"
