"""Runs move queued → in_progress → completed / incomplete / failed / cancelled / expired.

A few worker threads execute runs (`ENGINE_RUN_WORKERS`, two per CPU by default). Each run:
gather the conversation and vector stores, wait for their files to finish indexing — parked,
holding no worker (`engine.runner.scheduling`) —, perform file_search (a `tool_calls` step), let
the model answer (a `message_creation` step), and record usage. At most `ENGINE_RUN_QUEUE_DEPTH`
new runs wait for a worker; beyond that creating a run answers 429 with Retry-After. Every change is written to SQLite first and then
published to streaming listeners, so polling and streaming see the same story. The answer, its
step and the run's terminal status commit in one transaction.

When the engine stops (gracefully or not), a run that has shown nothing yet (no step) goes back
to `queued` and runs at the next start; one cut off later fails with STOPPED_MESSAGE. A stop never
makes a run `cancelled`: only a cancel request does.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from engine import objects
from engine.db import Database
from engine.function_tools import function_tools, upstream_tool_fields
from engine.ids import new_id, now
from engine.llm.local import LOCAL_MODEL_ID
from engine.llm.upstream import UpstreamError
from engine.runner.answering import RunCancelled, answer_locally, answer_upstream
from engine.runner.context import RunContext, gather_context, upstream_payload
from engine.runner.events import EventBus
from engine.runner.replies import Reply, answer_usage, run_usage
from engine.runner.scheduling import RunQueue, busy_stores
from engine.runner.tool_calls import (
    WAITING,
    StreamedCalls,
    continuation,
    has_function_calls,
    required_action,
    step_details,
)
from engine.search import search_stores
from engine.settings import EngineSettings
from engine.stopping import join_within

log = logging.getLogger("engine.runner")
RUN_TTL_SECONDS = 600
INDEX_WAIT_SECONDS = 120.0
DEFAULT_MAX_RESULTS = 8
ACTIVE = ("queued", "in_progress", "cancelling")
STOPPED_MESSAGE = "The engine stopped while this run was active."


class EngineStopping(Exception):
    """Raised inside a run when the engine stops under it."""


class _Parked(Exception):
    """Raised inside a run that now waits, off its worker, for its stores' files."""


@dataclass
class _Control:
    cancel: threading.Event = field(default_factory=threading.Event)
    shown: bool = False  # the run has steps: a stop fails it instead of queueing it again
    started: bool = False  # this process made it in_progress (it comes back after parking)
    index_until: float | None = None  # time.monotonic() its wait for indexing ends


class RunExecutor:
    def __init__(self, settings: EngineSettings, db: Database, bus: EventBus):
        self._settings, self._db, self.bus = settings, db, bus
        # Daemon threads, not a ThreadPoolExecutor: a run stuck on a silent upstream must not
        # keep the process alive after the stop has failed it.
        workers = settings.workers_for_runs()
        self._jobs = RunQueue(db, workers=workers, depth=settings.run_queue_depth)
        self._threads = [threading.Thread(target=self._work, name=f"run-{i}", daemon=True)
                         for i in range(workers)]
        self._controls: dict[str, _Control] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()  # no run starts any more
        self._halt = threading.Event()  # the grace period is over: runs still going stop now
        self._sweeper = threading.Thread(target=self._sweep_expired, name="run-expiry",
                                         daemon=True)

    def start(self) -> None:
        """Resume what a stop or a crash cut off: queued runs go ahead, a run that had shown
        nothing is queued again, a later one fails saying so, a requested cancel is done."""
        for thread in self._threads:
            thread.start()
        self.expire_waiting()  # runs whose outputs were due while the engine was down
        self._sweeper.start()
        self._jobs.start()
        rows = self._db.read().execute(
            "SELECT id, status FROM runs WHERE status IN (?, ?, ?) ORDER BY seq", ACTIVE
        ).fetchall()
        for row in rows:
            if row["status"] == "cancelling":
                self._finish(row["id"], "cancelled")
            elif row["status"] == "queued" or self._requeue(row["id"]):
                self.submit(row["id"])
            else:
                self._finish(row["id"], "failed", error=("server_error", STOPPED_MESSAGE))

    def begin_stop(self) -> None:
        """Start no run from now on; runs waiting for their files go back to the queue."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._jobs.close(len(self._threads))

    def stop(self, deadline: float | None = None) -> None:
        """Let runs in flight finish until `deadline` (time.monotonic()); then stop them."""
        self.begin_stop()
        join_within(self._threads, deadline, self._halt.set)
        with self._lock:
            stuck = list(self._controls)
        # Parked, or blocked where no check reaches it (an upstream that hangs); a run still
        # queued in memory is queued in the database too, and _stopped leaves it so.
        for run_id in stuck:
            self._stopped(run_id)

    def admit(self) -> None:
        """Raise EngineBusy (429 with Retry-After) when the run queue is full."""
        self._jobs.admit()

    def waiting(self) -> int:
        """Runs waiting for a worker."""
        return self._jobs.waiting()

    def parked(self) -> int:
        """Runs waiting, off any worker, for their stores' files to be indexed."""
        return len(self._jobs.parked())

    def store_settled(self, vector_store_id: str) -> None:
        """Ingestion's word that a file of the store is done: parked runs may go on."""
        self._jobs.store_settled(vector_store_id)

    def submit(self, run_id: str) -> None:
        if self._stopping.is_set():
            return  # it stays queued in the database: the next start runs it
        with self._lock:
            self._controls.setdefault(run_id, _Control())
        self._jobs.put(run_id)

    def cancel(self, run_id: str) -> dict[str, Any]:
        """Ask a run to stop; it becomes `cancelling`, then `cancelled` once its worker notices.
        A run waiting for tool outputs holds no worker: it is cancelled at once."""
        with self._db.write() as conn:
            run = objects.fetch(conn, "runs", run_id)
            if run["status"] == WAITING:
                final = self._finish_in(conn, run_id, "cancelled", now())
                assert final is not None
                run, event = final, "thread.run.cancelled"
            elif run["status"] not in ACTIVE:
                return run
            else:
                run["status"], event = "cancelling", "thread.run.cancelling"
                objects.save(conn, "runs", run)
        self.bus.publish(run_id, event, run)
        with self._lock:
            control = self._controls.get(run_id)
        if control is not None:
            control.cancel.set()
        if self._jobs.unpark(run_id):  # no worker will come back for it: cancel it here
            with self._lock:
                self._controls.pop(run_id, None)
            self._finish(run_id, "cancelled")
        return run

    def _work(self) -> None:
        while True:
            run_id = self._jobs.get()
            if run_id is None or self._stopping.is_set():
                return  # a run left in the queue stays queued in the database
            self._execute(run_id)

    # --- one run ---------------------------------------------------------------------------

    def _execute(self, run_id: str) -> None:
        try:
            with self._jobs.timed():
                self._run(run_id)
        except _Parked:
            return  # its control stays: the run comes back to a worker, or a stop requeues it
        except RunCancelled:
            self._finish(run_id, "cancelled")
        except EngineStopping:
            self._stopped(run_id)
        except UpstreamError as exc:
            self._finish(run_id, "failed", error=("server_error", exc.message))
        except Exception:
            if self._stopping.is_set():  # the database closed under the run
                log.info("run %s stopped by the engine's shutdown", run_id)
            else:
                log.exception("run %s failed", run_id)
                self._finish(run_id, "failed",
                             error=("server_error", "The engine failed during this run."))
        with self._lock:  # not in a `finally`: a parked run keeps its control
            self._controls.pop(run_id, None)

    def _stopped(self, run_id: str) -> None:
        """The engine stops under a run: queue it again if it has shown nothing, else fail it."""
        if self._requeue(run_id):
            self.bus.close(run_id)  # a streaming client learns nothing more from this process
        else:
            self._finish(run_id, "failed", error=("server_error", STOPPED_MESSAGE))

    def _requeue(self, run_id: str) -> bool:
        """Put an in_progress run without steps back to `queued`; False if it is not one."""
        with self._db.write() as conn:
            try:
                run = objects.fetch(conn, "runs", run_id)
            except Exception:  # the thread was deleted meanwhile
                return False
            if run["status"] == "queued":
                return True
            if run["status"] != "in_progress" or conn.execute(
                    "SELECT 1 FROM run_steps WHERE run_id = ? LIMIT 1", (run_id,)).fetchone():
                return False
            run.update(status="queued", started_at=None)
            objects.save(conn, "runs", run)
        self.bus.publish(run_id, "thread.run.queued", run)
        return True

    def _check(self, run_id: str, deadline: float) -> None:
        with self._lock:
            control = self._controls.get(run_id)
        if control is not None:
            if control.cancel.is_set():
                raise RunCancelled
            if self._halt.is_set() or (self._stopping.is_set() and not control.shown):
                raise EngineStopping
        if time.time() > deadline:
            raise TimeoutError

    def _shown(self, run_id: str) -> None:
        """From here on the run has steps: a stop fails it rather than queueing it again."""
        with self._lock:
            control = self._controls.get(run_id)
        if control is not None:
            control.shown = True

    def _run(self, run_id: str) -> None:
        if self._stopping.is_set():
            return  # still queued (or in_progress without steps, requeued by the stop)
        with self._lock:
            control = self._controls.setdefault(run_id, _Control())
        with self._db.write() as conn:
            run = objects.fetch(conn, "runs", run_id)
            if run["status"] == "cancelling":
                raise RunCancelled
            resumed = control.started and run["status"] == "in_progress"  # back from parking
            if not resumed:
                if run["status"] != "queued":
                    return
                run.update(status="in_progress", started_at=now())
                objects.save(conn, "runs", run)
        if not resumed:
            control.started = True
            self.bus.publish(run_id, "thread.run.in_progress", run)
        deadline = float(run["expires_at"])
        try:
            self._turn(run, lambda: self._check(run_id, deadline))
        except TimeoutError:
            self._finish(run_id, "expired")

    def _turn(self, run: dict[str, Any], check: Any) -> None:
        ctx = gather_context(self._db.read(), run)
        ctx.fit_prompt([], self._settings.run_context_tokens)  # the conversation, at least
        self._wait_for_indexing(run["id"], ctx.store_ids, check)
        check()
        self._shown(run["id"])
        # After submitted tool outputs the run goes on: the search is not shown again.
        continuing = has_function_calls(self._db.read(), run["id"])
        hits = self._file_search(run, ctx, record=not continuing)
        check()
        reply = Reply(run, self._new_step, self._new_message, self.bus)
        conn = self._db.read()
        if run["model"] == LOCAL_MODEL_ID:
            reply.open()
            answer = answer_locally(conn, ctx.search_question, hits,
                                    max_completion_tokens=run.get("max_completion_tokens"),
                                    on_delta=reply.delta, cancelled=check,
                                    turn=len(ctx.conversation))
        else:
            calls = StreamedCalls(run, self._new_step, self.bus)
            if not function_tools(run.get("tools") or []):
                reply.open()  # it can only answer: the message shows from the start
            payload = upstream_payload(ctx, run, hits)
            payload["messages"] += continuation(conn, run["id"])
            payload.update(upstream_tool_fields(run, first_call=not continuing))
            answer = answer_upstream(conn, self._settings, payload, hits, on_delta=reply.delta,
                                     cancelled=check, on_tool_calls=calls.feed,
                                     turn=len(ctx.conversation))
            if calls.step is not None:
                self._require_action(run, reply, answer, calls)
                return
        reply.open()
        status = "incomplete" if answer.truncated else "completed"
        stamp = now()
        # The answer, its step and the run's status commit together: a crash leaves either all
        # of them or none (then the run fails at the next start and the message is incomplete).
        with self._db.write() as wconn:
            if objects.fetch(wconn, "runs", run["id"])["status"] not in ("in_progress",
                                                                        "cancelling"):
                return  # a stop failed the run meanwhile
            message, step = reply.commit(wconn, answer, stamp, usage=answer_usage(answer))
            final = self._finish_in(wconn, run["id"], status, stamp, usage=run_usage(wconn, run),
                                    incomplete="max_completion_tokens" if answer.truncated
                                    else None)
        self.bus.publish(run["id"], f"thread.message.{status}", message)
        self.bus.publish(run["id"], "thread.run.step.completed", step)
        if final is not None:
            self.bus.publish(run["id"], f"thread.run.{status}", final)

    def _file_search(self, run: dict[str, Any], ctx: RunContext, *, record: bool) -> list:
        """The run's retrieval, recorded as a `tool_calls` step unless `record` is off."""
        if ctx.file_search is None or not ctx.store_ids:
            return []
        step = self._new_step(run, "tool_calls", {"type": "tool_calls", "tool_calls": []}) \
            if record else None
        options = ctx.file_search.get("ranking_options") or {}
        threshold = float(options.get("score_threshold", 0.0))
        hits = search_stores(
            self._db.read(), ctx.store_ids, [ctx.search_question],
            max_results=int(ctx.file_search.get("max_num_results") or DEFAULT_MAX_RESULTS),
            score_threshold=threshold,
        )
        hits = ctx.fit_prompt(hits, self._settings.run_context_tokens)
        if step is not None:
            results = [{"file_id": h.file_id, "file_name": h.filename,
                        "score": round(h.score, 6),
                        "content": [{"type": "text", "text": h.text}]} for h in hits]
            details = {"type": "tool_calls", "tool_calls": [{
                "id": new_id("call_"), "type": "file_search",
                "file_search": {"ranking_options": {"ranker": "default_2024_08_21",
                                                    "score_threshold": threshold},
                                "results": results},
            }]}
            self._complete_step(step, details)
        return hits

    def _require_action(self, run: dict[str, Any], reply: Reply, answer: Any,
                        calls: StreamedCalls) -> None:
        """The model called functions: any text it wrote is kept, its calls wait in their step
        and the run in `requires_action`, holding no worker, until the client's outputs come."""
        stamp = now()
        step = calls.step
        assert step is not None
        step.update(step_details=step_details(calls.collector.calls), usage=answer_usage(answer))
        with self._db.write() as wconn:
            current = objects.fetch(wconn, "runs", run["id"])
            if current["status"] == "cancelling":
                raise RunCancelled  # asked for while the calls streamed in
            if current["status"] != "in_progress":
                return  # a stop failed the run meanwhile
            message = reply.commit(wconn, answer, stamp)[0] if reply.message else None
            objects.save(wconn, "run_steps", step)
            current.update(status=WAITING, required_action=required_action(
                calls.collector.calls), expires_at=stamp + self._settings.run_expiry_seconds)
            objects.save(wconn, "runs", current)
        if message is not None:
            self.bus.publish(run["id"], "thread.message.completed", message)
            self.bus.publish(run["id"], "thread.run.step.completed", reply.step)
        self.bus.publish(run["id"], "thread.run.requires_action", current)

    def expire_waiting(self, run_id: str | None = None) -> None:
        """Runs (or this run) whose tool outputs never came, past `expires_at`, expire."""
        query = "SELECT id FROM runs WHERE status = ? AND json_extract(data, '$.expires_at') <= ?"
        params: tuple[Any, ...] = (WAITING, now())
        if run_id is not None:
            query, params = query + " AND id = ?", (*params, run_id)
        rows = self._db.read().execute(query, params).fetchall()
        for row in rows:
            self._finish(row["id"], "expired")

    def _sweep_expired(self) -> None:
        interval = min(5.0, self._settings.run_expiry_seconds / 4)
        while not self._stopping.wait(interval):
            try:
                self.expire_waiting()
            except Exception:  # the database closed under the sweep at shutdown
                if not self._stopping.is_set():
                    log.exception("expiring runs failed")

    def _wait_for_indexing(self, run_id: str, store_ids: list[str], check: Any) -> None:
        """Files still being indexed are waited for (bounded), as OpenAI's runs do, with the
        run parked off its worker (raises _Parked) until they settle."""
        if not store_ids or not busy_stores(self._db, store_ids):
            return
        check()
        with self._lock:
            control = self._controls.get(run_id)
        if control is None:
            return
        if control.index_until is None:
            control.index_until = time.monotonic() + INDEX_WAIT_SECONDS
        if time.monotonic() >= control.index_until:
            return  # waited long enough: answer from what is indexed
        self._jobs.park(run_id, store_ids, control.index_until)
        if control.cancel.is_set() and self._jobs.unpark(run_id):
            raise RunCancelled  # cancelled while being parked: cancel() did not see it parked
        raise _Parked

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
        with self._db.write() as conn:
            run = self._finish_in(conn, run_id, status, now(), usage=usage, error=error,
                                  incomplete=incomplete)
        if run is not None:
            self.bus.publish(run_id, f"thread.run.{status}", run)

    @staticmethod
    def _finish_in(conn: Any, run_id: str, status: str, stamp: int, *,
                   usage: dict[str, int] | None = None, error: tuple[str, str] | None = None,
                   incomplete: str | None = None) -> dict[str, Any] | None:
        """The terminal state inside the caller's transaction; None if the run is gone or
        already ended (a terminal run never changes again)."""
        try:
            run = objects.fetch(conn, "runs", run_id)
        except Exception:  # the thread was deleted meanwhile
            return None
        if run["status"] not in (*ACTIVE, WAITING):
            return None
        run["status"] = status
        run["required_action"] = None
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
        return run


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

