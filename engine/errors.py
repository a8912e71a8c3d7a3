"""One error shape, OpenAI's envelope, rendered by one set of handlers.

    APIError                      {"error": {"message", "type", "param", "code"}}
     ├── InvalidRequest           400 invalid_request_error (names `param`)
     ├── Unauthorized             401 invalid_request_error / invalid_api_key
     ├── NotFound                 404 invalid_request_error (names the id)
     ├── Conflict                 409
     ├── PayloadTooLarge          413
     └── TooManyRequests          429 requests / rate_limit_exceeded, with Retry-After
"""

from __future__ import annotations

import logging
import math

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("engine")


class APIError(Exception):
    status_code = 400
    error_type = "invalid_request_error"
    headers: dict[str, str] | None = None  # sent with the error (Retry-After on a 429)

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code

    def envelope(self) -> dict:
        return error_body(self.message, self.error_type, self.param, self.code)


class InvalidRequest(APIError):
    status_code = 400


class Unauthorized(APIError):
    status_code = 401


class NotFound(APIError):
    status_code = 404

    def __init__(self, kind: str, object_id: str, *, param: str | None = None):
        super().__init__(f"No {kind} found with id '{object_id}'.", param=param, code="not_found")


class Conflict(APIError):
    status_code = 409


class PayloadTooLarge(APIError):
    status_code = 413


class TooManyRequests(APIError):
    """429 in OpenAI's shape (type `requests`, code `rate_limit_exceeded`); `Retry-After`
    (whole seconds, at least 1) and `retry-after-ms` say when to try again."""

    status_code = 429
    error_type = "requests"

    def __init__(self, message: str, *, retry_after: float):
        super().__init__(message, code="rate_limit_exceeded")
        self.headers = {"Retry-After": str(max(1, math.ceil(retry_after))),
                        "retry-after-ms": str(max(1, round(retry_after * 1000)))}


def error_body(message: str, type_: str, param: str | None, code: str | None) -> dict:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def _param_of(loc: tuple) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or None


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure, expected or not, through the one envelope."""

    @app.exception_handler(APIError)
    async def _api_error(_: Request, exc: APIError) -> JSONResponse:
        return JSONResponse(exc.envelope(), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        param = _param_of(tuple(first.get("loc", ())))
        reason = first.get("msg", "invalid request")
        if first.get("type") == "extra_forbidden":
            reason = "unknown parameter"
        message = f"Invalid value for '{param}': {reason}." if param else f"{reason}."
        body = error_body(message, "invalid_request_error", param, "invalid_value")
        return JSONResponse(body, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = "not_found" if exc.status_code == 404 else None
        message = str(exc.detail) if exc.status_code != 404 else "Unknown path."
        body = error_body(message, "invalid_request_error", None, code)
        return JSONResponse(body, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The traceback goes to the server log only; the caller learns nothing internal.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        body = error_body("The server had an error processing your request.", "server_error",
                          None, "server_error")
        return JSONResponse(body, status_code=500)
