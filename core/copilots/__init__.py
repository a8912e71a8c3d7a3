"""Copilots on top of `OpenAIClient`: chat with documents, summary, image description, OCR.

Plain Python (no UI). Make one with `AICopilotFactory.create_*_copilot(client, options)` or
`client.get_*_copilot(options)`; options are pydantic models with fluent `with_*` methods.
Errors: see `core.copilots._errors` (root `CopilotError`).
"""

from core.copilots._async import (
    AsyncChatCopilot,
    AsyncImageDescriptionCopilot,
    AsyncOcrCopilot,
    AsyncSummaryCopilot,
)
from core.copilots._chat import ChatCopilot
from core.copilots._citations import ChatAnswer, Citation
from core.copilots._common import SaveFormat
from core.copilots._context import ChatContext
from core.copilots._errors import (
    CopilotContextError,
    CopilotError,
    CopilotResponseError,
    DocumentIndexingError,
    DocumentSourceError,
    FailedDocument,
    OcrUnavailableError,
)
from core.copilots._factory import AICopilotFactory
from core.copilots._images import ImageDescriptionCopilot, ImageDescriptionResult
from core.copilots._ocr_copilot import OcrCopilot, OcrPage, OcrResult
from core.copilots._options import (
    Detail,
    OpenAIChatCopilotOptions,
    OpenAIImageDescriptionCopilotOptions,
    OpenAIOcrCopilotOptions,
    OpenAISummaryCopilotOptions,
    ProgressCallback,
    TextCallback,
)
from core.copilots._seed import (
    AICopilotException,
    DocumentCollection,
    ImageDescription,
    OcrDetail,
    OpenAIChatCopilot,
    OpenAIImageDescriptionCopilot,
    OpenAIOcrCopilot,
    OpenAISummaryCopilot,
    PageInfo,
    PdfDocument,
    TextDocument,
    TextRecognitionResult,
)
from core.copilots._seed import ImageDescriptionResult as SeedImageDescriptionResult
from core.copilots._sources import DocumentSource
from core.copilots._summary import SummaryCopilot

__all__ = [
    "AICopilotException",
    "AsyncChatCopilot",
    "AsyncImageDescriptionCopilot",
    "AsyncOcrCopilot",
    "AsyncSummaryCopilot",
    "AICopilotFactory",
    "Detail",
    "DocumentCollection",
    "ImageDescription",
    "OcrDetail",
    "OpenAIChatCopilot",
    "OpenAIImageDescriptionCopilot",
    "OpenAIOcrCopilot",
    "OpenAISummaryCopilot",
    "PageInfo",
    "PdfDocument",
    "SaveFormat",
    "SeedImageDescriptionResult",
    "TextDocument",
    "TextRecognitionResult",
    "ChatAnswer",
    "ChatContext",
    "ChatCopilot",
    "Citation",
    "CopilotContextError",
    "CopilotError",
    "CopilotResponseError",
    "DocumentIndexingError",
    "DocumentSource",
    "DocumentSourceError",
    "FailedDocument",
    "ImageDescriptionCopilot",
    "ImageDescriptionResult",
    "OcrCopilot",
    "OcrPage",
    "OcrResult",
    "OcrUnavailableError",
    "OpenAIChatCopilotOptions",
    "OpenAIImageDescriptionCopilotOptions",
    "OpenAIOcrCopilotOptions",
    "OpenAISummaryCopilotOptions",
    "ProgressCallback",
    "SummaryCopilot",
    "TextCallback",
]
