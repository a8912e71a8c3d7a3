"""Per-run event fan-out for streamed runs; publishing with no listener costs nothing."""

from __future__ import annotations

import queue
import threading
from typing import Any

Event = tuple[str, dict[str, Any] | None]  # (event name, data); ("done", None) ends a stream
TERMINAL_RUN_EVENTS = frozenset({
    "thread.run.completed", "thread.run.failed", "thread.run.cancelled",
    "thread.run.incomplete", "thread.run.expired", "thread.run.requires_action",
})


class EventBus:
    def __init__(self) -> None:
        self._listeners: dict[str, list[queue.Queue[Event]]] = {}
        self._lock = threading.Lock()

    def subscribe(self, run_id: str) -> queue.Queue[Event]:
        listener: queue.Queue[Event] = queue.Queue()
        with self._lock:
            self._listeners.setdefault(run_id, []).append(listener)
        return listener

    def unsubscribe(self, run_id: str, listener: queue.Queue[Event]) -> None:
        with self._lock:
            listeners = self._listeners.get(run_id, [])
            if listener in listeners:
                listeners.remove(listener)
            if not listeners:
                self._listeners.pop(run_id, None)

    def publish(self, run_id: str, event: str, data: dict[str, Any] | None) -> None:
        with self._lock:
            listeners = list(self._listeners.get(run_id, ()))
        for listener in listeners:
            listener.put((event, data))
            if event in TERMINAL_RUN_EVENTS:
                listener.put(("done", None))

    def close(self, run_id: str) -> None:
        """End every stream of a run without a terminal event (the engine is stopping)."""
        with self._lock:
            listeners = list(self._listeners.get(run_id, ()))
        for listener in listeners:
            listener.put(("done", None))
