"""Assistants-side objects kept as their wire JSON: insert, fetch, update, delete."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from engine.errors import NotFound

# table → (object name used in "No … found", extra indexed columns taken from the object)
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "assistants": ("assistant", ()),
    "threads": ("thread", ()),
    "messages": ("message", ("thread_id", "run_id")),
    "runs": ("run", ("thread_id", "status")),
    "run_steps": ("run step", ("run_id", "thread_id")),
}


def insert(
    conn: sqlite3.Connection, table: str, obj: dict[str, Any], project: str | None = None
) -> dict[str, Any]:
    """Store a new object in `project`; messages, runs and steps default to their thread's."""
    if project is None:
        row = conn.execute("SELECT project_id FROM threads WHERE id = ?",
                           (obj.get("thread_id"),)).fetchone()
        if row is None:
            raise ValueError(f"{table} row {obj['id']} needs a project")
        project = row[0]
    columns = ("id", "created_at", *TABLES[table][1], "data", "project_id")
    values = [obj["id"], obj["created_at"], *(obj.get(c) for c in TABLES[table][1]),
              json.dumps(obj), project]
    conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        values,
    )
    return obj


def fetch(
    conn: sqlite3.Connection, table: str, object_id: str, *, param: str | None = None,
    where: str = "1", params: tuple = (), project: str | None = None,
) -> dict[str, Any]:
    """One object by id; with `project`, another project's object is absent (404)."""
    if project is not None:
        where, params = f"({where}) AND project_id = ?", (*params, project)
    row = conn.execute(
        f"SELECT data FROM {table} WHERE id = ? AND {where}", (object_id, *params)
    ).fetchone()
    if row is None:
        raise NotFound(TABLES[table][0], object_id, param=param)
    result: dict[str, Any] = json.loads(row[0])
    return result


def save(conn: sqlite3.Connection, table: str, obj: dict[str, Any]) -> dict[str, Any]:
    extra = TABLES[table][1]
    assignments = ", ".join(f"{c} = ?" for c in (*extra, "data"))
    conn.execute(
        f"UPDATE {table} SET {assignments} WHERE id = ?",
        (*(obj.get(c) for c in extra), json.dumps(obj), obj["id"]),
    )
    return obj


def update(
    conn: sqlite3.Connection, table: str, object_id: str, change: Callable[[dict[str, Any]], None],
    *, param: str | None = None, project: str | None = None,
) -> dict[str, Any]:
    """Read, change in place and write back one object inside the caller's write transaction."""
    obj = fetch(conn, table, object_id, param=param, project=project)
    change(obj)
    return save(conn, table, obj)


def render(row: sqlite3.Row) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(row["data"])
    return result
