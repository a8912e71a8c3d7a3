"""What a user reads when the server stays busy after the client's retries."""

from __future__ import annotations

from app.errors import user_message
from core.copilots import CopilotResponseError
from core.errors import RateLimitError


def test_a_busy_engine_is_said_as_busy_not_as_a_raw_error():
    busy = RateLimitError("The engine is busy: 64 runs are waiting for a worker. Try again in"
                          " 2.7 s (the Retry-After header says when).", status=429,
                          code="rate_limit_exceeded", type="requests")
    try:
        raise CopilotResponseError(f"the answer stream failed: {busy}") from busy
    except CopilotResponseError as wrapped:
        message = user_message(wrapped)
    assert message.startswith("the server is busy: it refused the request even after waiting"
                              " and retrying")
    assert "64 runs are waiting" in message and "status=429" not in message
