"""Cursor pagination shared by every list endpoint (`limit`, `order`, `after`, `before`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from pydantic import BaseModel

from engine.errors import InvalidRequest


class ListQuery(BaseModel):
    limit: int = 20
    order: Literal["asc", "desc"] = "desc"
    after: str | None = None
    before: str | None = None


def _list_query(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
    after: str | None = None,
    before: str | None = None,
) -> ListQuery:
    # An empty cursor (`?after=`) is what many clients send for "from the start".
    return ListQuery(limit=limit, order=order, after=after or None, before=before or None)


ListQueryDep = Annotated[ListQuery, Depends(_list_query)]


def list_page(
    conn: sqlite3.Connection,
    table: str,
    query: ListQuery,
    render: Callable[[sqlite3.Row], dict[str, Any]],
    *,
    where: str = "1",
    params: Sequence[Any] = (),
    id_column: str = "id",
) -> dict[str, Any]:
    """One page of `table` rows ordered by insertion, as OpenAI's list object."""
    clauses, args = [where], list(params)
    for cursor, op_asc, name in ((query.after, ">", "after"), (query.before, "<", "before")):
        if cursor is None:
            continue
        row = conn.execute(
            f"SELECT seq FROM {table} WHERE {id_column} = ? AND {where}", (cursor, *params)
        ).fetchone()
        if row is None:
            raise InvalidRequest(f"Cursor '{cursor}' is not in this list.", param=name)
        op = op_asc if query.order == "asc" else {">": "<", "<": ">"}[op_asc]
        clauses.append(f"seq {op} ?")
        args.append(row["seq"])
    direction = "ASC" if query.order == "asc" else "DESC"
    if query.before is not None and query.after is None:
        # Walk backwards from the cursor, then restore the requested order.
        flipped = "DESC" if direction == "ASC" else "ASC"
        sql = f"SELECT * FROM {table} WHERE {' AND '.join(clauses)} ORDER BY seq {flipped} LIMIT ?"
        rows = list(reversed(conn.execute(sql, (*args, query.limit + 1)).fetchall()))
        has_more = len(rows) > query.limit
        rows = rows[-query.limit :] if has_more else rows
    else:
        sql = f"SELECT * FROM {table} WHERE {' AND '.join(clauses)} ORDER BY seq {direction} LIMIT ?"
        rows = conn.execute(sql, (*args, query.limit + 1)).fetchall()
        has_more = len(rows) > query.limit
        rows = rows[: query.limit]
    data = [render(row) for row in rows]
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": has_more,
    }


def list_items(items: Sequence[dict[str, Any]], query: ListQuery) -> dict[str, Any]:
    """One page of `items` (in insertion order, each with an `id`) after `query.after`, as
    OpenAI's list object (for lists kept inside one object; `before` is not offered there)."""
    ordered = list(items) if query.order == "asc" else list(reversed(items))
    if query.after is not None:
        ids = [item["id"] for item in ordered]
        if query.after not in ids:
            raise InvalidRequest(f"Cursor '{query.after}' is not in this list.", param="after")
        ordered = ordered[ids.index(query.after) + 1:]
    data = ordered[: query.limit]
    return {"object": "list", "data": data, "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None, "has_more": len(ordered) > query.limit}
