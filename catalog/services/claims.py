"""Who holds a registration claim, and whether that holder is gone.

A claim names its holder as ``pid@machine`` and is renewed every ``HEARTBEAT``. On the holder's
own machine a pid that no longer exists is dead at once, so a rerun right after a crash takes
over; elsewhere (or when the pid has been reused) a heartbeat older than ``STALE`` tells."""

from __future__ import annotations

import hashlib
import os
import socket
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

HEARTBEAT = timedelta(seconds=5)
"""How often a claim's holder renews it."""
STALE = 3 * HEARTBEAT
"""A claim not renewed for this long belongs to a dead (or frozen) ingest, on any machine."""


@cache
def machine() -> str:
    """This process space: the host name, and on Linux the boot and the pid namespace, so that
    two containers sharing a host name, or one host before and after a reboot, never look alike
    (a pid means nothing outside its own namespace)."""
    identity = []
    for source in ("/proc/sys/kernel/random/boot_id", "/proc/self/ns/pid"):
        try:
            identity.append(os.readlink(source) if source.endswith("/ns/pid") else Path(source).read_text())
        except OSError:
            continue
    digest = hashlib.sha256("\n".join(identity).encode()).hexdigest()[:16]
    return f"{socket.gethostname()}/{digest}"


def holder() -> str:
    """How this process names itself on the claims it takes."""
    return f"{os.getpid()}@{machine()}"


def abandoned(claimed_by: str | None, heartbeat_at: datetime | None, now: datetime) -> bool:
    """Whether a pending claim may be taken over: released (no heartbeat), not renewed for
    ``STALE``, or held by a process of this machine that no longer runs."""
    if heartbeat_at is None or now - heartbeat_at > STALE:
        return True
    pid, _, where = (claimed_by or "").partition("@")
    return where == machine() and pid.isdigit() and not _running(int(pid))


def _running(pid: int) -> bool:
    if os.name != "posix":  # elsewhere signal 0 is no probe: only the heartbeat tells
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
