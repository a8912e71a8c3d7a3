"""Runs move queued → in_progress → completed / incomplete / failed / cancelled / expired.

A small thread pool executes runs. Each run: gather the conversation and vector stores, wait for
their files to finish indexing, perform file_search (a `tool_calls` step), let the model answer
(a `message_creation` step), and record usage. Every change is written to SQLite first and then
published to streaming listeners, so polling and streaming see the same story.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from engine import objects
from engine.db import Database
from engine.ids import new_id, now
from engine.llm.local import LOCAL_MODEL_ID
from engine.llm.upstream import UpstreamError
from engine.runner.answering import RunCancelled, answer_locally, answer_upstream
from engine.runner.context import RunContext, gather_context, upstream_payload
from engine.runner.events import EventBus
from engine.search import search_stores
from engine.settings import EngineSettings

log = logging.getLogger("engine.runner")
RUN_TTL_SECONDS = 600
INDEX_WAIT_SECONDS = 120.0
DEFAULT_MAX_RESULTS = 8
ACTIVE = ("queued", "in_progress", "cancelling")


class RunExecutor:
    def __init__(self, settings: EngineSettings, db: Database, bus: EventBus):
        self._settings, self._db, self.bus = settings, db, bus
        self._pool = ThreadPoolExecutor(settings.run_workers, thread_name_prefix="run")
        self._cancel: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        """Runs cut off by a restart fail honestly; queued ones go ahead."""
        conn = self._db.read()
        for row in conn.execute("SELECT id, status FROM runs WHERE status IN (?, ?, ?)", ACTIVE):
            if row["status"] == "queued":
                self.submit(row["id"])
            else:
                self._finish(row["id"], "failed",
                             error=("server_error", "The engine restarted while this run was active."))

    def stop(self) -> None:
        with self._lock:
            for event in self._cancel.values():
                event.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, run_id: str) -> None:
        with self._lock:
            self._cancel[run_id] = threading.Event()
        self._pool.submit(self._execute, run_id)

    def cancel(self, run_id: str) -> dict[str, Any]:
        """Ask a run to stop; it becomes `cancelling`, then `cancelled` once its worker notices."""
        with self._db.write() as conn:
            run = objects.fetch(conn, "runs", run_id)
            if run["status"] not in ACTIVE:
                return run
            run["status"] = "cancelling"
            objects.save(conn, "runs", run)
        self.bus.publish(run_id, "thread.run.cancelling", run)
        with self._lock:
            event = self._cancel.get(run_id)
        if event is not None:
            event.set()
        return run

    # --- one run ---------------------------------------------------------------------------

    def _execute(self, run_id: str) -> None:
        try:
            self._run(run_id)
        except RunCancelled:
            self._finish(run_id, "cancelled")
        except UpstreamError as exc:
            self._finish(run_id, "failed", error=("server_error", exc.message))
        except Exception:
            log.exception("run %s failed", run_id)
            self._finish(run_id, "failed", error=("server_error", "The engine failed during this run."))
        finally:
            with self._lock:
                self._cancel.pop(run_id, None)

    def _check(self, run_id: str, deadline: float) -> None:
        with self._lock:
            event = self._cancel.get(run_id)
        if event is not None and event.is_set():
            raise RunCancelled
        if time.time() > deadline:
            raise TimeoutError

    def _run(self, run_id: str) -> None:
        with self._db.write() as conn:
            run = objects.fetch(conn, "runs", run_id)
            if run["status"] != "queued":
                if run["status"] == "cancelling":
                    raise RunCancelled
                return
            run.update(status="in_progress", started_at=now())
            objects.save(conn, "runs", run)
        self.bus.publish(run_id, "thread.run.in_progress", run)
        deadline = float(run["expires_at"])
        try:
            self._turn(run, lambda: self._check(run_id, deadline))
        except TimeoutError:
            self._finish(run_id, "expired")

    def _turn(self, run: dict[str, Any], check: Any) -> None:
        ctx = gather_context(self._db.read(), run)
        self._wait_for_indexing(ctx.store_ids, check)
        hits: list = []
        if ctx.file_search is not None and ctx.store_ids:
            step = self._new_step(run, "tool_calls", {"type": "tool_calls", "tool_calls": []})
            options = ctx.file_search.get("ranking_options") or {}
            threshold = float(options.get("score_threshold", 0.0))
            hits = search_stores(
                self._db.read(), ctx.store_ids, [ctx.search_question],
                max_results=int(ctx.file_search.get("max_num_results") or DEFAULT_MAX_RESULTS),
                score_threshold=threshold,
            )
            hits = ctx.fit_prompt(hits)
            results = [{"file_id": h.file_id, "file_name": h.filename, "score": round(h.score, 6),
                        "content": [{"type": "text", "text": h.text}]} for h in hits]
            details = {"type": "tool_calls", "tool_calls": [{
                "id": new_id("call_"), "type": "file_search",
                "file_search": {"ranking_options": {"ranker": "default_2024_08_21",
                                                    "score_threshold": threshold},
                                "results": results},
            }]}
            self._complete_step(step, details)
        check()
        message_id = new_id("msg_")
        step = self._new_step(run, "message_creation",
                              {"type": "message_creation",
                               "message_creation": {"message_id": message_id}})
        message = self._new_message(run, message_id)

        def on_delta(piece: str) -> None:
            self.bus.publish(run["id"], "thread.message.delta", {
                "id": message["id"], "object": "thread.message.delta",
                "delta": {"content": [{"index": 0, "type": "text",
                                       "text": {"value": piece, "annotations": []}}]},
            })

        conn = self._db.read()
        if run["model"] == LOCAL_MODEL_ID:
            answer = answer_locally(conn, ctx.search_question, hits,
                                    max_completion_tokens=run.get("max_completion_tokens"),
                                    on_delta=on_delta, cancelled=check)
        else:
            answer = answer_upstream(conn, self._settings, upstream_payload(ctx, run, hits), hits,
                                     on_delta=on_delta, cancelled=check)
        usage = {"prompt_tokens": answer.prompt_tokens,
                 "completion_tokens": answer.completion_tokens,
                 "total_tokens": answer.prompt_tokens + answer.completion_tokens}
        with self._db.write() as wconn:
            message = objects.update(wconn, "messages", message["id"], lambda m: m.update(
                status="incomplete" if answer.truncated else "completed",
                completed_at=None if answer.truncated else now(),
                incomplete_at=now() if answer.truncated else None,
                incomplete_details={"reason": "max_tokens"} if answer.truncated else None,
                content=[{"type": "text", "text": {"value": answer.text,
                                                   "annotations": answer.annotations}}],
            ))
        self.bus.publish(run["id"], "thread.message.incomplete" if answer.truncated
                         else "thread.message.completed", message)
        self._complete_step(step, step["step_details"], usage=usage)
        if answer.truncated:
            self._finish(run["id"], "incomplete", usage=usage,
                         incomplete="max_completion_tokens")
        else:
            self._finish(run["id"], "completed", usage=usage)

    def _wait_for_indexing(self, store_ids: list[str], check: Any) -> None:
        """Files still being indexed are waited for (bounded), as OpenAI's runs do."""
        if not store_ids:
            return
        marks = ",".join("?" * len(store_ids))
        limit = time.monotonic() + INDEX_WAIT_SECONDS
        while time.monotonic() < limit:
            busy = self._db.read().execute(
                f"SELECT 1 FROM vector_store_files WHERE status = 'in_progress'"
                f" AND vector_store_id IN ({marks}) LIMIT 1", store_ids,
            ).fetchone()
            if busy is None:
                return
            check()
            time.sleep(0.05)

    # --- objects ---------------------------------------------------------------------------

    def _new_step(self, run: dict[str, Any], kind: str, details: dict[str, Any]) -> dict[str, Any]:
        step = {
            "id": new_id("step_"), "object": "thread.run.step", "created_at": now(),
            "assistant_id": run["assistant_id"], "thread_id": run["thread_id"],
            "run_id": run["id"], "type": kind, "status": "in_progress", "cancelled_at": None,
            "completed_at": None, "expired_at": None, "failed_at": None,
            "last_error": None, "step_details": details, "usage": None, "metadata": {},
        }
        with self._db.write() as conn:
            objects.insert(conn, "run_steps", step)
        self.bus.publish(run["id"], "thread.run.step.created", step)
        self.bus.publish(run["id"], "thread.run.step.in_progress", step)
        return step

    def _complete_step(self, step: dict[str, Any], details: dict[str, Any],
                       usage: dict[str, int] | None = None) -> None:
        step.update(status="completed", completed_at=now(), step_details=details, usage=usage)
        with self._db.write() as conn:
            objects.save(conn, "run_steps", step)
        self.bus.publish(step["run_id"], "thread.run.step.completed", step)

    def _new_message(self, run: dict[str, Any], message_id: str) -> dict[str, Any]:
        message = {
            "id": message_id, "object": "thread.message", "created_at": now(),
            "thread_id": run["thread_id"], "status": "in_progress", "incomplete_details": None,
            "completed_at": None, "incomplete_at": None, "role": "assistant", "content": [],
            "assistant_id": run["assistant_id"], "run_id": run["id"], "attachments": [],
            "metadata": {},
        }
        with self._db.write() as conn:
            objects.insert(conn, "messages", message)
        self.bus.publish(run["id"], "thread.message.created", message)
        self.bus.publish(run["id"], "thread.message.in_progress", message)
        return message

    def _finish(self, run_id: str, status: str, *, usage: dict[str, int] | None = None,
                error: tuple[str, str] | None = None, incomplete: str | None = None) -> None:
        """Write a run's terminal state, close its open steps and messages, then announce it."""
        stamp = now()
        with self._db.write() as conn:
            try:
                run = objects.fetch(conn, "runs", run_id)
            except Exception:  # the thread was deleted meanwhile
                return
            run["status"] = status
            run["usage"] = usage or run.get("usage")
            if status == "completed":
                run["completed_at"] = stamp
            elif status == "cancelled":
                run["cancelled_at"] = stamp
            elif status == "failed":
                run["failed_at"] = stamp
                run["last_error"] = {"code": error[0], "message": error[1]} if error else None
            elif status == "incomplete":
                run["incomplete_details"] = {"reason": incomplete}
            objects.save(conn, "runs", run)
            step_status = {"cancelled": "cancelled", "failed": "failed", "expired": "expired"}
            if status in step_status:
                _close_open(conn, run_id, step_status[status], stamp, run.get("last_error"))
        self.bus.publish(run_id, f"thread.run.{status}", run)


def _close_open(conn: Any, run_id: str, status: str, stamp: int, error: Any) -> None:
    for row in conn.execute("SELECT data FROM run_steps WHERE run_id = ?", (run_id,)).fetchall():
        step = objects.render(row)
        if step["status"] == "in_progress":
            step.update(status=status, last_error=error if status == "failed" else None)
            step[f"{status}_at"] = stamp
            objects.save(conn, "run_steps", step)
    reason = {"cancelled": "run_cancelled", "failed": "run_failed", "expired": "run_expired"}[status]
    for row in conn.execute("SELECT data FROM messages WHERE run_id = ?", (run_id,)).fetchall():
        message = objects.render(row)
        if message["status"] == "in_progress":
            message.update(status="incomplete", incomplete_at=stamp,
                           incomplete_details={"reason": reason})
            objects.save(conn, "messages", message)


__all__ = ["RunContext", "RunExecutor"]
