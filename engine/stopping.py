"""Stopping worker threads within a grace period, shared by ingestion and the run executor."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

DEFAULT_GRACE_SECONDS = 5.0
# After the work was interrupted, this long is left for the threads to notice.
STOP_JOIN_SECONDS = 2.0


def join_within(
    threads: Iterable[threading.Thread], deadline: float | None, interrupt: Callable[[], None]
) -> None:
    """Let `threads` finish until `deadline` (time.monotonic()), then `interrupt()` what they
    are doing and give them STOP_JOIN_SECONDS more."""
    threads = list(threads)
    if deadline is None:
        deadline = time.monotonic() + DEFAULT_GRACE_SECONDS
    for thread in threads:
        if thread.is_alive():
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
    interrupt()
    for thread in threads:
        if thread.is_alive():
            thread.join(timeout=STOP_JOIN_SECONDS)
