"""Threads: the `thread` object and its request bodies."""

from __future__ import annotations

from typing import Literal

from core.types.assistants import ToolResources, ToolResourcesParam, WireModel
from core.types.messages import MessageCreateParams
from core.types.shared import DeletedObject, Metadata, StrictParams


class Thread(WireModel):
    id: str
    object: Literal["thread"] = "thread"
    created_at: int
    tool_resources: ToolResources | None
    metadata: Metadata | None


class ThreadDeleted(DeletedObject):
    object: Literal["thread.deleted"] = "thread.deleted"


class ThreadCreateParams(StrictParams):
    messages: list[MessageCreateParams] | None = None
    tool_resources: ToolResourcesParam | None = None
    metadata: Metadata | None = None


class ThreadUpdateParams(StrictParams):
    tool_resources: ToolResources | None = None
    metadata: Metadata | None = None
