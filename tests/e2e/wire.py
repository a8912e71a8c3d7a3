"""Raw-body checks for the end-to-end tests: every JSON body the engine sends is held to the spec."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import openai
from conformance import assert_conforms


def conforming(raw: Any, schema_name: str) -> dict:
    """The JSON body of an SDK `with_raw_response` call, after checking it against the spec."""
    response = raw.http_response
    assert 200 <= response.status_code < 300, f"{response.status_code}: {response.text[:500]}"
    body = response.json()
    assert_conforms(body, schema_name)
    return body


def conforming_http(response: httpx.Response, schema_name: str, status: int = 200) -> dict:
    """The JSON body of a plain httpx response with the expected status, checked against the spec."""
    assert response.status_code == status, f"{response.status_code}: {response.text[:500]}"
    body = response.json()
    assert_conforms(body, schema_name)
    return body


def api_error(call: Callable[[], object], status: int | tuple[int, ...]) -> dict:
    """Run an SDK call that must fail with `status`; return the `error` object of its envelope."""
    statuses = (status,) if isinstance(status, int) else status
    try:
        result = call()
    except openai.APIStatusError as exc:
        assert exc.status_code in statuses, f"{exc.status_code}: {exc.response.text[:500]}"
        body = exc.response.json()
    else:
        raise AssertionError(f"expected HTTP {statuses}, got a success: {result!r:.500}")
    assert_conforms(body, "ErrorResponse")
    return body["error"]


def http_error(response: httpx.Response, status: int | tuple[int, ...]) -> dict:
    """The `error` object of a plain httpx error response, checked against the envelope."""
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, f"{response.status_code}: {response.text[:500]}"
    body = response.json()
    assert_conforms(body, "ErrorResponse")
    return body["error"]
