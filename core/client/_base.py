"""The one request policy: headers, retries with backoff, idempotency keys, error mapping,
polling and the knobs behind them, written once as steps for the sync and the async client."""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from core.client._pagination import ListQueryParameters, PageSpec
from core.client._steps import Close, Read, Send, Sleep, Steps
from core.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    InvalidArgumentError,
    PollingTimeoutError,
    error_for_status,
)
from core.types.seed import explain_validation_error, unknown_fields
from core.types.shared import ListResponse

log = logging.getLogger("core.client")

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=10.0)
RETRYABLE_STATUSES = frozenset({408, 409, 429})
# Paths of the Assistants API (v2), which wants the beta header on every request.
_BETA_PREFIXES = ("/assistants", "/threads")


class _Knob:
    """A numeric setting checked on assignment, so a bad value fails where it is set."""

    def __init__(self, cast: type[int] | type[float], *, positive: bool) -> None:
        self.cast, self.positive = cast, positive

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.attr = name, f"_{name}"

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        return self if obj is None else getattr(obj, self.attr)

    def __set__(self, obj: Any, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidArgumentError(f"{self.name} must be a number, got {value!r}")
        if self.cast is int and not float(value).is_integer():
            raise InvalidArgumentError(f"{self.name} must be a whole number, got {value!r}")
        if value < 0 or (self.positive and value == 0):
            raise InvalidArgumentError(f"{self.name} must be {'> 0' if self.positive else '>= 0'}")
        setattr(obj, self.attr, self.cast(value))


class BaseClient:
    """The request policy every resource method goes through, for the sync and async client.

    It holds the configuration and the knobs, and writes the request loop (headers, retries
    with backoff, idempotency keys, error mapping) and polling as generators of I/O steps
    (see `core.client._steps`); `OpenAIClient` and `AsyncOpenAIClient` only perform the steps.

    Knobs (seed properties, defaults documented here because the seed never did):

    - `http_request_max_retries` = 2: retries after the first attempt, so at most 3 requests.
    - `backoff_delay_seconds` = 0.5: first backoff; doubles per retry up to
      `max_backoff_seconds` (8 s), minus up to 25 % jitter.
    - `polling_interval_seconds` = 1.0: pause between polls unless the server sends
      `openai-poll-after-ms`.
    - `polling_timeout_seconds` = 600.0: how long a wait_for_* helper polls before raising
      `PollingTimeoutError`.
    """

    http_request_max_retries = _Knob(int, positive=False)
    backoff_delay_seconds = _Knob(float, positive=False)
    polling_interval_seconds = _Knob(float, positive=True)
    polling_timeout_seconds = _Knob(float, positive=True)

    max_backoff_seconds = 8.0
    max_retry_after_seconds = 60.0

    _http: httpx.Client | httpx.AsyncClient

    def _configure(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        organization: str | None,
        project: str | None,
        http_request_max_retries: int,
        backoff_delay_seconds: float,
        polling_interval_seconds: float,
        polling_timeout_seconds: float,
        default_headers: Mapping[str, str] | None,
    ) -> None:
        self._api_key = api_key or None
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.organization = organization
        self.project = project
        self.http_request_max_retries = http_request_max_retries
        self.backoff_delay_seconds = backoff_delay_seconds
        self.polling_interval_seconds = polling_interval_seconds
        self.polling_timeout_seconds = polling_timeout_seconds
        self._default_headers = dict(default_headers or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _clock(self) -> float:
        return time.monotonic()

    # --- the request loop --------------------------------------------------------------------

    def _headers(self, method: str, path: str) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "pdf-copilot/0.1"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        if self.organization:
            headers["OpenAI-Organization"] = self.organization
        if self.project:
            headers["OpenAI-Project"] = self.project
        if path.startswith(_BETA_PREFIXES):
            headers["OpenAI-Beta"] = "assistants=v2"
        headers.update(self._default_headers)
        return headers

    def _request_op(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        files: Any = None,
        data: Mapping[str, Any] | None = None,
        stream: bool = False,
        idempotency_key: str | None = None,
    ) -> Steps[httpx.Response]:
        """One API call, retrying what may be retried; the successful response.

        With `stream=True` the body is left unread and the caller must close the response.
        """
        headers = self._headers(method, path)
        if stream:
            headers["Accept"] = "text/event-stream"
        if method == "POST":
            # One key for every attempt of this call, so a server that saw the first attempt
            # answers a retry with the object it already created.
            headers["Idempotency-Key"] = idempotency_key or f"pdfcopilot-{uuid.uuid4().hex}"
        url = f"{self.base_url}{path}"
        retries = 0
        while True:
            request = self._http.build_request(
                method, url, params=params, json=json_body, files=files, data=data, headers=headers
            )
            try:
                response = yield Send(request, stream)
            except httpx.TimeoutException as exc:
                if retries < self.http_request_max_retries:
                    retries = yield from self._wait_before_retry(retries, method, path, "timeout")
                    continue
                raise APITimeoutError(f"{method} {path} timed out") from exc
            except httpx.TransportError as exc:
                if retries < self.http_request_max_retries:
                    reason = type(exc).__name__
                    retries = yield from self._wait_before_retry(retries, method, path, reason)
                    continue
                raise APIConnectionError(
                    f"{method} {path}: connection failed ({type(exc).__name__})"
                ) from exc

            if response.is_success:
                return response
            if retries < self.http_request_max_retries and _should_retry(response):
                yield Close(response)
                retries = yield from self._wait_before_retry(
                    retries, method, path, str(response.status_code), response.headers
                )
                continue
            if stream:
                yield Read(response)
                yield Close(response)
            raise self._error_from(response, method, path)

    def _wait_before_retry(
        self,
        retries: int,
        method: str,
        path: str,
        reason: str,
        headers: httpx.Headers | None = None,
    ) -> Steps[int]:
        delay = self._retry_delay(retries, headers)
        log.info(
            "%s %s failed (%s); retry %d of %d in %.2f s",
            method, path, reason, retries + 1, self.http_request_max_retries, delay,
        )  # fmt: skip
        yield Sleep(delay)
        return retries + 1

    def _retry_delay(self, retries: int, headers: httpx.Headers | None) -> float:
        """The server's retry-after-ms / retry-after (capped), else backoff with jitter."""
        advised = _retry_after_seconds(headers) if headers is not None else None
        if advised is not None:
            return min(advised, self.max_retry_after_seconds)
        backoff = min(self.backoff_delay_seconds * 2.0**retries, self.max_backoff_seconds)
        return backoff * (1.0 - 0.25 * random.random())

    def _error_from(self, response: httpx.Response, method: str, path: str) -> APIError:
        status = response.status_code
        message, code, param, err_type = (
            f"{method} {path} failed with HTTP {status}",
            None,
            None,
            None,
        )
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
            if response.text.strip():
                message = f"{message}: {response.text.strip()[:500]}"
        if isinstance(body, dict):
            error = body.get("error")
            if isinstance(error, dict):
                message = str(error.get("message") or message)
                code, param, err_type = error.get("code"), error.get("param"), error.get("type")
            elif "detail" in body:
                message = f"{message}: {body['detail']}"
        return error_for_status(status)(
            self._redact(message),
            status=status,
            code=None if code is None else self._redact(str(code)),
            param=None if param is None else self._redact(str(param)),
            type=err_type,
            request_id=response.headers.get("x-request-id"),
        )

    def _redact(self, text: str) -> str:
        # A key too short to be real would mangle ordinary words if replaced.
        if self._api_key and len(self._api_key) >= 8:
            return text.replace(self._api_key, "[redacted]")
        return text

    # --- typed helpers over the loop ---------------------------------------------------------

    def _get_op(
        self, path: str, cast: type[M], params: Mapping[str, Any] | None = None
    ) -> Steps[M]:
        return self._parse((yield from self._request_op("GET", path, params=params)), cast)

    def _post_op(
        self, path: str, cast: type[M], body: BaseModel | Mapping[str, Any] | None
    ) -> Steps[M]:
        payload = request_body(body) if isinstance(body, BaseModel) else dict(body or {})
        return self._parse((yield from self._request_op("POST", path, json_body=payload)), cast)

    def _delete_op(self, path: str, cast: type[M]) -> Steps[M]:
        return self._parse((yield from self._request_op("DELETE", path)), cast)

    def _list_op(self, path: str, item: type[T], query: ListQueryParameters) -> Steps[PageSpec[T]]:
        listing: ListResponse[Any] = yield from self._get_op(
            path,
            ListResponse[item],  # type: ignore[valid-type]
            query.to_query(),
        )

        def fetch_after(cursor: str) -> Steps[PageSpec[T]]:
            return self._list_op(
                path, item, query.model_copy(update={"after": cursor, "before": None})
            )

        return PageSpec(
            listing.data, listing.first_id, listing.last_id, listing.has_more, fetch_after
        )

    def _parse(self, response: httpx.Response, cast: type[M]) -> M:
        try:
            return cast.model_validate_json(response.content)
        except ValidationError as exc:
            raise APIError(
                f"unexpected {cast.__name__} from {response.request.url.path}: {exc}",
                status=response.status_code,
                request_id=response.headers.get("x-request-id"),
            ) from exc

    # --- polling -----------------------------------------------------------------------------

    def _poll_op(
        self,
        path: str,
        cast: type[M],
        *,
        object_type: str,
        object_id: str,
        terminal: frozenset[str],
        on_poll: Callable[[M], object] | None = None,
    ) -> Steps[M]:
        """GET `path` until its `status` is terminal; honour `openai-poll-after-ms`.

        `on_poll` sees every state fetched, the terminal one included (e.g. to report progress).
        """

        def fetch() -> Steps[tuple[M, str, httpx.Headers]]:
            response = yield from self._request_op("GET", path)
            obj = self._parse(response, cast)
            if on_poll is not None:
                on_poll(obj)
            return obj, str(getattr(obj, "status", "")), response.headers

        return (
            yield from self._poll_until_op(
                fetch, object_type, object_id, lambda status: status in terminal
            )
        )

    def _poll_until_op(
        self,
        fetch: Callable[[], Steps[tuple[T, str, httpx.Headers]]],
        object_type: str,
        object_id: str,
        done: Callable[[str], bool],
    ) -> Steps[T]:
        """Run `fetch` until `done(status)`; raise PollingTimeoutError past the time-out.

        Time waited is the larger of the wall clock and the sum of sleeps, so a replaced
        sleep still reaches the time-out.
        """
        started, slept = self._clock(), 0.0
        while True:
            obj, status, headers = yield from fetch()
            if done(status):
                return obj
            waited = max(self._clock() - started, slept)
            remaining = self.polling_timeout_seconds - waited
            if remaining <= 0:
                raise PollingTimeoutError(object_type, object_id, status, waited)
            delay = min(_poll_after(headers, self.polling_interval_seconds), remaining)
            yield Sleep(delay)
            slept += delay


def _poll_after(headers: httpx.Headers, default: float) -> float:
    value = headers.get("openai-poll-after-ms")
    if value is None:
        return default
    try:
        return max(float(value) / 1000.0, 0.0)
    except ValueError:
        return default


def _should_retry(response: httpx.Response) -> bool:
    advice = response.headers.get("x-should-retry", "").lower()
    if advice in ("true", "false"):
        return advice == "true"
    return response.status_code in RETRYABLE_STATUSES or response.status_code >= 500


def _retry_after_seconds(headers: httpx.Headers) -> float | None:
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value.strip() else None
        if parsed is None:
            return None
        return max(parsed.timestamp() - time.time(), 0.0)


def request_body(params: BaseModel) -> dict[str, Any]:
    """A request body: fields the caller set (explicit nulls kept), nested nulls dropped."""
    payload = params.model_dump(mode="json", exclude_none=True, by_alias=True)
    for name in params.model_fields_set:
        if getattr(params, name) is None:
            payload[name] = None
    return payload


def coerce_params(
    cls: type[M], params: M | Mapping[str, Any] | None, overrides: Mapping[str, Any]
) -> M:
    """A request model from a model, a mapping or keyword arguments (keywords win)."""
    try:
        if params is None:
            result = cls.model_validate(dict(overrides))
        elif isinstance(params, BaseModel):
            if not overrides and isinstance(params, cls):
                result = params
            else:
                result = cls.model_validate({**request_body(params), **overrides})
        elif isinstance(params, Mapping):
            result = cls.model_validate({**params, **overrides})
        else:
            raise InvalidArgumentError(
                f"{cls.__name__} expected, or a mapping of its fields; got {type(params).__name__}"
            )
    except ValidationError as exc:
        raise InvalidArgumentError(explain_validation_error(cls, exc)) from exc
    # Nested wire models keep unknown keys (responses must tolerate them); requests must not.
    if problems := unknown_fields(result):
        raise InvalidArgumentError(f"invalid {cls.__name__}: " + "; ".join(problems))
    return result


def require_id(name: str, value: str) -> str:
    """The seed refuses empty ids before any request; so do we."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(f"{name} must be a non-empty string")
    return value
