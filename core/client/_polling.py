"""Polling until an object reaches one of its terminal statuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import httpx
from pydantic import BaseModel

from core.client._base import BaseClient
from core.errors import PollingTimeoutError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

# Statuses after which an object never changes again, per object kind. A run also stops on
# `requires_action`: it waits for tool outputs that only the caller can submit.
RUN_TERMINAL = frozenset(
    {"requires_action", "cancelled", "failed", "completed", "incomplete", "expired"}
)
VECTOR_STORE_TERMINAL = frozenset({"completed", "expired"})
VECTOR_STORE_FILE_TERMINAL = frozenset({"completed", "cancelled", "failed"})
FILE_BATCH_TERMINAL = frozenset({"completed", "cancelled", "failed"})
MESSAGE_TERMINAL = frozenset({"completed", "incomplete"})


class PollingMixin(BaseClient):
    def _poll(
        self,
        path: str,
        cast: type[M],
        *,
        object_type: str,
        object_id: str,
        terminal: frozenset[str],
        on_poll: Callable[[M], object] | None = None,
    ) -> M:
        """GET `path` until its `status` is terminal; honour `openai-poll-after-ms`.

        `on_poll` sees every state fetched, the terminal one included (e.g. to report progress).
        """

        def fetch() -> tuple[M, str, httpx.Headers]:
            response = self._request("GET", path)
            obj = self._parse(response, cast)
            if on_poll is not None:
                on_poll(obj)
            return obj, str(getattr(obj, "status", "")), response.headers

        return self._poll_until(fetch, object_type, object_id, lambda status: status in terminal)

    def _poll_until(
        self,
        fetch: Callable[[], tuple[T, str, httpx.Headers]],
        object_type: str,
        object_id: str,
        done: Callable[[str], bool],
    ) -> T:
        """Call `fetch` until `done(status)`; raise PollingTimeoutError past the time-out.

        Time waited is the larger of the wall clock and the sum of sleeps, so a replaced
        `_sleep` still reaches the time-out.
        """
        started, slept = self._clock(), 0.0
        while True:
            obj, status, headers = fetch()
            if done(status):
                return obj
            waited = max(self._clock() - started, slept)
            remaining = self.polling_timeout_seconds - waited
            if remaining <= 0:
                raise PollingTimeoutError(object_type, object_id, status, waited)
            delay = min(_poll_after(headers, self.polling_interval_seconds), remaining)
            self._sleep(delay)
            slept += delay


def _poll_after(headers: httpx.Headers, default: float) -> float:
    value = headers.get("openai-poll-after-ms")
    if value is None:
        return default
    try:
        return max(float(value) / 1000.0, 0.0)
    except ValueError:
        return default
