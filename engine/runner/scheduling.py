"""Where runs wait: a bounded queue of runs ready for a worker, and runs parked on indexing.

- A run whose vector stores still have files being indexed holds no worker: it is *parked*
  (it keeps its `in_progress` status) and goes back to the ready queue as soon as the stores'
  files have all completed, failed or been cancelled — told by ingestion when a file settles,
  checked anyway every PARK_CHECK_SECONDS (a cancel or a delete settles files too) — or when
  its wait for indexing is over (then it answers from what is indexed, as before).
- The ready queue holds at most `depth` runs admitted by a request; one more is refused
  (429 `rate_limit_exceeded`) with a `Retry-After` computed from the queue: the runs ahead of
  the caller, the workers, and how long runs have taken lately.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from engine.db import Database
from engine.errors import TooManyRequests

log = logging.getLogger("engine.runner")
PARK_CHECK_SECONDS = 0.5  # the periodic check of parked runs' stores, besides ingestion's word
FIRST_RUN_SECONDS = 0.5  # the guess of a run's duration before any has been timed
_SMOOTHING = 0.2  # weight of the newest run in the moving average of run durations


class EngineBusy(TooManyRequests):
    """The run queue is full; `Retry-After` says when a slot is likely free."""

    def __init__(self, queued: int, retry_after: float):
        super().__init__(
            f"The engine is busy: {queued} runs are waiting for a worker. Try again in"
            f" {retry_after:.1f} s (the Retry-After header says when).", retry_after=retry_after)


@dataclass
class _Parked:
    store_ids: list[str]
    until: float  # time.monotonic() when the run stops waiting for its stores


class RunQueue:
    """The ready queue (bounded for new runs) and the parked runs, with their waker thread."""

    def __init__(self, db: Database, *, workers: int, depth: int):
        self._db, self._workers, self._depth = db, workers, depth
        self._ready: queue.Queue[str | None] = queue.Queue()
        self._parked: dict[str, _Parked] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._mean_seconds = FIRST_RUN_SECONDS
        self._waker = threading.Thread(target=self._watch, name="run-waker", daemon=True)

    def start(self) -> None:
        self._waker.start()

    def close(self, workers: int) -> None:
        """Wake `workers` idle workers with None and stop the waker; parked runs stay put."""
        self._closed.set()
        self._wake.set()
        for _ in range(workers):
            self._ready.put(None)

    # --- the ready queue ----------------------------------------------------------------------

    def admit(self) -> None:
        """Refuse a new run with EngineBusy while `depth` runs already wait for a worker."""
        waiting = self._ready.qsize()
        if waiting >= self._depth:
            raise EngineBusy(waiting, self.retry_after(waiting))

    def retry_after(self, waiting: int) -> float:
        """Seconds until the runs waiting now have gone to a worker, at the recent pace."""
        return max(waiting, 1) * self._mean_seconds / self._workers

    def put(self, run_id: str) -> None:
        self._ready.put(run_id)

    def get(self) -> str | None:
        return self._ready.get()

    def waiting(self) -> int:
        return self._ready.qsize()

    @contextmanager
    def timed(self) -> Iterator[None]:
        """Time a run's turn on a worker into the moving average behind Retry-After."""
        started = time.monotonic()
        try:
            yield
        finally:
            seconds = time.monotonic() - started
            with self._lock:
                self._mean_seconds += _SMOOTHING * (seconds - self._mean_seconds)

    # --- parked runs --------------------------------------------------------------------------

    def park(self, run_id: str, store_ids: list[str], until: float) -> None:
        with self._lock:
            self._parked[run_id] = _Parked(list(store_ids), until)
        self._wake.set()  # the store may have settled between the check and now

    def unpark(self, run_id: str) -> bool:
        """Forget a parked run (it was cancelled); False if it was not parked."""
        with self._lock:
            return self._parked.pop(run_id, None) is not None

    def parked(self) -> list[str]:
        with self._lock:
            return list(self._parked)

    def store_settled(self, vector_store_id: str | None = None) -> None:
        """A file of a store finished indexing (any outcome): look at the parked runs now."""
        self._wake.set()

    def _watch(self) -> None:
        while not self._closed.is_set():
            self._wake.wait(PARK_CHECK_SECONDS)
            self._wake.clear()
            if self._closed.is_set():
                return
            try:
                self._release_ready()
            except Exception:  # the database closed under us at shutdown, or a bad moment
                if not self._closed.is_set():
                    log.exception("checking parked runs failed")

    def _release_ready(self) -> None:
        with self._lock:
            parked = dict(self._parked)
        if not parked:
            return
        stores = sorted({s for p in parked.values() for s in p.store_ids})
        busy = busy_stores(self._db, stores)
        clock = time.monotonic()
        ready = [run_id for run_id, p in parked.items()
                 if clock >= p.until or not busy.intersection(p.store_ids)]
        with self._lock:
            ready = [run_id for run_id in ready if self._parked.pop(run_id, None) is not None]
        for run_id in ready:  # admitted already: the bound is for new runs only
            self._ready.put(run_id)


def busy_stores(db: Database, store_ids: list[str]) -> set[str]:
    """The stores among `store_ids` that have a file still being indexed."""
    if not store_ids:
        return set()
    marks = ",".join("?" * len(store_ids))
    rows = db.read().execute(
        f"SELECT DISTINCT vector_store_id FROM vector_store_files WHERE status = 'in_progress'"
        f" AND vector_store_id IN ({marks})", store_ids).fetchall()
    return {row[0] for row in rows}


StoreSettled = Callable[[str], None]

__all__ = ["EngineBusy", "RunQueue", "StoreSettled", "busy_stores"]
