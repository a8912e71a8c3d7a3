"""The request loop under faults the engine cannot be made to produce on demand.

Every test here scripts the transport (429 bursts, 5xx, dropped connections, slow answers) and
records the waits through the replaceable `_sleep`, so nothing sleeps in real time.
"""

from __future__ import annotations

import logging
import time

import httpx
import pytest
from scripted import API_KEY, assistant_json, error_reply, json_reply

from core.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

OK = json_reply(200, assistant_json())


def connect_error(message: str = "connection refused") -> httpx.ConnectError:
    return httpx.ConnectError(message)


# --- 429 bursts ------------------------------------------------------------------------------


def test_429_burst_honours_retry_after_ms_and_retry_after(scripted, sleeps):
    client, server = scripted(
        error_reply(429, "slow down", code="rate_limit_exceeded", **{"retry-after": "2"}),
        error_reply(429, "slow down", code="rate_limit_exceeded", **{"retry-after-ms": "1500"}),
        OK,
    )
    assert client.get_assistant("asst_1").id == "asst_1"
    assert len(server.requests) == 3
    assert sleeps == [2.0, 1.5]


def test_429_without_retry_after_backs_off_exponentially_with_jitter(scripted, sleeps):
    client, server = scripted(error_reply(429), error_reply(429), OK, backoff_delay_seconds=0.5)
    client.get_assistant("asst_1")
    assert len(server.requests) == 3
    first, second = sleeps
    assert 0.375 <= first <= 0.5  # 0.5 s minus up to 25 % jitter
    assert 0.75 <= second <= 1.0  # doubled


def test_backoff_never_exceeds_its_ceiling(scripted, sleeps):
    client, _ = scripted(error_reply(503), http_request_max_retries=8, backoff_delay_seconds=1.0)
    with pytest.raises(InternalServerError):
        client.get_assistant("asst_1")
    assert len(sleeps) == 8
    assert max(sleeps) <= client.max_backoff_seconds


def test_retry_after_is_capped(scripted, sleeps):
    client, _ = scripted(error_reply(429, **{"retry-after": "3600"}), OK)
    client.get_assistant("asst_1")
    assert sleeps == [client.max_retry_after_seconds]


def test_retry_after_as_http_date(scripted, sleeps):
    when = time.time() + 30
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(when))
    client, _ = scripted(error_reply(429, **{"retry-after": date}), OK)
    client.get_assistant("asst_1")
    assert 25 <= sleeps[0] <= 31


def test_429_burst_gives_up_after_max_retries(scripted, sleeps):
    client, server = scripted(
        error_reply(
            429,
            "Rate limit reached",
            code="rate_limit_exceeded",
            type="requests",
            **{"x-request-id": "req_42", "retry-after": "1"},
        )
    )
    with pytest.raises(RateLimitError) as caught:
        client.get_assistant("asst_1")
    assert len(server.requests) == 1 + client.http_request_max_retries == 3
    assert sleeps == [1.0, 1.0]
    error = caught.value
    assert (error.status, error.code, error.type, error.request_id) == (
        429, "rate_limit_exceeded", "requests", "req_42",
    )  # fmt: skip
    assert "Rate limit reached" in str(error) and "req_42" in str(error)


def test_zero_retries_means_one_attempt(scripted, sleeps):
    client, server = scripted(error_reply(429), http_request_max_retries=0)
    with pytest.raises(RateLimitError):
        client.get_assistant("asst_1")
    assert len(server.requests) == 1 and sleeps == []


# --- server errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 409])
def test_retryable_statuses_are_retried(scripted, sleeps, status):
    client, server = scripted(error_reply(status), OK)
    assert client.get_assistant("asst_1").id == "asst_1"
    assert len(server.requests) == 2 and len(sleeps) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(scripted, sleeps, status):
    client, server = scripted(error_reply(status), OK)
    with pytest.raises(APIError):
        client.get_assistant("asst_1")
    assert len(server.requests) == 1 and sleeps == []


def test_x_should_retry_false_stops_a_retryable_status(scripted, sleeps):
    client, server = scripted(error_reply(503, **{"x-should-retry": "false"}), OK)
    with pytest.raises(InternalServerError):
        client.get_assistant("asst_1")
    assert len(server.requests) == 1 and sleeps == []


def test_x_should_retry_true_retries_any_status(scripted, sleeps):
    client, server = scripted(error_reply(400, **{"x-should-retry": "true"}), OK)
    client.get_assistant("asst_1")
    assert len(server.requests) == 2 and len(sleeps) == 1


def test_5xx_burst_gives_up_with_internal_server_error(scripted, sleeps):
    client, server = scripted(error_reply(500), error_reply(502), error_reply(503, "overloaded"))
    with pytest.raises(InternalServerError) as caught:
        client.get_assistant("asst_1")
    assert caught.value.status == 503 and caught.value.message == "overloaded"
    assert len(server.requests) == 3 and len(sleeps) == 2


def test_non_json_error_body_is_kept_in_the_message(scripted):
    client, _ = scripted(httpx.Response(502, text="<html>Bad gateway</html>"))
    client.http_request_max_retries = 0
    with pytest.raises(InternalServerError, match="Bad gateway"):
        client.get_assistant("asst_1")


# --- dropped connections and slow answers ----------------------------------------------------


def test_dropped_connections_are_retried(scripted, sleeps):
    client, server = scripted(connect_error(), httpx.RemoteProtocolError("server disconnected"), OK)
    assert client.get_assistant("asst_1").id == "asst_1"
    assert len(server.requests) == 3 and len(sleeps) == 2


def test_connection_that_never_comes_back_raises_api_connection_error(scripted, sleeps):
    client, server = scripted(connect_error())
    with pytest.raises(APIConnectionError) as caught:
        client.get_assistant("asst_1")
    assert not isinstance(caught.value, APITimeoutError)
    assert caught.value.status is None
    assert len(server.requests) == 3 and len(sleeps) == 2


def slow_server(delay: float):
    """Answers after `delay` s, or times out when the client's read timeout is shorter."""

    def reply(request: httpx.Request) -> httpx.Response | Exception:
        read_timeout = request.extensions["timeout"]["read"]
        if read_timeout is not None and read_timeout < delay:
            return httpx.ReadTimeout("timed out", request=request)
        return json_reply(200, assistant_json())

    return reply


def test_slow_responses_time_out_retry_and_give_up(scripted, sleeps):
    client, server = scripted(slow_server(delay=5.0), timeout=0.5)
    with pytest.raises(APITimeoutError):
        client.get_assistant("asst_1")
    assert len(server.requests) == 3 and len(sleeps) == 2


def test_slow_response_within_the_timeout_is_not_retried(scripted, sleeps):
    client, server = scripted(slow_server(delay=5.0), timeout=30.0)
    assert client.get_assistant("asst_1").id == "asst_1"
    assert len(server.requests) == 1 and sleeps == []


def test_one_timeout_then_success(scripted, sleeps):
    client, server = scripted(httpx.ReadTimeout("slow"), OK)
    assert client.get_assistant("asst_1").id == "asst_1"
    assert len(server.requests) == 2


# --- idempotency -----------------------------------------------------------------------------


def test_a_retried_post_keeps_its_idempotency_key(scripted):
    client, server = scripted(connect_error(), error_reply(500), OK)
    client.create_assistant(model="m")
    keys = {request.headers["Idempotency-Key"] for request in server.requests}
    assert len(server.requests) == 3 and len(keys) == 1


def test_each_call_gets_its_own_idempotency_key_and_gets_none(scripted):
    client, server = scripted(OK)
    client.create_assistant(model="m")
    client.create_assistant(model="m")
    client.get_assistant("asst_1")
    first, second, get = server.requests
    assert first.headers["Idempotency-Key"] != second.headers["Idempotency-Key"]
    assert "Idempotency-Key" not in get.headers


def test_a_create_is_not_duplicated_when_the_answer_is_lost(scripted):
    """The server creates, the answer is lost, the retry must find the same object."""
    created: dict[str, dict] = {}

    def server_that_drops_the_first_answer(request: httpx.Request) -> httpx.Response | Exception:
        key = request.headers["Idempotency-Key"]
        first_time = key not in created
        created.setdefault(key, assistant_json(f"asst_{len(created) + 1}"))
        if first_time:
            return httpx.ReadError("connection reset after the server committed")
        return json_reply(200, created[key])

    client, _ = scripted(server_that_drops_the_first_answer)
    assistant = client.create_assistant(model="m")
    assert len(created) == 1 and assistant.id == "asst_1"


# --- error objects ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (418, APIError),
    ],
)
def test_status_maps_to_its_error_class(scripted, status, error_class):
    client, _ = scripted(
        error_reply(
            status, "bad thing", code="some_code", param="model", **{"x-request-id": "req_7"}
        ),
        http_request_max_retries=0,
    )
    with pytest.raises(error_class) as caught:
        client.get_assistant("asst_1")
    error = caught.value
    assert type(error) is error_class
    assert (error.status, error.code, error.param, error.message, error.request_id) == (
        status, "some_code", "model", "bad thing", "req_7",
    )  # fmt: skip


def test_the_key_never_appears_in_errors_logs_or_repr(scripted, caplog):
    caplog.set_level(logging.DEBUG)
    client, _ = scripted(
        error_reply(503, f"temporarily unavailable for {API_KEY}"),
        error_reply(401, f"Incorrect API key provided: {API_KEY}.", code="invalid_api_key"),
    )
    with pytest.raises(AuthenticationError) as caught:
        client.get_assistant("asst_1")
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)
    assert API_KEY not in caught.value.message
    assert "[redacted]" in caught.value.message
    assert API_KEY not in repr(client)
    assert API_KEY not in caplog.text
    assert caplog.records, "retries are logged"
