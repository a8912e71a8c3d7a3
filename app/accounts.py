"""Built-in accounts and each user's engine project.

- Accounts live in one JSON file (`users_file`, default `app-data/users.json`, owner-only):
  name → Argon2id hash (argon2-cffi: salted, memory-hard, parameters stored in the hash) and
  role (`user` or `admin`). `python -m app users add NAME [--admin]` manages them.
- Each signed-in user works in an engine project of their own. The app provisions it with the
  engine's admin key (the embedded engine's own, or `admin_key` for a configured server) and
  keeps the project's key in `app-data/user-projects.json` (owner-only), per server.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core import OpenAIClient
from core.types.projects import Project

Role = Literal["user", "admin"]
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
MIN_PASSWORD = 8
_hasher = PasswordHasher()
_lock = threading.Lock()
# A hash to verify against when the name is unknown, so a wrong name costs as long as a wrong
# password (no probing for names by timing).
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    name: str
    role: Role = "user"
    display: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def label(self) -> str:
        return self.display or self.name


class AccountError(ValueError):
    """A name or password that can't be used; the message says why."""


def _write_private(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return data if isinstance(data, dict) else {}


class Accounts:
    """The accounts file."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def users(self) -> dict[str, dict[str, Any]]:
        users = _read(self.path).get("users", {})
        return users if isinstance(users, dict) else {}

    def exist(self) -> bool:
        return bool(self.users())

    def add(self, name: str, password: str, role: Role = "user") -> User:
        if not NAME_PATTERN.match(name):
            raise AccountError("A name is 1-64 letters, digits or . _ @ + - (starting with a"
                               " letter or digit).")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
        with _lock:
            data = _read(self.path)
            users = data.setdefault("users", {})
            users[name] = {"hash": _hasher.hash(password), "role": role,
                           "created_at": int(time.time())}
            _write_private(self.path, data)
        return User(name, role)

    def remove(self, name: str) -> bool:
        with _lock:
            data = _read(self.path)
            found = data.get("users", {}).pop(name, None) is not None
            if found:
                _write_private(self.path, data)
        return found

    def verify(self, name: str, password: str) -> User | None:
        """The user when the password is theirs, else None (as slow either way)."""
        record = self.users().get(name)
        stored = record.get("hash", _DUMMY_HASH) if isinstance(record, dict) else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if record is None:
            return None
        role: Role = "admin" if record.get("role") == "admin" else "user"
        return User(name, role)


# --- each user's engine project ----------------------------------------------------------


@dataclass(frozen=True)
class ProjectCredentials:
    project_id: str
    api_key: str


class UserProjects:
    """user → (project, key) on one server; provisioned on first sign-in with the admin key."""

    def __init__(self, path: Path, server: str):
        self.path, self.server = Path(path), server

    def credentials(self, user: User, admin: OpenAIClient) -> ProjectCredentials:
        with _lock:
            data = _read(self.path)
            known = data.get(self.server, {}).get(user.name)
            if isinstance(known, dict) and known.get("project_id") and known.get("api_key"):
                return ProjectCredentials(known["project_id"], known["api_key"])
            project = _existing_project(admin, f"user:{user.name}") or admin.create_project(
                f"user:{user.name}")
            account = admin.create_project_service_account(project.id, "pdf-copilot app")
            assert account.api_key is not None
            found = ProjectCredentials(project.id, account.api_key.value)
            data.setdefault(self.server, {})[user.name] = {
                "project_id": found.project_id, "api_key": found.api_key}
            _write_private(self.path, data)
            return found



def _existing_project(admin: OpenAIClient, name: str) -> Project | None:
    """The user's project made before (its key file lost): it gets a new key, not a twin."""
    for project in admin.get_projects(limit=100).auto_paging_iter():
        if project.name == name:
            return project
    return None
