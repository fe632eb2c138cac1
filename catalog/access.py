"""Who is asking: the roles a token carries and the viewer a request acts as.

A token names a person or a service, a role (what they may do) and groups (which private
projects they may read). Requests without a token act as ``ANONYMOUS``."""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from catalog.errors import Invalid

if TYPE_CHECKING:
    from collections.abc import Iterator


class Role(StrEnum):
    """What a viewer may do: read what they may see; also register and correct; also manage
    tokens, access rules and read the audit log."""

    READER = "reader"
    WRITER = "writer"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person or service a request acts as."""

    name: str
    role: Role | None
    """None: anonymous, reading what is public."""
    groups: frozenset[str] = frozenset()

    @property
    def anonymous(self) -> bool:
        return self.role is None

    @property
    def sees_everything(self) -> bool:
        return self.role is Role.ADMIN


NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,127}")
"""A token's or a group's name: letters, digits and ``._@-``, up to 128 characters."""


def checked_name(kind: str, name: str) -> str:
    """A token's or a group's name, or ``Invalid``."""
    if not NAME.fullmatch(name):
        raise Invalid(f"{kind} name {name!r}: use letters, digits and ._@- (up to 128 characters)")
    return name


ANONYMOUS = Viewer(name="anonymous", role=None)
OPERATOR = Viewer(name="operator", role=Role.ADMIN)
"""Whoever runs the command line: they hold the database itself."""

_acting: ContextVar[Viewer] = ContextVar("viewer", default=ANONYMOUS)
_origin: ContextVar[str] = ContextVar("origin", default="in process")


def current() -> Viewer:
    """The viewer the running request or command acts as: anonymous unless one was set, so that
    a path that forgets to say who is asking sees only what is public."""
    return _acting.get()


def origin() -> str:
    """Where the running request or command comes from: a client's address, the command line."""
    return _origin.get()


@contextmanager
def acting_as(viewer: Viewer, origin: str | None = None) -> Iterator[None]:
    """Act as ``viewer`` (from ``origin``) within the block (tasks started in it inherit both)."""
    token = _acting.set(viewer)
    where = _origin.set(origin) if origin is not None else None
    try:
        yield
    finally:
        _acting.reset(token)
        if where is not None:
            _origin.reset(where)
