"""The engine's ASGI app: `create_app(settings)` wires storage, workers and the /v1 routes."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header
from fastapi_offline import FastAPIOffline

from engine.blobs import BlobStore
from engine.db import Database
from engine.errors import Unauthorized, install_error_handlers
from engine.idempotency import IdempotencyMiddleware
from engine.ingestion import IngestionService
from engine.retrieval.embedding import EmbeddingService
from engine.routes import (
    assistants,
    chat,
    files,
    messages,
    models,
    runs,
    threads,
    vector_store_files,
    vector_stores,
)
from engine.runner import EventBus, RunExecutor
from engine.settings import EngineSettings
from engine.state import EngineState

API_DESCRIPTION = (
    "OpenAI-compatible server of PDF Copilot: files, vector stores with search, assistants,"
    " threads, messages, runs with steps and streaming, chat completions and models under /v1. Every /v1 request carries `Authorization: Bearer KEY`"
    " when the engine was started with ENGINE_API_KEY."
)


def build_state(settings: EngineSettings) -> EngineState:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.data_dir / "engine.sqlite3")
    blobs = BlobStore(settings.data_dir / "blobs")
    embedding = EmbeddingService(db, enabled=settings.embeddings)
    return EngineState(settings=settings, db=db, blobs=blobs,
                       ingestion=IngestionService(settings, db, blobs,
                                                  on_indexed=embedding.enqueue),
                       runner=RunExecutor(settings, db, EventBus()), embedding=embedding)


def _auth_dependency(settings: EngineSettings):
    expected = settings.api_key.get_secret_value().encode() if settings.api_key else None

    def require_key(authorization: Annotated[str | None, Header()] = None) -> None:
        if expected is None:
            return
        if not authorization:
            raise Unauthorized(
                "Missing bearer key: send 'Authorization: Bearer <ENGINE_API_KEY>'.",
                code="missing_api_key",
            )
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
            raise Unauthorized("Incorrect API key provided.", code="invalid_api_key")

    return require_key


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
    app.add_middleware(IdempotencyMiddleware, db=state.db)
    install_error_handlers(app)

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(_auth_dependency(settings))])
    # runs before threads: POST /threads/runs must not be taken for POST /threads/{thread_id}.
    for module in (files, vector_stores, vector_store_files, chat, models, assistants, runs,
                   threads, messages):
        v1.include_router(module.router)
    app.include_router(v1)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, object]:
        return {"status": "ok", "ingestion_queue": state.ingestion.pending(),
                "embedding_queue": state.embedding.pending()}

    return app
