"""Every error the client raises, under one root.

    OpenAIError
    ├── InvalidArgumentError            a call was made with an empty id or unusable argument
    ├── APIError                        (message, status, code, param, type, request_id)
    │   ├── APIConnectionError          the server could not be reached / the connection dropped
    │   │   └── APITimeoutError         the request timed out
    │   ├── BadRequestError             400
    │   ├── AuthenticationError         401
    │   ├── PermissionDeniedError       403
    │   ├── NotFoundError               404
    │   ├── ConflictError               409
    │   ├── UnprocessableEntityError    422
    │   ├── RateLimitError              429
    │   └── InternalServerError         5xx
    ├── StreamError                     the server sent an `error` event inside a stream
    ├── RunFailedError                  a run ended without an answer (failed, expired, …)
    └── PollingTimeoutError             a wait_for_* gave up (object id, last status, seconds)

Other 4xx statuses raise `APIError` itself. `AIClientException` (the seed's name) is
`OpenAIError`, so `except AIClientException` catches every client error. No message ever contains the API key: the request
loop redacts it from anything the server echoes back.
"""

from __future__ import annotations

__all__ = [
    "AIClientException",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "InvalidArgumentError",
    "NotFoundError",
    "OpenAIError",
    "PermissionDeniedError",
    "PollingTimeoutError",
    "RateLimitError",
    "RunFailedError",
    "StreamError",
    "UnprocessableEntityError",
    "error_for_status",
]


class OpenAIError(Exception):
    """Root of every error raised by `core.client`."""


AIClientException = OpenAIError


class InvalidArgumentError(OpenAIError, ValueError):
    """A call was made with an argument the API cannot accept (an empty id, for one)."""


class APIError(OpenAIError):
    """The server answered with an error, or could not be reached."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        param: str | None = None,
        type: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.param = param
        self.type = type
        self.request_id = request_id

    def __str__(self) -> str:
        details = [
            f"{name}={value}"
            for name, value in (
                ("status", self.status),
                ("code", self.code),
                ("param", self.param),
                ("request_id", self.request_id),
            )
            if value is not None
        ]
        return f"{self.message} ({', '.join(details)})" if details else self.message


class APIConnectionError(APIError):
    """The request never got an HTTP answer: refused, reset or dropped connection."""


class APITimeoutError(APIConnectionError):
    """The request timed out before the server answered."""


class BadRequestError(APIError):
    """400: the request is malformed or names an invalid parameter."""


class AuthenticationError(APIError):
    """401: the API key is missing or wrong."""


class PermissionDeniedError(APIError):
    """403: the key may not touch this resource."""


class NotFoundError(APIError):
    """404: no such object or path."""


class ConflictError(APIError):
    """409: the object is in a state that forbids the request."""


class UnprocessableEntityError(APIError):
    """422: the request is well-formed but cannot be processed."""


class RateLimitError(APIError):
    """429: too many requests (or quota exhausted)."""


class InternalServerError(APIError):
    """5xx: the server failed."""


class StreamError(OpenAIError):
    """The server reported an error in the middle of a streamed response."""

    def __init__(self, message: str, *, code: str | None = None, type: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.type = type


class RunFailedError(OpenAIError):
    """A helper needed a run's answer, but the run ended in another status."""

    def __init__(self, run_id: str, status: str, last_error: str | None = None) -> None:
        detail = f": {last_error}" if last_error else ""
        super().__init__(f"run {run_id} ended {status!r}{detail}")
        self.run_id = run_id
        self.status = status
        self.last_error = last_error


class PollingTimeoutError(OpenAIError, TimeoutError):
    """A wait_for_* helper gave up before the object reached a terminal status."""

    def __init__(self, object_type: str, object_id: str, last_status: str, waited: float):
        super().__init__(
            f"{object_type} {object_id} still {last_status!r} after {waited:.1f} s of polling"
        )
        self.object_type = object_type
        self.object_id = object_id
        self.last_status = last_status
        self.waited_seconds = waited


_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_for_status(status: int) -> type[APIError]:
    """The error class an HTTP status maps to."""
    if status >= 500:
        return InternalServerError
    return _BY_STATUS.get(status, APIError)
