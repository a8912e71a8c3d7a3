"""What every request handler needs, built once per app and reached through `StateDep`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from engine.blobs import BlobStore
from engine.db import Database
from engine.settings import EngineSettings

if TYPE_CHECKING:
    from engine.ingestion import IngestionService
    from engine.runner.executor import RunExecutor


@dataclass
class EngineState:
    settings: EngineSettings
    db: Database
    blobs: BlobStore
    ingestion: IngestionService
    runner: RunExecutor


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
