"""Turning exceptions into the one-line messages a user reads, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from core.copilots import CopilotError
from core.documents import DocumentError
from core.embedded import EngineStartError
from core.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    PollingTimeoutError,
    RateLimitError,
    RunFailedError,
    StreamError,
)

log = logging.getLogger("app")


def user_message(exc: BaseException) -> str:
    """What went wrong, in words a user can act on.

    A copilot error that wraps a connection, key or rate-limit problem says that problem: it
    is the one the user can fix.
    """
    cause = _actionable_cause(exc)
    if cause is not None and cause is not exc:
        return user_message(cause)
    if isinstance(exc, APITimeoutError):
        return "the server took too long to answer. Try again, or with a smaller document."
    if isinstance(exc, APIConnectionError):
        return "the server cannot be reached. Is it running? (see the sidebar)"
    if isinstance(exc, AuthenticationError):
        return "the server refused the API key. Check PDF_COPILOT_API_KEY or secrets.toml."
    if isinstance(exc, PermissionDeniedError):
        return f"the server does not allow this: {exc.message}"
    if isinstance(exc, NotFoundError):
        return f"it no longer exists on the server ({exc.message})."
    if isinstance(exc, RateLimitError):  # the client has already waited and retried
        return (f"the server is busy: it refused the request even after waiting and retrying"
                f" ({exc.message}). Try again in a moment.")
    if isinstance(exc, APIError):
        return exc.message
    if isinstance(exc, RunFailedError):
        reason = exc.last_error or f"the run ended {exc.status!r}"
        return f"the model could not answer: {reason}"
    if isinstance(exc, PollingTimeoutError):
        return (f"timed out: the {exc.object_type} was still {exc.last_status!r} after"
                f" {exc.waited_seconds:.0f} s.")
    if isinstance(exc, StreamError):
        return f"the answer stopped half-way: {exc.message}"
    if isinstance(exc, EngineStartError):
        return f"the local engine did not start: {exc.reason}. See engine.log in its data folder."
    return str(exc).strip() or type(exc).__name__


def _actionable_cause(exc: BaseException) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, APIConnectionError | AuthenticationError | RateLimitError):
            return current
        current = current.__cause__
    return None


@contextmanager
def reported(action: str) -> Iterator[None]:
    """Show any error of the block as `st.error("<action> failed: …")` and carry on.

    Streamlit's own control flow (st.rerun, st.stop) derives from BaseException and passes.
    """
    try:
        yield
    except Exception as exc:
        expected = isinstance(exc, OpenAIError | CopilotError | DocumentError | ValueError)
        log.warning("%s failed: %s", action, exc, exc_info=not expected)
        from app.render import inert  # names in actions and messages come from documents

        st.error(inert(f"{action} failed: {user_message(exc)}"), icon=":material/error:")
