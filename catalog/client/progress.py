"""What a transfer shows while it runs: one rich progress bar of bytes (with rate and time left)
and files done, or nothing when asked to be quiet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

if TYPE_CHECKING:
    from types import TracebackType


class TransferProgress:
    def __init__(self, files: int, size: int, *, quiet: bool, label: str = "download") -> None:
        self._files, self._done = files, 0
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[files]}"),
            disable=quiet,
        )
        self._task = self._bar.add_task(label, total=size, files=self._files_text())

    def __enter__(self) -> TransferProgress:
        self._bar.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._bar.stop()

    def advance(self, size: int) -> None:
        """Bytes moved (negative: bytes discarded, when a file starts over)."""
        self._bar.advance(self._task, size)

    def finished(self) -> None:
        """A file is in place."""
        self._done += 1
        self._bar.update(self._task, files=self._files_text())

    def skipped(self, size: int) -> None:
        """A file was already in place: done, with no bytes to move."""
        self._done += 1
        total = self._bar.tasks[0].total or 0
        self._bar.update(self._task, total=total - size, files=self._files_text())

    def _files_text(self) -> str:
        return f"{self._done}/{self._files} files"


class Credit:
    """One file's (or part's) share of the progress bar: where its bytes stand, moved forward or
    back (a retry starts it over)."""

    def __init__(self, progress: TransferProgress) -> None:
        self._progress, self._position = progress, 0

    def at(self, position: int) -> None:
        self._progress.advance(position - self._position)
        self._position = position
