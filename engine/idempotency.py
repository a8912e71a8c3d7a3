"""The gate every /v1 request passes before routing: key, body limits, `Idempotency-Key`.

In this order, so nothing is answered to a caller that has not shown a key:

1. a key in the URL (`?api_key=…`) is refused (it would end up in access logs);
2. the bearer key is checked and the caller's project attached to the request (401/403 here,
   before any body is read, so malformed JSON from a stranger gets a 401, not a 400);
3. a JSON body is read up to `ENGINE_MAX_JSON_BYTES` (413 above), parsed (400 `invalid_json`)
   and checked against OpenAI's size limits (`engine.limits`);
4. a POST with an `Idempotency-Key` is reserved atomically under (project, path, key) with the
   SHA-256 of its body. A duplicate that arrives while the first is running waits for its
   answer; one that arrives later gets the stored answer (`idempotent-replayed: true`); one with
   another body gets a 422 `idempotency_key_reused`. Successful JSON answers are kept for
   `ENGINE_IDEMPOTENCY_TTL_SECONDS` (a day by default) and deleted with the objects they name;
   a streamed answer is remembered as streamed (a duplicate gets a 409, never a second run);
   errors are forgotten, so a retry after an error really retries.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.db import Database
from engine.errors import APIError, PayloadTooLarge, error_body
from engine.ids import now
from engine.limits import check_body
from engine.projects import Authenticator, Caller, PermissionDenied
from engine.settings import EngineSettings

KEY_PARAMS = frozenset({"api_key", "api-key", "apikey", "key", "access_token", "token"})
_ID = re.compile(r"^(file-|vs_|vsfb_|asst_|thread_|msg_|run_|step_|chatcmpl-)[A-Za-z0-9]{8,64}$")
_WAIT_SECONDS = 600.0
_MAX_REFS = 2000


def _json_response(status: int, body: dict, extra: list[tuple[bytes, bytes]] | None = None):
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(payload)).encode()), *(extra or [])]
    return status, headers, payload


async def _send(send: Send, status: int, headers: list, payload: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _send_error(send: Send, exc: APIError) -> None:
    await _send(send, *_json_response(exc.status_code, exc.envelope()))


def key_in_query(query_string: bytes) -> bool:
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return any(name.lower() in KEY_PARAMS for name, _ in pairs)


def object_ids(value: Any, found: set[str] | None = None) -> set[str]:
    """Every object id (`file-…`, `vs_…`, `thread_…`) named anywhere in a JSON answer."""
    found = set() if found is None else found
    stack = [value]
    while stack and len(found) < _MAX_REFS:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and _ID.match(item):
            found.add(item)
    return found


class RequestGuard:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp, settings: EngineSettings, db: Database):
        self.app, self.db, self.settings = app, db, settings
        self.auth = Authenticator(settings, db)
        self._done: dict[tuple[str, str, str], asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == "/v1" or path.startswith("/v1/")):
            await self.app(scope, receive, send)
            return
        try:
            if key_in_query(scope.get("query_string", b"")):
                raise PermissionDenied(
                    "Send the key in the 'Authorization: Bearer' header; a key in the URL is"
                    " refused (it would be written to logs).", param="api_key",
                    code="key_in_url")
            headers = Headers(scope=scope)
            caller = await run_in_threadpool(self.auth.caller, headers.get("authorization"),
                                             headers.get("openai-project"))
            if path.startswith("/v1/organization") and not caller.admin:
                raise PermissionDenied(
                    "The organization endpoints need the admin key (ENGINE_ADMIN_KEY)."
                    if self.auth.has_admin else
                    "The organization endpoints are off: start the engine with"
                    " ENGINE_ADMIN_KEY to manage projects and keys.",
                    code="admin_key_required")
            scope.setdefault("state", {})["caller"] = caller
            method = scope["method"]
            body: bytes | None = None
            content_type = headers.get("content-type", "")
            # Uploads are parsed as they stream in by their route, which also tells a body that
            # is not multipart what it should be; every other body is JSON.
            if (method in ("POST", "PUT", "PATCH") and not content_type.startswith("multipart/")
                    and path not in UPLOAD_PATHS):
                body = await self._read_body(receive)
                if body.strip():
                    try:
                        parsed = json.loads(body)
                    except ValueError as exc:
                        raise APIError("The request body is not valid JSON.",
                                       code="invalid_json") from exc
                    check_body(path, parsed)
                receive = _replay(body, receive)
        except APIError as exc:
            await _send_error(send, exc)
            return
        key = headers.get("idempotency-key")
        if method == "POST" and key:
            await self._idempotent(scope, receive, send, caller, key, body)
        elif method == "DELETE":
            await self._deleting(scope, receive, send, caller)
        else:
            await self.app(scope, receive, send)

    async def _read_body(self, receive: Receive) -> bytes:
        limit, parts, size = self.settings.max_json_bytes, [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"The request body is larger than {limit:,} bytes"
                               " (ENGINE_MAX_JSON_BYTES).", code="request_too_large")
            parts.append(chunk)
            if not message.get("more_body"):
                break
        return b"".join(parts)

    # --- deletions take the stored answers that name the object with them --------------------

    async def _deleting(self, scope: Scope, receive: Receive, send: Send, caller: Caller) -> None:
        status = {"code": 0}

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if 200 <= status["code"] < 300:
            object_id = scope["path"].rstrip("/").rsplit("/", 1)[-1]
            await run_in_threadpool(self._forget, caller.project_id, object_id)

    def _forget(self, project_id: str, object_id: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "DELETE FROM idempotency WHERE project_id = ? AND seq IN"
                " (SELECT idempotency_seq FROM idempotency_refs WHERE object_id = ?)",
                (project_id, object_id))

    # --- idempotency --------------------------------------------------------------------------

    def _reserve(self, ident: tuple[str, str, str], fingerprint: str | None) -> Any:
        """None when this request now holds the key; else the existing row."""
        with self.db.write() as conn:
            conn.execute("DELETE FROM idempotency WHERE created_at <= ?",
                         (now() - self.settings.idempotency_ttl_seconds,))
            row = conn.execute(
                "SELECT seq, state, fingerprint, status, body FROM idempotency"
                " WHERE project_id = ? AND path = ? AND key = ?", ident).fetchone()
            if row is not None:
                return row
            conn.execute(
                "INSERT INTO idempotency (project_id, path, key, fingerprint, state, created_at)"
                " VALUES (?, ?, ?, ?, 'pending', ?)", (*ident, fingerprint, now()))
            return None

    def _finish(self, ident: tuple[str, str, str], fingerprint: str, status: int,
                body: bytes | None) -> None:
        refs: set[str] = set()
        if body is not None:
            try:
                refs = object_ids(json.loads(body))
            except ValueError:
                refs = set()
        with self.db.write() as conn:
            row = conn.execute(
                "UPDATE idempotency SET state = 'done', fingerprint = ?, status = ?, body = ?"
                " WHERE project_id = ? AND path = ? AND key = ? RETURNING seq",
                (fingerprint, status, body, *ident)).fetchone()
            if row is not None:
                conn.executemany("INSERT INTO idempotency_refs VALUES (?, ?)",
                                 [(row[0], ref) for ref in refs])

    def _release(self, ident: tuple[str, str, str]) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM idempotency WHERE project_id = ? AND path = ? AND key = ?"
                         " AND state = 'pending'", ident)

    async def _idempotent(self, scope: Scope, receive: Receive, send: Send, caller: Caller,
                          key: str, body: bytes | None) -> None:
        ident = (caller.project_id, scope["path"], key[:255])
        fingerprint = hashlib.sha256(body).hexdigest() if body is not None else None
        deadline = time.monotonic() + _WAIT_SECONDS
        while True:
            row = await run_in_threadpool(self._reserve, ident, fingerprint)
            if row is None:
                break
            if row["state"] == "pending":
                if time.monotonic() > deadline:
                    await _send(send, *_json_response(409, error_body(
                        "A request with this Idempotency-Key is still being processed.",
                        "invalid_request_error", "Idempotency-Key", "idempotency_key_in_use")))
                    return
                event = self._done.get(ident)
                try:
                    if event is not None:
                        await asyncio.wait_for(event.wait(), timeout=0.5)
                    else:
                        await asyncio.sleep(0.05)
                except TimeoutError:
                    pass
                continue
            if fingerprint is None:  # a multipart duplicate: fingerprint its body, keep nothing
                fingerprint = await _hash_body(receive)
            if row["fingerprint"] != fingerprint:
                await _send(send, *_json_response(422, error_body(
                    "This Idempotency-Key was already used with a different request body; send"
                    " a new key for a new request.", "invalid_request_error", "Idempotency-Key",
                    "idempotency_key_reused")))
                return
            if row["body"] is None:
                await _send(send, *_json_response(409, error_body(
                    "The request with this Idempotency-Key was answered with a stream, which"
                    " can't be replayed.", "invalid_request_error", "Idempotency-Key",
                    "idempotency_stream_replay")))
                return
            await _send(send, row["status"],
                        [(b"content-type", b"application/json"),
                         (b"content-length", str(len(row["body"])).encode()),
                         (b"idempotent-replayed", b"true")], row["body"])
            return
        event = self._done.setdefault(ident, asyncio.Event())
        hasher = hashlib.sha256()
        if body is not None:
            hasher.update(body)
        hashing = receive if body is not None else _hashing(receive, hasher)
        captured: dict[str, Any] = {"status": 0, "json": False, "body": [], "stored": False}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                headers = Headers(raw=message.get("headers", []))
                captured["json"] = headers.get("content-type", "").startswith("application/json")
            elif message["type"] == "http.response.body":
                if captured["json"]:
                    captured["body"].append(message.get("body", b""))
                if not message.get("more_body") and 200 <= captured["status"] < 300:
                    stored = b"".join(captured["body"]) if captured["json"] else None
                    await run_in_threadpool(self._finish, ident, hasher.hexdigest(),
                                            captured["status"], stored)
                    captured["stored"] = True
            await send(message)

        try:
            await self.app(scope, hashing, capture)
        finally:
            if not captured["stored"]:
                await run_in_threadpool(self._release, ident)
            event.set()
            self._done.pop(ident, None)


UPLOAD_PATHS = frozenset({"/v1/files"})


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, then the real channel (a stream listens on it for a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _hashing(receive: Receive, hasher: Any) -> Receive:
    async def wrapped() -> Message:
        message = await receive()
        if message["type"] == "http.request":
            hasher.update(message.get("body", b""))
        return message

    return wrapped


async def _hash_body(receive: Receive) -> str:
    hasher = hashlib.sha256()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        hasher.update(message.get("body", b""))
        if not message.get("more_body"):
            break
    return hasher.hexdigest()
