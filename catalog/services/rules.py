"""Access rules as an admin sets them: a project or one asset made public, or private to
groups, optionally until an embargo date (after which it is public without anyone acting)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from catalog.access import checked_name
from catalog.errors import Invalid
from catalog.repo import access, audit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from catalog.db.engine import Database


async def set_access(
    db: Database,
    *,
    project: str | None = None,
    asset: str | None = None,
    public: bool = False,
    groups: Sequence[str] = (),
    embargo_until: str | None = None,
) -> str:
    """Set the rule of a project or an asset; a sentence saying what it now is."""
    if (project is None) == (asset is None):
        raise Invalid("name either a project or an asset")
    if public == bool(groups):
        raise Invalid("make it either public or private to one or more groups")
    if embargo_until is not None and public:
        raise Invalid("an embargo goes with groups: the groups read it until the date, everyone after")
    until = _day(embargo_until) if embargo_until is not None else None
    names = [checked_name("group", g) for g in groups]
    async with db.transaction() as session:
        await access.set_rule(
            session,
            project=project,
            asset_name=asset,
            groups=names,
            embargo_until=until,
            now=datetime.now(UTC),
        )
        target = f"project:{project}" if project is not None else f"asset:{asset}"
        detail = {"public": public, "groups": sorted(set(names)), "embargo_until": embargo_until}
        await audit.record(session, "access", [(target, detail)])
    what = f"project {project!r}" if project is not None else f"asset {asset!r}"
    if public:
        return f"{what} is public"
    embargo = f" until {until.isoformat()}, public from then on" if until else ""
    return f"{what} is readable by {', '.join(sorted(set(names)))}{embargo}"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(f"embargo date {text!r}: write it as YYYY-MM-DD") from None
