"""PDF Copilot's core: the OpenAI client, wire types, documents and copilots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.client import OpenAIClient

if TYPE_CHECKING:
    from core.copilots import (
        AICopilotFactory,
        OpenAIChatCopilotOptions,
        OpenAIImageDescriptionCopilotOptions,
        OpenAIOcrCopilotOptions,
        OpenAISummaryCopilotOptions,
    )

__all__ = [
    "AICopilotFactory",
    "OpenAIChatCopilotOptions",
    "OpenAIClient",
    "OpenAIImageDescriptionCopilotOptions",
    "OpenAIOcrCopilotOptions",
    "OpenAISummaryCopilotOptions",
]

_COPILOT_NAMES = frozenset(__all__) - {"OpenAIClient"}


def __getattr__(name: str) -> Any:
    # The copilots (and the PDF libraries under them) load on first use, so importing
    # `core.types` or the client alone stays light.
    if name in _COPILOT_NAMES:
        import core.copilots

        return getattr(core.copilots, name)
    raise AttributeError(f"module 'core' has no attribute {name!r}")
