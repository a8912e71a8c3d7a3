"""`AICopilotFactory`: the seed's way to make a copilot from a client and its options."""

from __future__ import annotations

from core.client import OpenAIClient
from core.copilots._chat import ChatCopilot
from core.copilots._images import ImageDescriptionCopilot
from core.copilots._ocr_copilot import OcrCopilot
from core.copilots._options import (
    OpenAIChatCopilotOptions,
    OpenAIImageDescriptionCopilotOptions,
    OpenAIOcrCopilotOptions,
    OpenAISummaryCopilotOptions,
)
from core.copilots._summary import SummaryCopilot

__all__ = ["AICopilotFactory"]


class AICopilotFactory:
    """`AICopilotFactory.create_chat_copilot(client, options)` and its siblings."""

    @staticmethod
    def create_chat_copilot(
        client: OpenAIClient, options: OpenAIChatCopilotOptions | None = None
    ) -> ChatCopilot:
        return ChatCopilot(client, options)

    @staticmethod
    def create_summary_copilot(
        client: OpenAIClient, options: OpenAISummaryCopilotOptions | None = None
    ) -> SummaryCopilot:
        return SummaryCopilot(client, options)

    @staticmethod
    def create_image_description_copilot(
        client: OpenAIClient, options: OpenAIImageDescriptionCopilotOptions | None = None
    ) -> ImageDescriptionCopilot:
        return ImageDescriptionCopilot(client, options)

    @staticmethod
    def create_ocr_copilot(
        client: OpenAIClient, options: OpenAIOcrCopilotOptions | None = None
    ) -> OcrCopilot:
        return OcrCopilot(client, options)
