"""What every request handler needs, built once per app and reached through `StateDep`."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from engine.blobs import BlobStore
from engine.db import Database
from engine.settings import EngineSettings

if TYPE_CHECKING:
    from engine.ingestion import IngestionService
    from engine.retrieval.embedding import EmbeddingService
    from engine.runner.executor import RunExecutor


@dataclass
class EngineState:
    settings: EngineSettings
    db: Database
    blobs: BlobStore
    ingestion: IngestionService
    runner: RunExecutor
    embedding: EmbeddingService
    _stop_deadline: float | None = field(default=None, init=False, repr=False)
    _stop_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def start(self) -> None:
        """Clear what a crash left in the blob store, then resume indexing and runs."""
        known = (row[0] for row in self.db.read().execute("SELECT id FROM files"))
        self.blobs.sweep(known)
        self.ingestion.start()
        self.embedding.start()
        self.runner.start()

    def begin_shutdown(self) -> None:
        """Take no new work and start the grace period (idempotent; the first call counts)."""
        with self._stop_lock:
            if self._stop_deadline is None:
                self._stop_deadline = time.monotonic() + self.settings.shutdown_grace_seconds
        self.runner.begin_stop()
        self.ingestion.begin_stop()

    def shutdown(self) -> None:
        """Finish what can be finished within the grace period, leave the rest resumable, close
        the database."""
        self.begin_shutdown()
        deadline = self._stop_deadline
        self.runner.stop(deadline)
        self.ingestion.stop(deadline)
        self.embedding.stop()
        self.db.close()


def _get_state(request: Request) -> EngineState:
    state: EngineState = request.app.state.engine
    return state


StateDep = Annotated[EngineState, Depends(_get_state)]


def _get_project(request: Request) -> str:
    """The project of the request's key (attached by engine.idempotency.RequestGuard)."""
    caller = request.scope.get("state", {}).get("caller")
    if caller is None:  # a route mounted outside the guard: fail closed
        raise RuntimeError(f"{request.url.path} is not behind the key check")
    project: str = caller.project_id
    return project


ProjectDep = Annotated[str, Depends(_get_project)]
