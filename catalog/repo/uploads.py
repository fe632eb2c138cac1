"""Uploads through presigned URLs and the steps of drafts: their rows, and nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import delete, exists, func, insert, select, update

from catalog.db.models import DraftStep, Upload, UploadFile

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from sqlalchemy import CursorResult
    from sqlalchemy.ext.asyncio import AsyncSession

OPEN, COMPLETED, ABORTED = "open", "completed", "aborted"


async def get(session: AsyncSession, upload_id: str) -> Upload | None:
    return await session.get(Upload, upload_id)


async def open_for_name(session: AsyncSession, name: str) -> Upload | None:
    """The open upload of ``name`` (expired or not): at most one, by the unique ``open_name``."""
    return (await session.scalars(select(Upload).where(Upload.open_name == name))).one_or_none()


async def holds(session: AsyncSession, asset_id: int, now: datetime) -> bool:
    """Whether an unexpired upload holds the asset: no ingest may take its claim over."""
    query = select(exists().where(Upload.asset_id == asset_id, Upload.state == OPEN, Upload.expires_at > now))
    return bool((await session.execute(query)).scalar_one())


async def accepts(session: AsyncSession, key: str, now: datetime) -> bool:
    """Whether an open, unexpired upload declares a file at ``key``: only such bytes are taken."""
    query = select(
        exists()
        .where(UploadFile.key == key, UploadFile.upload_id == Upload.id)
        .where(Upload.state == OPEN, Upload.expires_at > now)
    )
    return bool((await session.execute(query)).scalar_one())


async def files_of(session: AsyncSession, upload_id: str) -> list[UploadFile]:
    rows = await session.scalars(
        select(UploadFile).where(UploadFile.upload_id == upload_id).order_by(UploadFile.path)
    )
    return list(rows)


async def add(session: AsyncSession, upload: dict[str, Any], files: Sequence[dict[str, Any]]) -> None:
    await session.execute(insert(Upload).values(**upload, state=OPEN, open_name=upload["name"]))
    await session.execute(insert(UploadFile), [dict(row, upload_id=upload["id"]) for row in files])


async def set_parts_id(session: AsyncSession, upload_id: str, path: str, parts_id: str) -> None:
    await session.execute(
        update(UploadFile)
        .where(UploadFile.upload_id == upload_id, UploadFile.path == path)
        .values(parts_id=parts_id)
    )


async def close(session: AsyncSession, upload_id: str, state: str) -> bool:
    """End an open upload (``COMPLETED`` or ``ABORTED``); False when it was no longer open."""
    result = await session.execute(
        update(Upload).where(Upload.id == upload_id, Upload.state == OPEN).values(state=state, open_name=None)
    )
    return cast("CursorResult[Any]", result).rowcount == 1


async def expired(session: AsyncSession, now: datetime) -> list[Upload]:
    rows = await session.scalars(
        select(Upload).where(Upload.state == OPEN, Upload.expires_at <= now).order_by(Upload.expires_at)
    )
    return list(rows)


async def remove(session: AsyncSession, upload_id: str) -> None:
    await session.execute(delete(Upload).where(Upload.id == upload_id))


async def steps(session: AsyncSession, asset_id: int) -> list[str]:
    """A draft's steps, in order: the last is the current one."""
    rows = await session.scalars(
        select(DraftStep.step).where(DraftStep.asset_id == asset_id).order_by(DraftStep.position)
    )
    return list(rows)


async def add_step(session: AsyncSession, asset_id: int, step: str, now: datetime) -> None:
    position = select(func.coalesce(func.max(DraftStep.position), 0) + 1).where(
        DraftStep.asset_id == asset_id
    )
    await session.execute(
        insert(DraftStep).values(
            asset_id=asset_id, position=position.scalar_subquery(), step=step, recorded_at=now
        )
    )
