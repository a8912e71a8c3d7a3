"""The engine's ASGI app: `create_app(settings)` wires storage, workers and the /v1 routes."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline

from engine.blobs import BlobStore
from engine.db import Database
from engine.errors import install_error_handlers
from engine.idempotency import RequestGuard
from engine.ingestion import IngestionService
from engine.retrieval.embedding import EmbeddingService
from engine.routes import (
    assistants,
    chat,
    files,
    messages,
    models,
    projects,
    runs,
    stored_chat,
    threads,
    vector_store_files,
    vector_stores,
)
from engine.runner import EventBus, RunExecutor
from engine.settings import EngineSettings
from engine.state import EngineState

API_DESCRIPTION = (
    "OpenAI-compatible server of PDF Copilot: files, vector stores with search, assistants,"
    " threads, messages, runs with steps and streaming, chat completions and models under /v1."
    " Every /v1 request carries `Authorization: Bearer KEY`: ENGINE_API_KEY (the default"
    " project), a project key issued under /v1/organization/projects, or ENGINE_ADMIN_KEY (which"
    " manages projects and keys, and acts in the project named by an `OpenAI-Project` header)."
    " A key sees only its project's objects; another project's objects answer 404."
)


def _private_dir(path: Path) -> None:
    """The data folder and the database are the owner's only (0700 / 0600)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    database = path / "engine.sqlite3"
    if not database.exists():
        os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
    for name in ("engine.sqlite3", "engine.sqlite3-wal", "engine.sqlite3-shm"):
        if (path / name).exists():
            os.chmod(path / name, 0o600)


def build_state(settings: EngineSettings) -> EngineState:
    _private_dir(settings.data_dir)
    db = Database(settings.data_dir / "engine.sqlite3")
    blobs = BlobStore(settings.data_dir / "blobs")
    embedding = EmbeddingService(db, enabled=settings.embeddings)
    runner = RunExecutor(settings, db, EventBus())
    return EngineState(settings=settings, db=db, blobs=blobs,
                       ingestion=IngestionService(settings, db, blobs,
                                                  on_indexed=embedding.enqueue,
                                                  on_settled=runner.store_settled),
                       runner=runner, embedding=embedding)


def create_app(settings: EngineSettings) -> FastAPI:
    state = build_state(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.start()
        try:
            yield
        finally:
            state.shutdown()

    # The docs page's scripts come from the fastapi-offline package, not a CDN: it must work
    # on a machine with no network.
    app = FastAPIOffline(title="PDF Copilot engine", version="0.1.0",
                         description=API_DESCRIPTION, lifespan=lifespan)
    app.state.engine = state
    # The key is checked (and the project attached) before routing, so before any body is read.
    app.add_middleware(RequestGuard, settings=settings, db=state.db)
    install_error_handlers(app)

    v1 = APIRouter(prefix="/v1")
    # runs before threads: POST /threads/runs must not be taken for POST /threads/{thread_id}.
    for module in (files, vector_stores, vector_store_files, chat, stored_chat, models,
                   assistants, runs, threads, messages, projects):
        v1.include_router(module.router)
    app.include_router(v1)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, object]:
        return {"status": "ok", "ingestion_queue": state.ingestion.pending(),
                "run_queue": state.runner.waiting(), "runs_parked": state.runner.parked(),
                "embedding_queue": state.embedding.pending(),
                "embedding_failed_files": state.embedding.failures,
                "embedded_passages": state.embedding.passages_embedded,
                "embedding_seconds": round(state.embedding.seconds_embedding, 1)}

    return app
