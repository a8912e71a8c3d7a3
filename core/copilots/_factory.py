"""`AICopilotFactory`: the seed's way to make a copilot from a client and its options."""

from __future__ import annotations

from typing import overload

from core.client import AsyncOpenAIClient, OpenAIClient
from core.copilots._async import (
    AsyncChatCopilot,
    AsyncImageDescriptionCopilot,
    AsyncOcrCopilot,
    AsyncSummaryCopilot,
)
from core.copilots._options import (
    OpenAIChatCopilotOptions,
    OpenAIImageDescriptionCopilotOptions,
    OpenAIOcrCopilotOptions,
    OpenAISummaryCopilotOptions,
)
from core.copilots._seed import (
    OpenAIChatCopilot,
    OpenAIImageDescriptionCopilot,
    OpenAIOcrCopilot,
    OpenAISummaryCopilot,
)

__all__ = ["AICopilotFactory"]


class AICopilotFactory:
    """`AICopilotFactory.create_chat_copilot(client, options)` and its siblings; they return
    the seed's copilot classes (with the seed's result shapes), or their async twins for an
    `AsyncOpenAIClient`."""

    @overload
    @staticmethod
    def create_chat_copilot(
        client: AsyncOpenAIClient, options: OpenAIChatCopilotOptions | None = None
    ) -> AsyncChatCopilot: ...

    @overload
    @staticmethod
    def create_chat_copilot(
        client: OpenAIClient, options: OpenAIChatCopilotOptions | None = None
    ) -> OpenAIChatCopilot: ...

    @staticmethod
    def create_chat_copilot(
        client: OpenAIClient | AsyncOpenAIClient, options: OpenAIChatCopilotOptions | None = None
    ) -> OpenAIChatCopilot | AsyncChatCopilot:
        if isinstance(client, AsyncOpenAIClient):
            return AsyncChatCopilot(client, options)
        return OpenAIChatCopilot(client, options)

    @overload
    @staticmethod
    def create_summary_copilot(
        client: AsyncOpenAIClient, options: OpenAISummaryCopilotOptions | None = None
    ) -> AsyncSummaryCopilot: ...

    @overload
    @staticmethod
    def create_summary_copilot(
        client: OpenAIClient, options: OpenAISummaryCopilotOptions | None = None
    ) -> OpenAISummaryCopilot: ...

    @staticmethod
    def create_summary_copilot(
        client: OpenAIClient | AsyncOpenAIClient,
        options: OpenAISummaryCopilotOptions | None = None,
    ) -> OpenAISummaryCopilot | AsyncSummaryCopilot:
        if isinstance(client, AsyncOpenAIClient):
            return AsyncSummaryCopilot(client, options)
        return OpenAISummaryCopilot(client, options)

    @overload
    @staticmethod
    def create_image_description_copilot(
        client: AsyncOpenAIClient, options: OpenAIImageDescriptionCopilotOptions | None = None
    ) -> AsyncImageDescriptionCopilot: ...

    @overload
    @staticmethod
    def create_image_description_copilot(
        client: OpenAIClient, options: OpenAIImageDescriptionCopilotOptions | None = None
    ) -> OpenAIImageDescriptionCopilot: ...

    @staticmethod
    def create_image_description_copilot(
        client: OpenAIClient | AsyncOpenAIClient,
        options: OpenAIImageDescriptionCopilotOptions | None = None,
    ) -> OpenAIImageDescriptionCopilot | AsyncImageDescriptionCopilot:
        if isinstance(client, AsyncOpenAIClient):
            return AsyncImageDescriptionCopilot(client, options)
        return OpenAIImageDescriptionCopilot(client, options)

    @overload
    @staticmethod
    def create_ocr_copilot(
        client: AsyncOpenAIClient, options: OpenAIOcrCopilotOptions | None = None
    ) -> AsyncOcrCopilot: ...

    @overload
    @staticmethod
    def create_ocr_copilot(
        client: OpenAIClient, options: OpenAIOcrCopilotOptions | None = None
    ) -> OpenAIOcrCopilot: ...

    @staticmethod
    def create_ocr_copilot(
        client: OpenAIClient | AsyncOpenAIClient, options: OpenAIOcrCopilotOptions | None = None
    ) -> OpenAIOcrCopilot | AsyncOcrCopilot:
        if isinstance(client, AsyncOpenAIClient):
            return AsyncOcrCopilot(client, options)
        return OpenAIOcrCopilot(client, options)
