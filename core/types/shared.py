"""Wire models shared by every resource: errors, deletions, list pages, metadata."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

T = TypeVar("T")

Metadata = dict[str, str]


class WireModel(BaseModel):
    """Base of every response object; it dumps the way the spec reads.

    Unknown fields from newer servers are kept, not refused. Required fields (no default here)
    always appear, null included; optional fields left None are omitted, because the spec types
    most of them as non-nullable (a `file_search: null` tool is invalid, an absent one is fine).
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    @model_serializer(mode="wrap")
    def _omit_unset_optionals(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name, field in type(self).model_fields.items():
                key = field.serialization_alias or name
                if key in data and data[key] is None and not field.is_required():
                    del data[key]
        return data


class StrictParams(BaseModel):
    """Request bodies: unknown fields are a client mistake and get a 400 naming them."""

    model_config = ConfigDict(extra="forbid")


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
