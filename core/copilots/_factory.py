"""`AICopilotFactory`: the seed's way to make a copilot from a client and its options."""

from __future__ import annotations

from core.client import OpenAIClient
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
    the seed's copilot classes (with the seed's result shapes)."""

    @staticmethod
    def create_chat_copilot(
        client: OpenAIClient, options: OpenAIChatCopilotOptions | None = None
    ) -> OpenAIChatCopilot:
        return OpenAIChatCopilot(client, options)

    @staticmethod
    def create_summary_copilot(
        client: OpenAIClient, options: OpenAISummaryCopilotOptions | None = None
    ) -> OpenAISummaryCopilot:
        return OpenAISummaryCopilot(client, options)

    @staticmethod
    def create_image_description_copilot(
        client: OpenAIClient, options: OpenAIImageDescriptionCopilotOptions | None = None
    ) -> OpenAIImageDescriptionCopilot:
        return OpenAIImageDescriptionCopilot(client, options)

    @staticmethod
    def create_ocr_copilot(
        client: OpenAIClient, options: OpenAIOcrCopilotOptions | None = None
    ) -> OpenAIOcrCopilot:
        return OpenAIOcrCopilot(client, options)
