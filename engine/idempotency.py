"""`Idempotency-Key` on POST: a retried create returns the first response instead of a twin.

Only successful JSON answers are remembered (streams and errors are not, so a retry after an
error really retries), keyed
by the key together with the method and path, for a day.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.db import Database
from engine.ids import now

TTL_SECONDS = 24 * 3600
HEADER = b"idempotency-key"


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, db: Database):
        self.app, self.db = app, db

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key = dict(scope["headers"]).get(HEADER)
        if not key:
            await self.app(scope, receive, send)
            return
        ident = f"{key.decode('latin-1')}|{scope['path']}"
        stored = self.db.read().execute(
            "SELECT status, body FROM idempotency WHERE key = ? AND created_at > ?",
            (ident, now() - TTL_SECONDS),
        ).fetchone()
        if stored is not None:
            await send({"type": "http.response.start", "status": stored["status"],
                        "headers": [(b"content-type", b"application/json"),
                                    (b"idempotent-replayed", b"true")]})
            await send({"type": "http.response.body", "body": stored["body"]})
            return
        captured: dict = {"status": 0, "json": False, "body": b""}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                headers = dict(message.get("headers", []))
                captured["json"] = headers.get(b"content-type", b"").startswith(b"application/json")
            elif message["type"] == "http.response.body" and captured["json"]:
                captured["body"] += message.get("body", b"")
                if not message.get("more_body") and 200 <= captured["status"] < 300:
                    with self.db.write() as conn:
                        conn.execute(
                            "INSERT OR REPLACE INTO idempotency VALUES (?, 'POST', ?, ?, ?, ?)",
                            (ident, scope["path"], captured["status"], captured["body"], now()),
                        )
            await send(message)

        await self.app(scope, receive, capture)
