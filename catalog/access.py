"""Who is asking: the roles a token carries and the viewer a request acts as.

A token names a person or a service, a role (what they may do) and groups (which private
projects they may read). Requests without a token act as ``ANONYMOUS``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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


ANONYMOUS = Viewer(name="anonymous", role=None)
