"""The admin API (needs the admin key): projects, their service accounts (each issues one key,
shown once) and their API keys, in the shapes of OpenAI's /v1/organization endpoints."""

from __future__ import annotations

from typing import Any

from core.client._base import BaseClient, require_id
from core.client._pagination import ListQueryParameters, Page
from core.types.projects import (
    Project,
    ProjectApiKey,
    ProjectCreateParams,
    ProjectDeleted,
    ServiceAccount,
)

_ROOT = "/organization/projects"


class ProjectListQueryParameters(ListQueryParameters):
    include_archived: bool | None = None


class ProjectsMixin(BaseClient):
    def create_project(self, name: str) -> Project:
        body = ProjectCreateParams(name=name)
        return self._post(_ROOT, Project, body)

    def get_project(self, project_id: str) -> Project:
        return self._get(f"{_ROOT}/{require_id('project_id', project_id)}", Project)

    def get_projects(self, *, include_archived: bool = False, **params: Any) -> Page[Project]:
        query = ProjectListQueryParameters(include_archived=include_archived or None, **params)
        return self._list(_ROOT, Project, query)

    def modify_project(self, project_id: str, name: str) -> Project:
        path = f"{_ROOT}/{require_id('project_id', project_id)}"
        return self._post(path, Project, ProjectCreateParams(name=name))

    def archive_project(self, project_id: str) -> Project:
        return self._post(f"{_ROOT}/{require_id('project_id', project_id)}/archive", Project, None)

    def create_project_service_account(self, project_id: str, name: str) -> ServiceAccount:
        """A service account with its key: `result.api_key.value` is shown this once."""
        path = f"{_ROOT}/{require_id('project_id', project_id)}/service_accounts"
        return self._post(path, ServiceAccount, {"name": name})

    def get_project_service_accounts(self, project_id: str, **params: Any) -> Page[ServiceAccount]:
        path = f"{_ROOT}/{require_id('project_id', project_id)}/service_accounts"
        return self._list(path, ServiceAccount, ListQueryParameters(**params))

    def delete_project_service_account(self, project_id: str, account_id: str) -> ProjectDeleted:
        path = (f"{_ROOT}/{require_id('project_id', project_id)}/service_accounts/"
                f"{require_id('service_account_id', account_id)}")
        return self._delete(path, ProjectDeleted)

    def get_project_api_keys(self, project_id: str, **params: Any) -> Page[ProjectApiKey]:
        path = f"{_ROOT}/{require_id('project_id', project_id)}/api_keys"
        return self._list(path, ProjectApiKey, ListQueryParameters(**params))

    def delete_project_api_key(self, project_id: str, key_id: str) -> ProjectDeleted:
        path = (f"{_ROOT}/{require_id('project_id', project_id)}/api_keys/"
                f"{require_id('key_id', key_id)}")
        return self._delete(path, ProjectDeleted)
