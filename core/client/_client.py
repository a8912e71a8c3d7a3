"""`OpenAIClient`: the seed's whole surface, assembled from one mixin per resource."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.client._assistants import AssistantsMixin
from core.client._base import DEFAULT_BASE_URL
from core.client._completions import CompletionsMixin
from core.client._files import FilesMixin
from core.client._projects import ProjectsMixin
from core.client._runs import RunsMixin
from core.client._threads import ThreadsMixin
from core.client._vector_stores import VectorStoresMixin
from core.errors import InvalidArgumentError

if TYPE_CHECKING:
    from core.copilots import (
        ChatCopilot,
        ImageDescriptionCopilot,
        OcrCopilot,
        OpenAIChatCopilotOptions,
        OpenAIImageDescriptionCopilotOptions,
        OpenAIOcrCopilotOptions,
        OpenAISummaryCopilotOptions,
        SummaryCopilot,
    )

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


class OpenAIClient(
    AssistantsMixin,
    ThreadsMixin,
    RunsMixin,
    FilesMixin,
    VectorStoresMixin,
    CompletionsMixin,
    ProjectsMixin,
):
    """A client for OpenAI's REST API and any server that speaks it (our engine included).

    Build it with keywords (`OpenAIClient(api_key=..., base_url=...)`), with the seed's builder
    (`OpenAIClient.create_with_api_key(key).with_base_url(url).build()`), or from the
    environment (`OpenAIClient.from_env()`). Close it, or use it as a context manager.
    The knobs and their defaults are described on `BaseClient`.
    """

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

    def __enter__(self) -> OpenAIClient:
        return self

    # --- copilots ----------------------------------------------------------------------------
    # core.copilots imports this module, so it is imported here, when a copilot is asked for.

    def get_chat_copilot(self, options: OpenAIChatCopilotOptions | None = None) -> ChatCopilot:
        """A chat copilot over this client (the seed's GetChatCopilot)."""
        from core.copilots import ChatCopilot

        return ChatCopilot(self, options)

    def get_summary_copilot(
        self, options: OpenAISummaryCopilotOptions | None = None
    ) -> SummaryCopilot:
        from core.copilots import SummaryCopilot

        return SummaryCopilot(self, options)

    def get_image_description_copilot(
        self, options: OpenAIImageDescriptionCopilotOptions | None = None
    ) -> ImageDescriptionCopilot:
        from core.copilots import ImageDescriptionCopilot

        return ImageDescriptionCopilot(self, options)

    def get_ocr_copilot(self, options: OpenAIOcrCopilotOptions | None = None) -> OcrCopilot:
        from core.copilots import OcrCopilot

        return OcrCopilot(self, options)


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

    def with_organization(self, organization: str) -> OpenAIClientBuilder:
        self._organization = organization
        return self

    def with_project(self, project: str) -> OpenAIClientBuilder:
        self._project = project
        return self

    def with_base_url(self, base_url: str) -> OpenAIClientBuilder:
        self._base_url = base_url
        return self

    def with_base_domain(self, base_domain: str) -> OpenAIClientBuilder:
        self._base_domain, self._base_url = base_domain, None
        return self

    def with_api_version(self, api_version: str) -> OpenAIClientBuilder:
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
