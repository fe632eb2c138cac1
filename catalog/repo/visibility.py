"""What a reader may see, decided once: every read of assets (rows, counts, facets, aggregates,
lineage, files, manifests, downloads) tests ``readable``, so that no path can show what its
viewer may not see. The viewer is the one the request or command acts as (``access.current``:
anonymous unless the edge said otherwise)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, not_, or_, select, true

from catalog import access
from catalog.access import Role
from catalog.db.models import AccessRule, AccessRuleGroup, Asset, AssetState

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Select


def readable() -> ColumnElement[bool]:
    """Whether the current viewer may see an asset: registered completely (or a draft, to a viewer
    whose role can write), and public (no rule, a public rule, or an embargo past), or covered by
    a rule naming one of the viewer's groups; an admin sees every registered asset."""
    if access.current().role in (Role.WRITER, Role.ADMIN):
        return and_(Asset.state.in_((AssetState.READY, AssetState.DRAFT)), _allowed())
    return and_(Asset.state == AssetState.READY, _allowed())


def scope() -> tuple[object, ...]:
    """What ``readable`` depends on besides the data: viewers with the same scope on the same day
    (embargoes end at midnight) see the same assets, so an answer kept for one serves the other."""
    viewer = access.current()
    if viewer.sees_everything:
        return (viewer.role,)
    return (viewer.role, tuple(sorted(viewer.groups)), datetime.now(UTC).date())


def withheld() -> ColumnElement[bool]:
    """Whether an asset is registered but the current viewer may not see it: what lineage shows as
    a placeholder, never by name."""
    return and_(Asset.state == AssetState.READY, not_(_allowed()))


def _allowed() -> ColumnElement[bool]:
    """The viewer's side of ``readable``: the asset's rule lets the viewer in."""
    viewer = access.current()
    if viewer.sees_everything:
        return true()
    today = datetime.now(UTC).date()
    open_rules = select(AccessRule.id).where(or_(AccessRule.public, AccessRule.embargo_until <= today))
    allowed = [Asset.access_rule_id.is_(None), Asset.access_rule_id.in_(open_rules)]
    if viewer.groups:
        member = select(AccessRuleGroup.rule_id).where(AccessRuleGroup.group.in_(sorted(viewer.groups)))
        allowed.append(Asset.access_rule_id.in_(member))
    return or_(*allowed)


def visible() -> Select[Asset]:
    """The assets the current viewer may see, as rows (``readable``)."""
    return select(Asset).where(readable())
