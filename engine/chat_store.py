"""Stored chat completions (`store: true`): the completion as answered, its request messages,
its metadata, in the caller's project.

The completion is kept as its wire JSON (`data`, metadata included) beside the columns lists
filter on (`model`, `metadata`); the request's messages are kept as a JSON list and listed
with ids `<completion id>-<index>`, as OpenAI does.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from engine.errors import InvalidRequest, NotFound

KIND = "chat completion"


def stored_options(extra: dict[str, Any]) -> tuple[bool, dict[str, str]]:
    """(`store`, `metadata`) of a create request; `store` defaults to false, as OpenAI's."""
    store, metadata = extra.get("store"), extra.get("metadata")
    if store is not None and not isinstance(store, bool):
        raise InvalidRequest("'store' must be true or false.", param="store",
                             code="invalid_type")
    if metadata is not None and not isinstance(metadata, dict):
        raise InvalidRequest("'metadata' must be an object of strings.", param="metadata",
                             code="invalid_type")
    return bool(store), dict(metadata or {})


def save(conn: sqlite3.Connection, project: str, completion: dict[str, Any],
         messages: list[dict[str, Any]], metadata: dict[str, str]) -> dict[str, Any]:
    """Keep a completion answered to `messages`; returns it with its metadata."""
    completion = {**completion, "metadata": metadata}
    conn.execute(
        "INSERT INTO chat_completions (id, project_id, created_at, model, metadata, data,"
        " messages) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (completion["id"], project, int(completion.get("created") or 0),
         str(completion.get("model", "")), json.dumps(metadata), json.dumps(completion),
         json.dumps(_stored_messages(completion["id"], messages))),
    )
    return completion


def fetch(conn: sqlite3.Connection, project: str, completion_id: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM chat_completions WHERE id = ? AND project_id = ?",
                       (completion_id, project)).fetchone()
    if row is None:  # another project's completion is absent too
        raise NotFound(KIND, completion_id, param="completion_id")
    return row


def render(row: sqlite3.Row) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(row["data"])
    return result


def set_metadata(conn: sqlite3.Connection, project: str, completion_id: str,
                 metadata: dict[str, str]) -> dict[str, Any]:
    completion = {**render(fetch(conn, project, completion_id)), "metadata": metadata}
    conn.execute("UPDATE chat_completions SET metadata = ?, data = ? WHERE id = ?",
                 (json.dumps(metadata), json.dumps(completion), completion_id))
    return completion


def delete(conn: sqlite3.Connection, project: str, completion_id: str) -> dict[str, Any]:
    fetch(conn, project, completion_id)
    conn.execute("DELETE FROM chat_completions WHERE id = ?", (completion_id,))
    return {"object": "chat.completion.deleted", "id": completion_id, "deleted": True}


def messages(conn: sqlite3.Connection, project: str, completion_id: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = json.loads(fetch(conn, project, completion_id)["messages"])
    return result


def list_filter(project: str, model: str | None,
                metadata: Iterable[tuple[str, str]]) -> tuple[str, list[Any]]:
    """The WHERE clause (and its parameters) of a list filtered by model and metadata pairs."""
    clauses, params = ["project_id = ?"], [project]
    if model:
        clauses.append("model = ?")
        params.append(model)
    for key, value in metadata:
        clauses.append("EXISTS (SELECT 1 FROM json_each(chat_completions.metadata)"
                       " WHERE json_each.key = ? AND json_each.value = ?)")
        params += [key, value]
    return " AND ".join(clauses), params


def _stored_messages(completion_id: str, sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The request's messages as OpenAI lists them: text `content`, parts in `content_parts`."""
    kept = []
    for index, message in enumerate(sent):
        content = message.get("content")
        parts = content if isinstance(content, list) else None
        text = content if isinstance(content, str) or content is None else "\n".join(
            str(p.get("text", "")) for p in parts or [] if isinstance(p, dict)
            and p.get("type") == "text") or None
        item: dict[str, Any] = {"id": f"{completion_id}-{index}", "role": message.get("role"),
                                "content": text, "refusal": message.get("refusal"),
                                "name": message.get("name"), "content_parts": parts}
        for key in ("tool_calls", "tool_call_id"):
            if message.get(key) is not None:
                item[key] = message[key]
        kept.append(item)
    return kept


class StreamedCompletion:
    """A streamed completion's chunks put together into the completion they make."""

    def __init__(self) -> None:
        self.base: dict[str, Any] = {}
        self.content: list[str] = []
        self.finish_reason: str | None = None
        self.usage: dict[str, Any] | None = None
        self.tool_calls: dict[int, dict[str, Any]] = {}

    def feed(self, chunk: dict[str, Any]) -> None:
        if not self.base:
            self.base = {k: chunk[k] for k in ("id", "created", "model") if k in chunk}
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            if delta.get("content"):
                self.content.append(delta["content"])
            for call in delta.get("tool_calls") or []:
                whole = self.tool_calls.setdefault(int(call.get("index", 0)), {
                    "id": call.get("id"), "type": "function",
                    "function": {"name": "", "arguments": ""}})
                function = call.get("function") or {}
                whole["id"] = whole["id"] or call.get("id")
                whole["function"]["name"] += function.get("name") or ""
                whole["function"]["arguments"] += function.get("arguments") or ""
            self.finish_reason = choice.get("finish_reason") or self.finish_reason

    def completion(self, completion_id: str, model: str, created: int) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": "".join(self.content) or None,
                                   "refusal": None, "annotations": []}
        if self.tool_calls:
            message["tool_calls"] = [self.tool_calls[i] for i in sorted(self.tool_calls)]
        result = {"id": completion_id, "object": "chat.completion",
                  "created": int(self.base.get("created") or created), "model": model,
                  "choices": [{"index": 0, "message": message, "logprobs": None,
                               "finish_reason": self.finish_reason or "stop"}]}
        if self.usage:
            result["usage"] = self.usage
        return result
