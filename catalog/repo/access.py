"""Access rules: set by admins on a project or an asset, and which one applies to each asset
(``assets.access_rule_id``), kept current here whenever a rule or an asset changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select, update

from catalog.db.models import AccessRule, AccessRuleGroup, Asset

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime

    from sqlalchemy import ColumnElement
    from sqlalchemy.ext.asyncio import AsyncSession


async def set_rule(
    session: AsyncSession,
    *,
    project: str | None,
    asset_name: str | None,
    groups: Sequence[str],
    embargo_until: date | None,
    now: datetime,
) -> int:
    """The rule of a project or an asset (replacing any it had): public when no groups are given;
    the assets it covers, registered or registered later, follow it."""
    target = AccessRule.project == project if project is not None else AccessRule.asset_name == asset_name
    fields = {"public": not groups, "embargo_until": embargo_until, "updated_at": now}
    rule_id = await session.scalar(select(AccessRule.id).where(target))
    if rule_id is None:
        rule_id = await session.scalar(
            insert(AccessRule)
            .values(project=project, asset_name=asset_name, **fields)
            .returning(AccessRule.id)
        )
    else:
        await session.execute(update(AccessRule).where(AccessRule.id == rule_id).values(**fields))
        await session.execute(delete(AccessRuleGroup).where(AccessRuleGroup.rule_id == rule_id))
    if groups:
        await session.execute(
            insert(AccessRuleGroup), [{"rule_id": rule_id, "group": g} for g in sorted(set(groups))]
        )
    covered = Asset.project == project if project is not None else Asset.name == asset_name
    await _follow_rules(session, covered)
    assert rule_id is not None
    return rule_id


async def apply(session: AsyncSession, asset_ids: Sequence[int]) -> None:
    """Newly registered or re-described assets follow the rules (their project may be new)."""
    if asset_ids:
        await _follow_rules(session, Asset.id.in_(asset_ids))


async def _follow_rules(session: AsyncSession, which: ColumnElement[bool]) -> None:
    own = select(AccessRule.id).where(AccessRule.asset_name == Asset.name).scalar_subquery()
    projects = select(AccessRule.id).where(AccessRule.project == Asset.project).scalar_subquery()
    await session.execute(update(Asset).where(which).values(access_rule_id=func.coalesce(own, projects)))
