"""The admin API (ENGINE_ADMIN_KEY only), in the shapes of OpenAI's /v1/organization endpoints:
projects (create, list, retrieve, modify, archive), their service accounts (creating one issues
its key, shown once), and their API keys (list, retrieve, revoke)."""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from engine.errors import InvalidRequest, NotFound
from engine.ids import now
from engine.pagination import ListQueryDep, list_page
from engine.projects import DEFAULT_PROJECT, create_project, issue_key, project_row
from engine.state import StateDep

router = APIRouter(prefix="/organization/projects", tags=["organization (admin key)"])


class ProjectParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=256)


class ServiceAccountParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=256)


def render_project(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "object": "organization.project", "name": row["name"],
            "created_at": row["created_at"], "archived_at": row["archived_at"],
            "status": "archived" if row["archived_at"] else "active"}


def render_account(row: sqlite3.Row) -> dict[str, Any]:
    return {"object": "organization.project.service_account", "id": row["id"],
            "name": row["name"], "role": "member", "created_at": row["created_at"]}


def _render_key(conn: sqlite3.Connection):
    def render(row: sqlite3.Row) -> dict[str, Any]:
        account = conn.execute("SELECT * FROM service_accounts WHERE id = ?",
                               (row["service_account_id"],)).fetchone()
        owner = ({"type": "service_account", "service_account": render_account(account)}
                 if account is not None else None)
        return {"object": "organization.project.api_key", "redacted_value": row["redacted_value"],
                "name": row["name"], "created_at": row["created_at"],
                "last_used_at": row["last_used_at"], "id": row["id"], "owner": owner}
    return render


@router.post("")
def create(state: StateDep, body: ProjectParams) -> dict[str, Any]:
    with state.db.write() as conn:
        return render_project(create_project(conn, body.name))


@router.get("")
def list_projects(state: StateDep, query: ListQueryDep,
                  include_archived: bool = False) -> dict[str, Any]:
    where = "1" if include_archived else "archived_at IS NULL"
    return list_page(state.db.read(), "projects", query, render_project, where=where)


@router.get("/{project_id}")
def retrieve(state: StateDep, project_id: str) -> dict[str, Any]:
    return render_project(project_row(state.db.read(), project_id))


@router.post("/{project_id}")
def modify(state: StateDep, project_id: str, body: ProjectParams) -> dict[str, Any]:
    with state.db.write() as conn:
        project_row(conn, project_id)
        conn.execute("UPDATE projects SET name = ? WHERE id = ?", (body.name, project_id))
        return render_project(project_row(conn, project_id))


@router.post("/{project_id}/archive")
def archive(state: StateDep, project_id: str) -> dict[str, Any]:
    if project_id == DEFAULT_PROJECT:
        raise InvalidRequest("The default project (ENGINE_API_KEY's) can't be archived.",
                             param="project_id", code="default_project")
    with state.db.write() as conn:
        project_row(conn, project_id)
        conn.execute("UPDATE projects SET archived_at = COALESCE(archived_at, ?) WHERE id = ?",
                     (now(), project_id))
        return render_project(project_row(conn, project_id))


# --- service accounts: creating one issues its key ----------------------------------------


def _active_project(conn: sqlite3.Connection, project_id: str) -> None:
    if project_row(conn, project_id)["archived_at"] is not None:
        raise InvalidRequest(f"Project '{project_id}' is archived.", param="project_id",
                             code="project_archived")


def _account_row(conn: sqlite3.Connection, project_id: str, account_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM service_accounts WHERE id = ? AND project_id = ?",
                       (account_id, project_id)).fetchone()
    if row is None:
        raise NotFound("service account", account_id, param="service_account_id")
    return row


@router.post("/{project_id}/service_accounts")
def create_service_account(state: StateDep, project_id: str,
                           body: ServiceAccountParams) -> dict[str, Any]:
    with state.db.write() as conn:
        _active_project(conn, project_id)
        account, value = issue_key(conn, project_id, body.name)
        key = conn.execute("SELECT * FROM api_keys WHERE service_account_id = ?",
                           (account["id"],)).fetchone()
    return {**render_account(account), "api_key": {
        "object": "organization.project.service_account.api_key", "value": value,
        "name": key["name"], "created_at": key["created_at"], "id": key["id"]}}


@router.get("/{project_id}/service_accounts")
def list_service_accounts(state: StateDep, project_id: str, query: ListQueryDep) -> dict[str, Any]:
    conn = state.db.read()
    project_row(conn, project_id)
    return list_page(conn, "service_accounts", query, render_account, where="project_id = ?",
                     params=(project_id,))


@router.get("/{project_id}/service_accounts/{service_account_id}")
def retrieve_service_account(state: StateDep, project_id: str,
                             service_account_id: str) -> dict[str, Any]:
    return render_account(_account_row(state.db.read(), project_id, service_account_id))


@router.delete("/{project_id}/service_accounts/{service_account_id}")
def delete_service_account(state: StateDep, project_id: str,
                           service_account_id: str) -> dict[str, Any]:
    with state.db.write() as conn:
        _account_row(conn, project_id, service_account_id)
        conn.execute("DELETE FROM api_keys WHERE service_account_id = ?", (service_account_id,))
        conn.execute("DELETE FROM service_accounts WHERE id = ?", (service_account_id,))
    return {"object": "organization.project.service_account.deleted", "id": service_account_id,
            "deleted": True}


# --- API keys: listed redacted, revoked by id ---------------------------------------------


def _key_row(conn: sqlite3.Connection, project_id: str, key_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM api_keys WHERE id = ? AND project_id = ?",
                       (key_id, project_id)).fetchone()
    if row is None:
        raise NotFound("API key", key_id, param="key_id")
    return row


@router.get("/{project_id}/api_keys")
def list_api_keys(state: StateDep, project_id: str, query: ListQueryDep) -> dict[str, Any]:
    conn = state.db.read()
    project_row(conn, project_id)
    return list_page(conn, "api_keys", query, _render_key(conn), where="project_id = ?",
                     params=(project_id,))


@router.get("/{project_id}/api_keys/{key_id}")
def retrieve_api_key(state: StateDep, project_id: str, key_id: str) -> dict[str, Any]:
    conn = state.db.read()
    return _render_key(conn)(_key_row(conn, project_id, key_id))


@router.delete("/{project_id}/api_keys/{key_id}")
def delete_api_key(state: StateDep, project_id: str, key_id: str) -> dict[str, Any]:
    with state.db.write() as conn:
        _key_row(conn, project_id, key_id)
        conn.execute("DELETE FROM api_keys WHERE id = ?", (key_id,))
    return {"object": "organization.project.api_key.deleted", "id": key_id, "deleted": True}
