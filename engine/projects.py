"""Projects and their keys: who a request's bearer key is, and which project it acts in.

- `ENGINE_API_KEY` is the key of the default project (`proj_default`), where every object of a
  database made before projects existed lives.
- Keys issued through the admin API (`/v1/organization/projects/{id}/service_accounts`) belong to
  one project each. They are stored as SHA-256 digests; the value is shown once, at creation.
- `ENGINE_ADMIN_KEY` manages projects and keys (`/v1/organization/...`). On the other `/v1`
  routes it acts in the project named by the `OpenAI-Project` header (default project without
  it), which is how an operator's tool sees across projects.
- With neither variable set the engine is open (no key checked): everything is the default
  project, and the admin API is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass

from engine.db import Database
from engine.errors import APIError, NotFound, Unauthorized
from engine.ids import new_id, now
from engine.settings import EngineSettings

DEFAULT_PROJECT = "proj_default"
PROJECT_HEADER = "openai-project"
_LAST_USED_GRANULARITY = 60  # seconds: a key's last_used_at is written at most once a minute


class PermissionDenied(APIError):
    status_code = 403


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of one request."""

    project_id: str
    admin: bool = False


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(prefix: str = "sk-svcacct-") -> str:
    return prefix + secrets.token_urlsafe(32)


def redact(key: str) -> str:
    return f"{key[:10]}…{key[-4:]}"


class Authenticator:
    """Maps the `Authorization` (and `OpenAI-Project`) headers of a request to a Caller."""

    def __init__(self, settings: EngineSettings, db: Database):
        self.db = db
        self._default = settings.api_key.get_secret_value().encode() if settings.api_key else None
        self._admin = settings.admin_key.get_secret_value().encode() if settings.admin_key else None

    @property
    def open(self) -> bool:
        return self._default is None and self._admin is None

    @property
    def has_admin(self) -> bool:
        return self._admin is not None

    def caller(self, authorization: str | None, project_header: str | None) -> Caller:
        token = _bearer(authorization)
        if token is None:
            if self.open:
                return Caller(DEFAULT_PROJECT)
            raise Unauthorized(
                "Missing bearer key: send 'Authorization: Bearer <key>' (ENGINE_API_KEY, a project"
                " key or ENGINE_ADMIN_KEY).", code="missing_api_key")
        raw = token.encode()
        if self._admin is not None and hmac.compare_digest(raw, self._admin):
            return Caller(self._admin_project(project_header), admin=True)
        if self._default is not None and hmac.compare_digest(raw, self._default):
            return self._check_header(Caller(DEFAULT_PROJECT), project_header)
        caller = self._issued(token)
        if caller is not None:
            return self._check_header(caller, project_header)
        if self.open:
            return Caller(DEFAULT_PROJECT)
        raise Unauthorized("Incorrect API key provided.", code="invalid_api_key")

    def _issued(self, token: str) -> Caller | None:
        row = self.db.read().execute(
            "SELECT k.id, k.project_id, k.last_used_at, p.archived_at FROM api_keys k"
            " JOIN projects p ON p.id = k.project_id WHERE k.digest = ?", (digest(token),)
        ).fetchone()
        if row is None or row["archived_at"] is not None:
            return None
        stamp = now()
        if (row["last_used_at"] or 0) < stamp - _LAST_USED_GRANULARITY:
            with self.db.write() as conn:
                conn.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", (stamp, row["id"]))
        return Caller(row["project_id"])

    def _admin_project(self, header: str | None) -> str:
        if not header:
            return DEFAULT_PROJECT
        row = self.db.read().execute(
            "SELECT archived_at FROM projects WHERE id = ?", (header,)).fetchone()
        if row is None:
            raise NotFound("project", header, param="OpenAI-Project")
        return header

    @staticmethod
    def _check_header(caller: Caller, header: str | None) -> Caller:
        # A project key acts in its own project only; naming another is refused, not obeyed.
        if header and header != caller.project_id:
            raise PermissionDenied(
                f"This key belongs to another project than '{header}' (OpenAI-Project header).",
                param="OpenAI-Project", code="project_mismatch")
        return caller


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


# --- the store behind the admin API ----------------------------------------------------------


def project_row(conn: sqlite3.Connection, project_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM projects WHERE id = ?", (project_id,)).fetchone()
    if row is None:
        raise NotFound("project", project_id, param="project_id")
    return row


def create_project(conn: sqlite3.Connection, name: str) -> sqlite3.Row:
    project_id = new_id("proj_")
    conn.execute("INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)",
                 (project_id, name, now()))
    return project_row(conn, project_id)


def issue_key(conn: sqlite3.Connection, project_id: str, name: str) -> tuple[sqlite3.Row, str]:
    """A service account of the project with its one key; returns (account row, key value)."""
    account_id, stamp = new_id("svc_acct_"), now()
    conn.execute("INSERT INTO service_accounts (id, project_id, name, created_at)"
                 " VALUES (?, ?, ?, ?)", (account_id, project_id, name, stamp))
    value = new_key()
    conn.execute(
        "INSERT INTO api_keys (id, project_id, service_account_id, name, digest, redacted_value,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (new_id("key_"), project_id, account_id, "Secret Key", digest(value), redact(value), stamp),
    )
    row = conn.execute("SELECT * FROM service_accounts WHERE id = ?", (account_id,)).fetchone()
    return row, value
