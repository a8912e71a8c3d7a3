"""Turning exceptions into the one-line messages a user reads, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from core.embedded import EngineStartError
from core.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    PollingTimeoutError,
    RateLimitError,
    RunFailedError,
    StreamError,
)

log = logging.getLogger("app")


def user_message(exc: BaseException) -> str:
    """What went wrong, in words a user can act on."""
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
    if isinstance(exc, RateLimitError):
        return "the server is busy (rate limit). Wait a moment and try again."
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
        return "the local engine did not start. Its log is in the data folder (engine.log)."
    return str(exc).strip() or type(exc).__name__


@contextmanager
def reported(action: str) -> Iterator[None]:
    """Show any error of the block as `st.error("<action> failed: …")` and carry on.

    Streamlit's own control flow (st.rerun, st.stop) derives from BaseException and passes.
    """
    try:
        yield
    except Exception as exc:
        log.warning("%s failed", action, exc_info=True)
        st.error(f"{action} failed: {user_message(exc)}", icon=":material/error:")
