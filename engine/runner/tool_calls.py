"""Function calls of a run: the upstream model's tool calls become a `tool_calls` step and the
run's `required_action`; the client's outputs complete the step and continue the run.

A run waiting for outputs (`requires_action`) holds no worker: its state is all in SQLite (the
step's calls, the run's `required_action` and `expires_at`), so it survives restarts, and
`submit_tool_outputs` queues it again. The continuation sends the upstream the conversation,
then for each answered step the assistant's `tool_calls` message and one `role: tool` message
per call, as chat completions expect.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from core.types.runs import ToolOutput
from engine import objects
from engine.errors import InvalidRequest
from engine.ids import new_id
from engine.runner.events import EventBus

WAITING = "requires_action"
NewStep = Callable[[dict[str, Any], str, dict[str, Any]], dict[str, Any]]


class ToolCallCollector:
    """Merges an upstream's streamed `tool_calls` deltas into whole calls, by index.

    Each call gets an id of ours (`call_…`, unique in the run) whatever the upstream sent, and
    every delta is handed on in the run step's delta shape. With `parallel` off only the first
    call is kept.
    """

    def __init__(self, *, parallel: bool = True) -> None:
        self._parallel = parallel
        self._calls: dict[int, dict[str, Any]] = {}

    def feed(self, deltas: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Take one chunk's `delta.tool_calls`; return the step deltas to publish."""
        out = []
        for delta in deltas:
            index = int(delta.get("index", 0))
            if index > 0 and not self._parallel:
                continue
            function = delta.get("function") or {}
            call = self._calls.get(index)
            if call is None:
                call = self._calls[index] = {
                    "id": new_id("call_"), "type": "function",
                    "function": {"name": function.get("name") or "", "arguments": ""}}
                piece = {"index": index, "id": call["id"], "type": "function",
                         "function": {"name": call["function"]["name"], "arguments": "",
                                      "output": None}}
            else:
                call["function"]["name"] += function.get("name") or ""
                piece = {"index": index, "type": "function", "function": {}}
                if function.get("name"):
                    piece["function"]["name"] = function["name"]
            arguments = function.get("arguments") or ""
            call["function"]["arguments"] += arguments
            if arguments:
                piece["function"]["arguments"] = arguments
            out.append(piece)
        return out

    @property
    def calls(self) -> list[dict[str, Any]]:
        return [self._calls[i] for i in sorted(self._calls)]


class StreamedCalls:
    """The upstream model's function calls as they stream: a `tool_calls` step made at the
    first call, its deltas published in OpenAI's run-step delta shape."""

    def __init__(self, run: dict[str, Any], new_step: NewStep, bus: EventBus) -> None:
        self._run, self._new_step, self._bus = run, new_step, bus
        self.collector = ToolCallCollector(parallel=run.get("parallel_tool_calls") is not False)
        self.step: dict[str, Any] | None = None

    def feed(self, deltas: list[dict[str, Any]]) -> None:
        pieces = self.collector.feed(deltas)
        if not pieces:
            return
        if self.step is None:
            self.step = self._new_step(self._run, "tool_calls",
                                       {"type": "tool_calls", "tool_calls": []})
        self._bus.publish(self._run["id"], "thread.run.step.delta", {
            "id": self.step["id"], "object": "thread.run.step.delta",
            "delta": {"step_details": {"type": "tool_calls", "tool_calls": pieces}},
        })


def required_action(calls: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}}


def step_details(calls: list[dict[str, Any]]) -> dict[str, Any]:
    """A `tool_calls` step of function calls whose outputs are not in yet."""
    return {"type": "tool_calls", "tool_calls": [
        {"id": c["id"], "type": "function",
         "function": {**c["function"], "output": None}} for c in calls]}


def waiting_step(conn: sqlite3.Connection, run_id: str) -> dict[str, Any] | None:
    """The run's step of function calls still waiting for outputs."""
    for row in conn.execute("SELECT data FROM run_steps WHERE run_id = ? ORDER BY seq DESC",
                            (run_id,)):
        step = objects.render(row)
        if step["type"] == "tool_calls" and step["status"] == "in_progress" and any(
                c["type"] == "function" for c in step["step_details"]["tool_calls"]):
            return step
    return None


def record_outputs(step: dict[str, Any], outputs: list[ToolOutput], stamp: int) -> None:
    """Put the client's outputs into the step, once every call has exactly one; 400 otherwise,
    naming the call ids that are unknown, repeated or missing."""
    pending = [c["id"] for c in step["step_details"]["tool_calls"] if c["type"] == "function"]
    given: dict[str, str] = {}
    for i, output in enumerate(outputs):
        if output.tool_call_id not in pending:
            raise InvalidRequest(
                f"No tool call '{output.tool_call_id}' is waiting for an output in this run;"
                f" the pending calls are {', '.join(pending)}.",
                param=f"tool_outputs[{i}].tool_call_id", code="invalid_tool_call_id")
        if output.tool_call_id in given:
            raise InvalidRequest(
                f"The tool call '{output.tool_call_id}' has two outputs.",
                param=f"tool_outputs[{i}].tool_call_id", code="invalid_tool_call_id")
        given[output.tool_call_id] = output.output
    missing = [call_id for call_id in pending if call_id not in given]
    if missing:
        raise InvalidRequest(
            f"Tool outputs are missing for {', '.join(missing)}: every pending call needs one.",
            param="tool_outputs", code="missing_tool_outputs")
    for call in step["step_details"]["tool_calls"]:
        if call["type"] == "function":
            call["function"]["output"] = given[call["id"]]
    step.update(status="completed", completed_at=stamp)


def continuation(conn: sqlite3.Connection, run_id: str) -> list[dict[str, Any]]:
    """What the run said and got back so far, as chat messages: text it wrote, its function
    calls (as an assistant `tool_calls` message) and their outputs (`role: tool`)."""
    messages: list[dict[str, Any]] = []
    for row in conn.execute("SELECT data FROM run_steps WHERE run_id = ? ORDER BY seq",
                            (run_id,)):
        step = objects.render(row)
        details = step["step_details"]
        if step["type"] == "message_creation":
            message = conn.execute("SELECT data FROM messages WHERE id = ?",
                                   (details["message_creation"]["message_id"],)).fetchone()
            text = "".join(p["text"]["value"] for p in objects.render(message)["content"]
                           if p["type"] == "text") if message else ""
            if text:
                messages.append({"role": "assistant", "content": text})
            continue
        calls = [c for c in details["tool_calls"] if c["type"] == "function"]
        if not calls or step["status"] != "completed":
            continue
        said = messages.pop()["content"] if messages and messages[-1]["role"] == "assistant" \
            and "tool_calls" not in messages[-1] else None
        messages.append({"role": "assistant", "content": said, "tool_calls": [
            {"id": c["id"], "type": "function",
             "function": {"name": c["function"]["name"],
                          "arguments": c["function"]["arguments"]}} for c in calls]})
        messages += [{"role": "tool", "tool_call_id": c["id"],
                      "content": c["function"]["output"] or ""} for c in calls]
    return messages


def has_function_calls(conn: sqlite3.Connection, run_id: str) -> bool:
    """The run already called functions: it is continuing after submitted outputs."""
    return any(m.get("role") == "tool" for m in continuation(conn, run_id))
