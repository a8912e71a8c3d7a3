"""PDF Copilot's core: the OpenAI client, wire types, documents and copilots."""

from core.client import OpenAIClient

__all__ = ["OpenAIClient"]
