"""Wire models of the admin API (OpenAI's /v1/organization/projects shapes)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from core.types.shared import DeletedObject, StrictParams, WireModel


class Project(WireModel):
    id: str
    object: Literal["organization.project"] = "organization.project"
    name: str
    created_at: int
    archived_at: int | None = None
    status: Literal["active", "archived"] = "active"


class ProjectCreateParams(StrictParams):
    name: str = Field(min_length=1, max_length=256)


class ServiceAccountApiKey(WireModel):
    object: str = "organization.project.service_account.api_key"
    value: str = Field(repr=False)
    name: str
    created_at: int
    id: str


class ServiceAccount(WireModel):
    object: str = "organization.project.service_account"
    id: str
    name: str
    role: str = "member"
    created_at: int
    api_key: ServiceAccountApiKey | None = None  # only in the answer to the create call


class ProjectApiKey(WireModel):
    object: str = "organization.project.api_key"
    id: str
    name: str
    redacted_value: str
    created_at: int
    last_used_at: int | None = None


class ProjectDeleted(DeletedObject):
    pass
