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


class Forbidden(CatalogError):
    code = "FORBIDDEN"
    http_status = 403
