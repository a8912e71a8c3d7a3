"""The run's answer message as the model writes it, and the token counts a run reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine import objects
from engine.ids import new_id
from engine.runner.answering import Answer
from engine.runner.events import EventBus

NewStep = Callable[[dict[str, Any], str, dict[str, Any]], dict[str, Any]]
NewMessage = Callable[[dict[str, Any], str], dict[str, Any]]


class Reply:
    """The run's answer message and its `message_creation` step, made when the first words
    come (an upstream model that only calls functions writes no message)."""

    def __init__(self, run: dict[str, Any], new_step: NewStep, new_message: NewMessage,
                 bus: EventBus) -> None:
        self._run, self._new_step, self._new_message, self._bus = run, new_step, new_message, bus
        self.message: dict[str, Any] | None = None
        self.step: dict[str, Any] | None = None
        self._blank = ""  # whitespace before any words: no message for it yet

    def open(self) -> None:
        if self.message is None:
            message_id = new_id("msg_")
            self.step = self._new_step(self._run, "message_creation", {
                "type": "message_creation", "message_creation": {"message_id": message_id}})
            self.message = self._new_message(self._run, message_id)
            if self._blank:
                self._publish(self._blank)
                self._blank = ""

    def delta(self, piece: str) -> None:
        if self.message is None and not piece.strip():
            self._blank += piece
            return
        self.open()
        self._publish(piece)

    def _publish(self, piece: str) -> None:
        assert self.message is not None
        self._bus.publish(self._run["id"], "thread.message.delta", {
            "id": self.message["id"], "object": "thread.message.delta",
            "delta": {"content": [{"index": 0, "type": "text",
                                   "text": {"value": piece, "annotations": []}}]},
        })

    def commit(self, conn: Any, answer: Answer, stamp: int, *,
               usage: dict[str, int] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """Write the finished message and complete its step, inside the caller's transaction."""
        assert self.message is not None and self.step is not None
        truncated = answer.truncated
        message = objects.update(conn, "messages", self.message["id"], lambda m: m.update(
            status="incomplete" if truncated else "completed",
            completed_at=None if truncated else stamp,
            incomplete_at=stamp if truncated else None,
            incomplete_details={"reason": "max_tokens"} if truncated else None,
            content=[{"type": "text", "text": {"value": answer.text,
                                               "annotations": answer.annotations}}],
        ))
        self.step.update(status="completed", completed_at=stamp, usage=usage)
        objects.save(conn, "run_steps", self.step)
        return message, self.step


def answer_usage(answer: Answer) -> dict[str, int]:
    return {"prompt_tokens": answer.prompt_tokens, "completion_tokens": answer.completion_tokens,
            "total_tokens": answer.prompt_tokens + answer.completion_tokens}


def run_usage(conn: Any, run: dict[str, Any]) -> dict[str, int]:
    """A run's usage: the sum over its steps (several model calls when it called functions)."""
    total = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    for row in conn.execute("SELECT data FROM run_steps WHERE run_id = ?", (run["id"],)):
        for key, value in (objects.render(row).get("usage") or {}).items():
            total[key] = total.get(key, 0) + int(value)
    return total
