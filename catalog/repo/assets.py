"""Assets: visibility, claims of a name during registration, lookups and pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from sqlalchemy import JSON, Text, delete, func, insert, select, true, update
from sqlalchemy import cast as cast_to

from catalog.db.explain import Explain, planned_rows
from catalog.db.models import Asset, AssetModality, AssetState, AssetTerm
from catalog.repo import visibility
from catalog.repo.filters import condition
from catalog.repo.pages import after, key_columns, order_by
from catalog.repo.visibility import visible

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from sqlalchemy import CursorResult, Result, Select
    from sqlalchemy.ext.asyncio import AsyncSession

    from catalog.db.dialects import Dialect
    from catalog.schemas.filters import AssetFilter
    from catalog.schemas.orders import AssetOrder


async def by_name(session: AsyncSession, name: str) -> Asset | None:
    return (await session.scalars(visible().where(Asset.name == name))).one_or_none()


async def any_state_by_name(session: AsyncSession, name: str) -> Asset | None:
    """Pending ones included: only registration needs to see a claim in progress."""
    return (await session.scalars(select(Asset).where(Asset.name == name))).one_or_none()


class Taken(NamedTuple):
    """What a name registration finds already registered: enough to tell unchanged from updated."""

    id: int
    state: str
    digest: str | None
    location: str | None


async def taken_by_name(session: AsyncSession, names: Iterable[str]) -> dict[str, Taken]:
    """name → what holds it, for names already taken in any state."""
    rows = await session.execute(
        select(Asset.name, Asset.id, Asset.state, Asset.metadata_digest, Asset.location).where(
            Asset.name.in_(list(names))
        )
    )
    return {
        name: Taken(asset_id, state, digest, location) for name, asset_id, state, digest, location in rows
    }


async def replace_metadata(
    session: AsyncSession, asset_id: int, *, expected_digest: str | None, fields: dict[str, Any]
) -> bool:
    """Rewrite a registered asset's query columns from a new metadata version, only if its metadata
    is still the one the caller read (``expected_digest``): False when a concurrent update came
    first. Its first statement takes the row's write lock, so the rest of the transaction is safe."""
    result = await session.execute(
        update(Asset)
        .where(
            Asset.id == asset_id,
            Asset.state.in_((AssetState.READY, AssetState.DRAFT)),
            Asset.metadata_digest == expected_digest,  # None compiles to IS NULL
        )
        .values(**fields)
    )
    return _changed_one(result)


async def clear_dimensions(session: AsyncSession, asset_ids: Sequence[int]) -> None:
    """Drop the modality and term rows of assets whose metadata is replaced (rewritten after)."""
    if asset_ids:
        await session.execute(delete(AssetModality).where(AssetModality.asset_id.in_(asset_ids)))
        await session.execute(delete(AssetTerm).where(AssetTerm.asset_id.in_(asset_ids)))


async def claim(
    session: AsyncSession, *, name: str, kind: str, token: str, now: datetime, holder: str | None = None
) -> int:
    """Insert a pending row for ``name``; the unique name makes exactly one claimant win. ``holder``
    names the claiming process when it can be probed (see ``services/claims.py``)."""
    return (
        await session.execute(
            insert(Asset)
            .values(
                name=name,
                kind=kind,
                state=AssetState.PENDING,
                claim_token=token,
                claimed_by=holder,
                heartbeat_at=now,
            )
            .returning(Asset.id)
        )
    ).scalar_one()


async def take_over(
    session: AsyncSession, asset_id: int, *, old_token: str | None, token: str, holder: str, now: datetime
) -> bool:
    """Move an abandoned claim to a new claimant; False when somebody else moved it first."""
    result = await session.execute(
        update(Asset)
        .where(Asset.id == asset_id, Asset.state == AssetState.PENDING, Asset.claim_token == old_token)
        .values(claim_token=token, claimed_by=holder, heartbeat_at=now)
    )
    return _changed_one(result)


async def renew_claim(session: AsyncSession, asset_id: int, *, token: str, now: datetime) -> bool:
    result = await session.execute(
        update(Asset)
        .where(Asset.id == asset_id, Asset.state == AssetState.PENDING, Asset.claim_token == token)
        .values(heartbeat_at=now)
    )
    return _changed_one(result)


async def release(session: AsyncSession, asset_id: int, *, token: str) -> None:
    """Give a claim up (its holder failed): the asset stays pending, free for the next run at once."""
    await session.execute(
        update(Asset)
        .where(Asset.id == asset_id, Asset.state == AssetState.PENDING, Asset.claim_token == token)
        .values(claimed_by=None, heartbeat_at=None)
    )


async def publish(
    session: AsyncSession,
    asset_id: int,
    *,
    token: str | None,
    fields: dict[str, Any],
    state: str = AssetState.READY,
) -> bool:
    """Make a claimed asset visible with its final fields (``READY``, or a ``DRAFT``); False if the
    claim was lost."""
    condition = [Asset.id == asset_id, Asset.state == AssetState.PENDING]
    if token is not None:
        condition.append(Asset.claim_token == token)
    result = await session.execute(
        update(Asset)
        .where(*condition)
        .values(**fields, state=state, claim_token=None, claimed_by=None, heartbeat_at=None)
    )
    return _changed_one(result)


async def seal(session: AsyncSession, asset_id: int) -> bool:
    """Make a draft an ordinary registered asset; False when it is no longer a draft."""
    result = await session.execute(
        update(Asset)
        .where(Asset.id == asset_id, Asset.state == AssetState.DRAFT)
        .values(state=AssetState.READY, draft_step=None)
    )
    return _changed_one(result)


async def set_draft_contents(
    session: AsyncSession, asset_id: int, *, step: str | None, files: int, size: int
) -> None:
    """A draft's current step and totals, after an upload changed its files."""
    await session.execute(
        update(Asset)
        .where(Asset.id == asset_id, Asset.state == AssetState.DRAFT)
        .values(draft_step=step, file_count=files, total_size=size)
    )


async def remove_pending(session: AsyncSession, asset_id: int, *, token: str) -> bool:
    """Drop a claim that never became an asset (an abandoned upload's); False if it is no longer
    that claim."""
    result = await session.execute(
        delete(Asset).where(
            Asset.id == asset_id, Asset.state == AssetState.PENDING, Asset.claim_token == token
        )
    )
    return _changed_one(result)


def _changed_one(result: Result[Any]) -> bool:
    """Whether an UPDATE changed exactly one row: its result is a CursorResult at run time,
    though ``AsyncSession.execute`` is typed to return a plain Result."""
    return cast("CursorResult[Any]", result).rowcount == 1


async def insert_ready(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Bulk-register assets whose data needs no upload; returns name → id."""
    if not rows:
        return {}
    result = await session.execute(
        # render_nulls: one multi-row INSERT, not one per pattern of missing values
        insert(Asset).returning(Asset.id, Asset.name).execution_options(render_nulls=True),
        [dict(row, state=AssetState.READY) for row in rows],
    )
    return {name: asset_id for asset_id, name in result}


async def set_modalities(session: AsyncSession, pairs: Sequence[tuple[int, str]]) -> None:
    if pairs:
        await session.execute(insert(AssetModality), [{"asset_id": a, "abbreviation": m} for a, m in pairs])


async def set_terms(session: AsyncSession, rows: Sequence[tuple[int, str, str]]) -> None:
    """(asset id, kind, value) rows of multi-valued dimensions: investigators, experimenters..."""
    if rows:
        await session.execute(insert(AssetTerm), [{"asset_id": a, "kind": k, "value": v} for a, k, v in rows])


async def modalities_by_asset(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[str]]:
    rows = await session.execute(
        select(AssetModality.asset_id, AssetModality.abbreviation)
        .where(AssetModality.asset_id.in_(ids))
        .order_by(AssetModality.asset_id, AssetModality.abbreviation)
    )
    found: dict[int, list[str]] = {}
    for asset_id, abbreviation in rows:
        found.setdefault(asset_id, []).append(abbreviation)
    return found


async def count(session: AsyncSession, dialect: Dialect, spec: AssetFilter | None) -> int:
    query = select(func.count()).select_from(Asset).where(visibility.readable(), condition(dialect, spec))
    return (await session.execute(query)).scalar_one()


@dataclass(frozen=True, slots=True)
class Total:
    """How many assets match: counted, or the planner's estimate."""

    count: int
    estimated: bool


async def counted_page(
    session: AsyncSession,
    dialect: Dialect,
    spec: AssetFilter | None,
    orders: Sequence[AssetOrder],
    first: int,
    after_key: Sequence[Any] | None,
    *,
    estimate_above: int | None,
) -> tuple[list[Asset], Total]:
    """``page`` and how many assets match in all. Where the planner's estimate is cheap to ask and
    exceeds ``estimate_above`` (None: always count), it stands for the count, unless the first
    page holds every match; otherwise one statement answers both."""
    if estimate_above is not None and dialect.estimates_rows:
        matching = select(Asset.id).where(visibility.readable(), condition(dialect, spec))
        estimate = planned_rows((await session.execute(Explain(matching))).scalar_one())
        if estimate > estimate_above:
            rows = await page(session, dialect, spec, orders, first, after_key)
            if after_key is None and len(rows) < first:  # every match is on this page: counted
                return rows, Total(len(rows), estimated=False)
            return rows, Total(estimate, estimated=True)
    counted = (await session.execute(_counted_page_of(dialect, spec, orders, first, after_key))).all()
    total = counted[0][0]  # one row even when the page is empty: the count, then no asset
    return [asset for _, asset in counted if asset is not None], Total(total, estimated=False)


async def page(
    session: AsyncSession,
    dialect: Dialect,
    spec: AssetFilter | None,
    orders: Sequence[AssetOrder],
    first: int,
    after_key: Sequence[Any] | None = None,
) -> list[Asset]:
    """Up to ``first`` matching assets in the given order, after a cursor's key."""
    return list((await session.scalars(_page_of(dialect, spec, orders, first, after_key))).all())


async def page_columns(
    session: AsyncSession,
    dialect: Dialect,
    spec: AssetFilter | None,
    orders: Sequence[AssetOrder],
    first: int,
    after_key: Sequence[Any] | None,
    columns: Iterable[str],
) -> dict[str, list[Any]]:
    """The assets of ``page``, a list of values per column: the named columns of an asset, its
    id and what its order sorts by (a cursor's key). No ORM object per asset, and a JSON column
    is read as text and decoded whole, not one value at a time."""
    wanted = sorted(key_columns(orders).union(columns))
    documents = {name for name in wanted if isinstance(getattr(Asset, name).type, JSON)}
    selected = [
        cast_to(getattr(Asset, name), Text).label(name) if name in documents else getattr(Asset, name)
        for name in wanted
    ]
    query = _page_of(dialect, spec, orders, first, after_key).with_only_columns(*selected)
    rows = (await session.execute(query)).all()
    by_column = zip(*rows, strict=True) if rows else ([] for _ in wanted)
    found = {name: list(values) for name, values in zip(wanted, by_column, strict=True)}
    for name in documents:
        found[name] = json.loads(
            "[" + ",".join("null" if text is None else text for text in found[name]) + "]"
        )
    return found


def _counted_page_of(
    dialect: Dialect,
    spec: AssetFilter | None,
    orders: Sequence[AssetOrder],
    first: int,
    after_key: Sequence[Any] | None,
) -> Select[int, Asset]:
    """The count of the matching assets beside each asset of the page (or beside none, on one
    row). Count and page are two subqueries, each planned as it would be alone: the count may
    run in parallel workers, the page walks the order's index and stops at ``first`` matches. A
    CTE of the matching assets read by both evaluated a filter once, but ran slower, losing both."""
    total = (
        select(func.count().label("total"))
        .select_from(Asset)
        .where(visibility.readable(), condition(dialect, spec))
        .subquery("total")
    )
    chosen = _page_of(dialect, spec, orders, first, after_key).with_only_columns(Asset.id).subquery("chosen")
    return (
        select(total.c.total, Asset)
        .select_from(total)
        .outerjoin(chosen, true())
        .outerjoin(Asset, Asset.id == chosen.c.id)
        .order_by(*order_by(orders))
    )


def _page_of(
    dialect: Dialect,
    spec: AssetFilter | None,
    orders: Sequence[AssetOrder],
    first: int,
    after_key: Sequence[Any] | None,
) -> Select[Asset]:
    query = visible().where(condition(dialect, spec))
    if after_key is not None:
        query = query.where(after(orders, after_key))
    return query.order_by(*order_by(orders)).limit(first)
