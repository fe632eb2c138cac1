"""Corrections: a writer or an admin replaces one metadata document of an asset with a reason,
written as a new version (the old ones stay readable) by the same planning and writing a changed
record goes through; and what changed between two versions, field by field."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from catalog import access
from catalog.access import Role
from catalog.errors import Forbidden, Invalid, NotFound
from catalog.repo import assets, documents
from catalog.services.describe import describe
from catalog.services.register import apply_updates, now, plan_update

if TYPE_CHECKING:
    from catalog.conventions.modalities import Vocabulary
    from catalog.db.engine import Database

DOCUMENT = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""A document's name as records spell them (``subject``, ``quality_control``)."""
MAX_REASON_CHARS = 2000


async def correct(
    db: Database, vocabulary: Vocabulary, name: str, document: str, content: Any, reason: str
) -> int:
    """Replace ``document`` of the asset ``name`` with ``content``; the version now current (the
    same as before when nothing changed). A concurrent correction that came first is a conflict
    naming the version it wrote."""
    if access.current().role not in (Role.WRITER, Role.ADMIN):
        raise Forbidden("correcting metadata takes a writer's or an admin's token")
    if not reason.strip() or len(reason) > MAX_REASON_CHARS:
        raise Invalid(f"say why in 1 to {MAX_REASON_CHARS} characters: a correction needs a reason")
    if not DOCUMENT.fullmatch(document):
        raise Invalid(f"document {document!r}: a name such as subject or procedures")
    if not isinstance(content, dict):
        raise Invalid("a metadata document is a JSON object")
    async with db.transaction() as session:
        row = await assets.by_name(session, name)
        if row is None:
            raise NotFound(f"no asset named {name!r}")
        history = (await documents.history(session, [row.id])).get(row.id, [])
        current = {v.document: v.content for v in history if v.is_current} | {document: content}
        description = describe(name, current, vocabulary)
        taken = assets.Taken(row.id, row.state, row.metadata_digest, row.location)
        update = plan_update(name, taken, history, description, reason=reason.strip())
        if update is None:
            return max(v.version for v in history if v.document == document)
        await apply_updates(session, [update], now())  # MetadataMoved (a conflict) if one came first
    return next(v.version for v in update.versions if v.document == document)


@dataclass(frozen=True, slots=True)
class Change:
    """One field that differs between two versions: its path (keys and positions, ``a.b[2].c``)
    and its value before and after (None where it was absent)."""

    path: str
    before: Any
    after: Any


def changes(before: Any, after: Any, path: str = "") -> list[Change]:
    """The fields that differ, down to the first level where the two stop being objects or arrays
    of the same length; in document order."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[Change] = []
        for key in [*before, *(k for k in after if k not in before)]:
            inner = f"{path}.{key}" if path else key
            if key not in after:
                found.append(Change(inner, before[key], None))
            elif key not in before:
                found.append(Change(inner, None, after[key]))
            else:
                found += changes(before[key], after[key], inner)
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [
            c
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for c in changes(b, a, f"{path}[{i}]")
        ]
    same = json.dumps(before, sort_keys=True) == json.dumps(after, sort_keys=True)
    return [] if same else [Change(path or "$", before, after)]
