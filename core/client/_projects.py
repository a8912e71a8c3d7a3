"""The admin API (needs the admin key): projects, their service accounts (each issues one key,
shown once) and their API keys, in the shapes of OpenAI's /v1/organization endpoints."""

from __future__ import annotations

from typing import Any

from core.client._base import BaseClient, require_id
from core.client._pagination import ListQueryParameters, PageSpec
from core.client._steps import Steps, api, api_paged
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
    @api
    def create_project(self, name: str) -> Steps[Project]:
        body = ProjectCreateParams(name=name)
        return (yield from self._post_op(_ROOT, Project, body))

    @api
    def get_project(self, project_id: str) -> Steps[Project]:
        return (yield from self._get_op(f"{_ROOT}/{require_id('project_id', project_id)}", Project))

    @api_paged
    def get_projects(
        self, *, include_archived: bool = False, **params: Any
    ) -> Steps[PageSpec[Project]]:
        query = ProjectListQueryParameters(include_archived=include_archived or None, **params)
        return (yield from self._list_op(_ROOT, Project, query))

    @api
    def modify_project(self, project_id: str, name: str) -> Steps[Project]:
        path = f"{_ROOT}/{require_id('project_id', project_id)}"
        return (yield from self._post_op(path, Project, ProjectCreateParams(name=name)))

    @api
    def archive_project(self, project_id: str) -> Steps[Project]:
        return (yield from self._post_op(f"{_ROOT}/{require_id('project_id', project_id)}/archive", Project, None))

    @api
    def create_project_service_account(
        self, project_id: str, name: str
    ) -> Steps[ServiceAccount]:
        """A service account with its key: `result.api_key.value` is shown this once."""
        path = f"{_ROOT}/{require_id('project_id', project_id)}/service_accounts"
        return (yield from self._post_op(path, ServiceAccount, {"name": name}))

    @api_paged
    def get_project_service_accounts(
        self, project_id: str, **params: Any
    ) -> Steps[PageSpec[ServiceAccount]]:
        path = f"{_ROOT}/{require_id('project_id', project_id)}/service_accounts"
        return (yield from self._list_op(path, ServiceAccount, ListQueryParameters(**params)))

    @api
    def delete_project_service_account(
        self, project_id: str, account_id: str
    ) -> Steps[ProjectDeleted]:
        path = (f"{_ROOT}/{require_id('project_id', project_id)}/service_accounts/"
                f"{require_id('service_account_id', account_id)}")
        return (yield from self._delete_op(path, ProjectDeleted))

    @api_paged
    def get_project_api_keys(
        self, project_id: str, **params: Any
    ) -> Steps[PageSpec[ProjectApiKey]]:
        path = f"{_ROOT}/{require_id('project_id', project_id)}/api_keys"
        return (yield from self._list_op(path, ProjectApiKey, ListQueryParameters(**params)))

    @api
    def delete_project_api_key(self, project_id: str, key_id: str) -> Steps[ProjectDeleted]:
        path = (f"{_ROOT}/{require_id('project_id', project_id)}/api_keys/"
                f"{require_id('key_id', key_id)}")
        return (yield from self._delete_op(path, ProjectDeleted))
