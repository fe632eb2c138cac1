"""benchmarks/RESULTS.md: each benchmark rewrites its own section and keeps the others."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(heading: str, section: str, path: Path = RESULTS) -> None:
    """Replace the section under ``heading`` (or append it). The file is read right before it
    is written, so sections another benchmark wrote meanwhile are kept."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def verdict(ok: bool) -> str:
    """A target's cell: met, or not (in bold)."""
    return "yes" if ok else "**no**"


def preamble(heading: str, command: str, setup: str) -> list[str]:
    """The lines a section opens with: its heading, the exact command, when, and on what."""
    return [
        heading,
        "",
        f"- command: `{command}`",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {os.cpu_count()} cores, shared and noisy (figures vary run to run); Python "
        f"{platform.python_version()}, {setup}",
    ]
