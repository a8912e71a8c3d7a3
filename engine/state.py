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


def _get_state(request: Request) -> EngineState:
    state: EngineState = request.app.state.engine
    return state


StateDep = Annotated[EngineState, Depends(_get_state)]
