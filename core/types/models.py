"""Models: the `model` object listed by /v1/models."""

from __future__ import annotations

from typing import Literal

from core.types.shared import WireModel


class Model(WireModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str
