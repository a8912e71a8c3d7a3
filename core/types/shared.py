"""Wire models shared by every resource: errors, deletions, list pages, metadata."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")

Metadata = dict[str, str]


class WireModel(BaseModel):
    """Base of every response object: unknown fields from newer servers are kept, not refused."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class ErrorObject(WireModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(WireModel):
    error: ErrorObject


class DeletedObject(WireModel):
    id: str
    object: str
    deleted: bool = True


class ListResponse(WireModel, Generic[T]):
    object: Literal["list"] = "list"
    data: list[T]
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool = False
