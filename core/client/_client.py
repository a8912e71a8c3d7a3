"""`OpenAIClient`: the seed's whole surface, assembled from one mixin per resource."""

from __future__ import annotations

import threading
import time
from asyncio import CancelledError
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, TypeVar, cast, overload

import httpx
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.client._assistants import AssistantsMixin
from core.client._base import DEFAULT_BASE_URL, DEFAULT_TIMEOUT
from core.client._completions import CompletionsMixin
from core.client._completions import Params as CompletionParams
from core.client._files import FilesMixin
from core.client._pagination import Page, PageSpec
from core.client._projects import ProjectsMixin
from core.client._runs import RunParams, RunsMixin, ThreadAndRunParams
from core.client._steps import Read, Send, Sleep, Steps, SyncRunner
from core.client._streaming import AssistantEventStream, ChatCompletionStream, StreamSpec
from core.client._threads import ThreadsMixin
from core.client._vector_stores import VectorStoresMixin
from core.errors import InvalidArgumentError
from core.types.chat import ChatCompletion
from core.types.runs import Run

if TYPE_CHECKING:
    from core.copilots import (
        OpenAIChatCopilot,
        OpenAIChatCopilotOptions,
        OpenAIImageDescriptionCopilot,
        OpenAIImageDescriptionCopilotOptions,
        OpenAIOcrCopilot,
        OpenAIOcrCopilotOptions,
        OpenAISummaryCopilot,
        OpenAISummaryCopilotOptions,
    )

R = TypeVar("R")
T = TypeVar("T")

DEFAULT_BASE_DOMAIN = "https://api.openai.com"
DEFAULT_API_VERSION = "v1"


class ClientSettings(BaseSettings):
    """Where the client connects, from `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID`,
    `OPENAI_PROJECT_ID`."""

    model_config = SettingsConfigDict(env_prefix="OPENAI_", extra="ignore")

    api_key: SecretStr | None = None
    base_url: str = DEFAULT_BASE_URL
    org_id: str | None = None
    project_id: str | None = None


class Resources(
    AssistantsMixin,
    ThreadsMixin,
    RunsMixin,
    FilesMixin,
    VectorStoresMixin,
    CompletionsMixin,
    ProjectsMixin,
):
    """Every resource method of both clients, written once as steps (see `_steps`)."""


class OpenAIClient(Resources, SyncRunner):
    """A client for OpenAI's REST API and any server that speaks it (our engine included).

    Build it with keywords (`OpenAIClient(api_key=..., base_url=...)`), with the seed's builder
    (`OpenAIClient.create_with_api_key(key).with_base_url(url).build()`), or from the
    environment (`OpenAIClient.from_env()`). Close it, or use it as a context manager.
    The knobs and their defaults are described on `BaseClient`; `AsyncOpenAIClient` is the
    same client for asyncio.
    """

    Builder: ClassVar[type[OpenAIClientBuilder]]
    _http: httpx.Client

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        http_request_max_retries: int = 2,
        backoff_delay_seconds: float = 0.5,
        polling_interval_seconds: float = 1.0,
        polling_timeout_seconds: float = 600.0,
        timeout: float | httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        if http_client is not None and transport is not None:
            raise InvalidArgumentError("pass either transport= or http_client=, not both")
        self._configure(
            api_key=api_key,
            base_url=base_url,
            organization=organization,
            project=project,
            http_request_max_retries=http_request_max_retries,
            backoff_delay_seconds=backoff_delay_seconds,
            polling_interval_seconds=polling_interval_seconds,
            polling_timeout_seconds=polling_timeout_seconds,
            default_headers=default_headers,
        )
        self._owns_http_client = http_client is None
        self._http = http_client or httpx.Client(
            transport=transport,
            timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
            follow_redirects=True,
        )
        # Per thread: an async copilot's worker sets `.event`; once it is set (the awaiting
        # task was cancelled) the next step raises. Threads never see each other's flag.
        self._cancel_scope = threading.local()

    @staticmethod
    def create_with_api_key(api_key: str) -> OpenAIClientBuilder:
        """The seed's entry point: a builder holding the key."""
        return OpenAIClientBuilder(api_key)

    @classmethod
    def from_settings(cls, settings: ClientSettings, **options: Any) -> OpenAIClient:
        key = settings.api_key.get_secret_value() if settings.api_key else None
        return cls(
            api_key=key,
            base_url=settings.base_url,
            organization=settings.org_id,
            project=settings.project_id,
            **options,
        )

    @classmethod
    def from_env(cls, **options: Any) -> OpenAIClient:
        """A client configured by `OPENAI_*` environment variables; `options` add knobs."""
        return cls.from_settings(ClientSettings(), **options)

    # --- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Release the connection pool (the seed's Dispose); a passed-in http_client stays open."""
        if self._owns_http_client:
            self._http.close()

    def dispose(self) -> None:
        """The seed's Dispose: the same as `close()`."""
        self.close()

    def __enter__(self) -> OpenAIClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- performing the steps ----------------------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        """Every wait (retry backoff and polling) goes through here; tests replace it."""
        time.sleep(seconds)

    def _drive(self, steps: Steps[R]) -> R:
        """Run a method's steps with blocking I/O; errors of a step go back into the policy."""
        result: Any = None
        error: Exception | None = None
        try:
            while True:
                cancelled = getattr(self._cancel_scope, "event", None)
                if cancelled is not None and cancelled.is_set():
                    # Once: the clean-up after it (deleting what was created) must still run.
                    cancelled.clear()
                    raise CancelledError("the awaiting task was cancelled")
                try:
                    step = steps.throw(error) if error is not None else steps.send(result)
                except StopIteration as stop:
                    return cast(R, stop.value)
                result, error = None, None
                try:
                    if isinstance(step, Send):
                        result = self._http.send(step.request, stream=step.stream)
                    elif isinstance(step, Sleep):
                        self._sleep(step.seconds)
                    elif isinstance(step, Read):
                        step.response.read()
                    else:
                        step.response.close()
                except Exception as exc:
                    error = exc
        finally:
            steps.close()

    def _request(self, method: str, path: str, **options: Any) -> httpx.Response:
        """One raw API call through the request policy (for extensions and tests)."""
        return self._drive(self._request_op(method, path, **options))

    def _page(self, spec: PageSpec[T]) -> Page[T]:
        def fetch_after(cursor: str) -> Page[T]:
            return self._page(self._drive(spec.fetch_after(cursor)))

        return Page(
            spec.data,
            first_id=spec.first_id,
            last_id=spec.last_id,
            has_more=spec.has_more,
            fetch_after=fetch_after,
        )

    def _run_stream(self, spec: StreamSpec) -> AssistantEventStream:
        return AssistantEventStream(spec.response)

    def _chat_stream(self, spec: StreamSpec) -> ChatCompletionStream:
        return ChatCompletionStream(spec.response)

    # --- the methods whose result type depends on `stream=` ----------------------------------

    @overload
    def create_run(
        self,
        thread_id: str,
        params: RunParams = None,
        /,
        *,
        stream: Literal[False] = False,
        include: list[str] | None = None,
        **fields: Any,
    ) -> Run: ...

    @overload
    def create_run(
        self,
        thread_id: str,
        params: RunParams = None,
        /,
        *,
        stream: Literal[True],
        include: list[str] | None = None,
        **fields: Any,
    ) -> AssistantEventStream: ...

    def create_run(
        self,
        thread_id: str,
        params: RunParams = None,
        /,
        *,
        stream: bool = False,
        include: list[str] | None = None,
        **fields: Any,
    ) -> Run | AssistantEventStream:
        """Start a run of an assistant on a thread; `stream=True` returns its events."""
        result = self._drive(
            self._create_run_op(thread_id, params, stream=stream, include=include, fields=fields)
        )
        return self._run_stream(result) if isinstance(result, StreamSpec) else result

    @overload
    def create_thread_and_run(
        self, params: ThreadAndRunParams = None, /, *, stream: Literal[False] = False, **fields: Any
    ) -> Run: ...

    @overload
    def create_thread_and_run(
        self, params: ThreadAndRunParams = None, /, *, stream: Literal[True], **fields: Any
    ) -> AssistantEventStream: ...

    def create_thread_and_run(
        self, params: ThreadAndRunParams = None, /, *, stream: bool = False, **fields: Any
    ) -> Run | AssistantEventStream:
        """Create a thread and start a run on it in one request."""
        result = self._drive(self._create_thread_and_run_op(params, stream=stream, fields=fields))
        return self._run_stream(result) if isinstance(result, StreamSpec) else result

    @overload
    def create_completion(
        self, params: CompletionParams = None, /, *, stream: Literal[False] = False, **fields: Any
    ) -> ChatCompletion: ...

    @overload
    def create_completion(
        self, params: CompletionParams = None, /, *, stream: Literal[True], **fields: Any
    ) -> ChatCompletionStream: ...

    def create_completion(
        self, params: CompletionParams = None, /, *, stream: bool = False, **fields: Any
    ) -> ChatCompletion | ChatCompletionStream:
        """A chat completion (the seed's CreateCompletionAsync); `stream=True` yields chunks."""
        result = self._drive(self._create_completion_op(params, stream=stream, fields=fields))
        return self._chat_stream(result) if isinstance(result, StreamSpec) else result

    # --- copilots ----------------------------------------------------------------------------
    # core.copilots imports this module, so it is imported here, when a copilot is asked for.

    def get_chat_copilot(
        self, options: OpenAIChatCopilotOptions | None = None
    ) -> OpenAIChatCopilot:
        """A chat copilot over this client (the seed's GetChatCopilot)."""
        from core.copilots import OpenAIChatCopilot

        return OpenAIChatCopilot(self, options)

    def get_summary_copilot(
        self, options: OpenAISummaryCopilotOptions | None = None
    ) -> OpenAISummaryCopilot:
        from core.copilots import OpenAISummaryCopilot

        return OpenAISummaryCopilot(self, options)

    def get_image_description_copilot(
        self, options: OpenAIImageDescriptionCopilotOptions | None = None
    ) -> OpenAIImageDescriptionCopilot:
        from core.copilots import OpenAIImageDescriptionCopilot

        return OpenAIImageDescriptionCopilot(self, options)

    def get_ocr_copilot(self, options: OpenAIOcrCopilotOptions | None = None) -> OpenAIOcrCopilot:
        from core.copilots import OpenAIOcrCopilot

        return OpenAIOcrCopilot(self, options)


_LOOPBACK = ("localhost", "127.", "[::1]")


def with_scheme(domain: str) -> str:
    """`domain` with `https://` in front when it has no scheme (`http://` for loopback)."""
    if "://" in domain:
        return domain
    return ("http://" if domain.startswith(_LOOPBACK) else "https://") + domain


class OpenAIClientBuilder:
    """The seed's `OpenAIClient.Builder`: chain `with_*` calls, then `build()`.

    `with_base_url` takes a full URL including its version path (`http://127.0.0.1:8000/v1`);
    `with_base_domain` takes the host only, and `with_api_version` (default `v1`) is appended.
    """

    def __init__(self, api_key: str) -> None:
        if not isinstance(api_key, str) or not api_key.strip():
            raise InvalidArgumentError("api_key must be a non-empty string")
        self._api_key = api_key
        self._organization: str | None = None
        self._project: str | None = None
        self._base_url: str | None = None
        self._base_domain = DEFAULT_BASE_DOMAIN
        self._api_version = DEFAULT_API_VERSION

    def __repr__(self) -> str:
        return f"OpenAIClientBuilder(base_url={self._resolved_base_url()!r})"

    def with_organization(self, organization: str) -> Self:
        self._organization = organization
        return self

    def with_project(self, project: str) -> Self:
        self._project = project
        return self

    def with_base_url(self, base_url: str) -> Self:
        self._base_url = base_url
        return self

    def with_base_domain(self, base_domain: str) -> Self:
        """The host, as the seed takes it (`api.openai.com`); a scheme may be given, else
        https is used (http for a loopback host such as `127.0.0.1:8000`)."""
        if not isinstance(base_domain, str) or not base_domain.strip():
            raise InvalidArgumentError("base_domain must be a non-empty string")
        self._base_domain, self._base_url = with_scheme(base_domain.strip()), None
        return self

    def with_api_version(self, api_version: str) -> Self:
        self._api_version = api_version.strip("/")
        return self

    def _resolved_base_url(self) -> str:
        return self._base_url or f"{self._base_domain.rstrip('/')}/{self._api_version}"

    def build(self, **options: Any) -> OpenAIClient:
        """The client; `options` are constructor keywords (knobs, `transport`, `timeout`…)."""
        return OpenAIClient(
            api_key=self._api_key,
            base_url=self._resolved_base_url(),
            organization=self._organization,
            project=self._project,
            **options,
        )


# The seed's nested class: `OpenAIClient.Builder(key).with_project(p).build()`.
OpenAIClient.Builder = OpenAIClientBuilder
