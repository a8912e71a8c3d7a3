"""Models: the built-in local model and any configured upstream models."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from core.types.models import Model
from engine.errors import NotFound
from engine.llm.local import LOCAL_MODEL_ID
from engine.settings import EngineSettings
from engine.state import StateDep

router = APIRouter(tags=["models"])
_CREATED = 1767225600  # 2026-01-01, a fixed date so listings are stable


def available_models(settings: EngineSettings) -> list[Model]:
    local = Model(id=LOCAL_MODEL_ID, created=_CREATED, owned_by="pdf-copilot")
    upstream = [Model(id=m, created=_CREATED, owned_by="upstream")
                for m in settings.upstream_model_map()]
    return [local, *upstream]


def resolve_model(settings: EngineSettings, model: str | None, param: str = "model") -> str:
    """The model id to use, or a 404 naming the unknown one."""
    chosen = model or settings.default_model or LOCAL_MODEL_ID
    if chosen not in {m.id for m in available_models(settings)}:
        raise NotFound("model", chosen, param=param)
    return chosen


@router.get("/models")
def list_models(state: StateDep) -> dict[str, Any]:
    data = [m.model_dump(mode="json") for m in available_models(state.settings)]
    return {"object": "list", "data": data}


@router.get("/models/{model_id:path}")
def retrieve_model(state: StateDep, model_id: str) -> dict[str, Any]:
    for model in available_models(state.settings):
        if model.id == model_id:
            return model.model_dump(mode="json")
    raise NotFound("model", model_id, param="model")
