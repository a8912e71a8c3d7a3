"""PDF Copilot's core: the OpenAI client, wire types, documents and copilots.

Every class name of the seed (Aspose.Pdf.AI) is importable from here: the client and its
builder, request and response classes (`core.types.seed`), list query parameters, enums
(`OpenAIModels`, `Detail`, `SaveFormat`), documents (`PdfDocument`, `TextDocument`,
`DocumentCollection`), copilots, options, results and exceptions (`AIClientException`,
`AICopilotException`). `ImageDescriptionResult` here is the seed's, one per source; the
per-image shape of `core.copilots.ImageDescriptionCopilot` is `ImageDescription`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.client import AsyncOpenAIClient, OpenAIClient
from core.errors import AIClientException
from core.types.seed import (
    Annotation,
    AssistantCreateRequest,
    AssistantListResponse,
    AssistantModifyRequest,
    AssistantResponse,
    Attachment,
    ChatMessage,
    ChatMessageResponse,
    Choice,
    CodeInterpreter,
    CompletionCreateRequest,
    CompletionFunction,
    CompletionResponse,
    CreateChatCompletionChunkResponse,
    DeleteStatusResponse,
    Error,
    ExpiresAfter,
    FileCitation,
    FileCounts,
    FileListResponse,
    FileResponse,
    FileSearch,
    Function,
    ImageFile,
    ImageUrl,
    IncompleteDetails,
    LastError,
    ListDataResponse,
    MessageContentRequest,
    MessageContentResponse,
    MessageCreation,
    OpenAIModels,
    RequiredAction,
    ResponseFormat,
    RunCreateRequest,
    RunListResponse,
    RunModifyRequest,
    RunResponse,
    RunStepDetails,
    RunStepListResponse,
    RunStepResponse,
    RunThreadCreateRequest,
    SubmitToolOutputs,
    TextResponse,
    ThreadCreateRequest,
    ThreadMessageCreateRequest,
    ThreadMessageListResponse,
    ThreadMessageModifyRequest,
    ThreadMessageResponse,
    ThreadModifyRequest,
    ThreadResponse,
    Tool,
    ToolCall,
    ToolChoice,
    ToolResources,
    TruncationStrategy,
    Usage,
    VectorStore,
    VectorStoreCreateRequest,
    VectorStoreFileBatchCreateRequest,
    VectorStoreFileBatchFileListResponse,
    VectorStoreFileBatchResponse,
    VectorStoreFileCreateRequest,
    VectorStoreFileListResponse,
    VectorStoreFileResponse,
    VectorStoreListResponse,
    VectorStoreModifyRequest,
    VectorStoreResponse,
)

if TYPE_CHECKING:
    from core.client import (
        AssistantListQueryParameters,
        FileListQueryParameters,
        RunListQueryParameters,
        RunStepListQueryParameters,
        ThreadMessageListQueryParameters,
        VectorStoreFileBatchFileListQueryParameters,
        VectorStoreFileListQueryParameters,
        VectorStoreListQueryParameters,
    )
    from core.client import ListQueryParameters as BaseListQueryParameters
    from core.copilots import (
        AICopilotException,
        AICopilotFactory,
        Detail,
        DocumentCollection,
        ImageDescription,
        OcrDetail,
        OpenAIChatCopilot,
        OpenAIChatCopilotOptions,
        OpenAIImageDescriptionCopilot,
        OpenAIImageDescriptionCopilotOptions,
        OpenAIOcrCopilot,
        OpenAIOcrCopilotOptions,
        OpenAISummaryCopilot,
        OpenAISummaryCopilotOptions,
        PageInfo,
        PdfDocument,
        SaveFormat,
        TextDocument,
        TextRecognitionResult,
    )
    from core.copilots import SeedImageDescriptionResult as ImageDescriptionResult

_COPILOT_NAMES = frozenset(
    {
        "AICopilotException",
        "AICopilotFactory",
        "Detail",
        "DocumentCollection",
        "ImageDescription",
        "OcrDetail",
        "OpenAIChatCopilot",
        "OpenAIChatCopilotOptions",
        "OpenAIImageDescriptionCopilot",
        "OpenAIImageDescriptionCopilotOptions",
        "OpenAIOcrCopilot",
        "OpenAIOcrCopilotOptions",
        "OpenAISummaryCopilot",
        "OpenAISummaryCopilotOptions",
        "PageInfo",
        "PdfDocument",
        "SaveFormat",
        "TextDocument",
        "TextRecognitionResult",
    }
)
_RENAMED = {
    "ImageDescriptionResult": ("core.copilots", "SeedImageDescriptionResult"),
    "BaseListQueryParameters": ("core.client", "ListQueryParameters"),
}
_CLIENT_NAMES = frozenset(
    {
        "AssistantListQueryParameters",
        "FileListQueryParameters",
        "RunListQueryParameters",
        "RunStepListQueryParameters",
        "ThreadMessageListQueryParameters",
        "VectorStoreFileBatchFileListQueryParameters",
        "VectorStoreFileListQueryParameters",
        "VectorStoreListQueryParameters",
    }
)


def __getattr__(name: str) -> Any:
    # The copilots (and the PDF libraries under them) load on first use, so importing
    # `core.types` or the client alone stays light.
    import importlib

    if name in _COPILOT_NAMES:
        return getattr(importlib.import_module("core.copilots"), name)
    if name in _RENAMED:
        module, attribute = _RENAMED[name]
        return getattr(importlib.import_module(module), attribute)
    if name in _CLIENT_NAMES:
        return getattr(importlib.import_module("core.client"), name)
    raise AttributeError(f"module 'core' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_COPILOT_NAMES, *_RENAMED, *_CLIENT_NAMES})


__all__ = [
    "AsyncOpenAIClient",
    "AIClientException",
    "AICopilotException",
    "AICopilotFactory",
    "Annotation",
    "AssistantCreateRequest",
    "AssistantListQueryParameters",
    "AssistantListResponse",
    "AssistantModifyRequest",
    "AssistantResponse",
    "Attachment",
    "BaseListQueryParameters",
    "ChatMessage",
    "ChatMessageResponse",
    "Choice",
    "CodeInterpreter",
    "CompletionCreateRequest",
    "CompletionFunction",
    "CompletionResponse",
    "CreateChatCompletionChunkResponse",
    "DeleteStatusResponse",
    "Detail",
    "DocumentCollection",
    "Error",
    "ExpiresAfter",
    "FileCitation",
    "FileCounts",
    "FileListQueryParameters",
    "FileListResponse",
    "FileResponse",
    "FileSearch",
    "Function",
    "ImageDescription",
    "ImageDescriptionResult",
    "ImageFile",
    "ImageUrl",
    "IncompleteDetails",
    "LastError",
    "ListDataResponse",
    "MessageContentRequest",
    "MessageContentResponse",
    "MessageCreation",
    "OcrDetail",
    "OpenAIChatCopilot",
    "OpenAIChatCopilotOptions",
    "OpenAIClient",
    "OpenAIImageDescriptionCopilot",
    "OpenAIImageDescriptionCopilotOptions",
    "OpenAIModels",
    "OpenAIOcrCopilot",
    "OpenAIOcrCopilotOptions",
    "OpenAISummaryCopilot",
    "OpenAISummaryCopilotOptions",
    "PageInfo",
    "PdfDocument",
    "RequiredAction",
    "ResponseFormat",
    "RunCreateRequest",
    "RunListQueryParameters",
    "RunListResponse",
    "RunModifyRequest",
    "RunResponse",
    "RunStepDetails",
    "RunStepListQueryParameters",
    "RunStepListResponse",
    "RunStepResponse",
    "RunThreadCreateRequest",
    "SaveFormat",
    "SubmitToolOutputs",
    "TextDocument",
    "TextRecognitionResult",
    "TextResponse",
    "ThreadCreateRequest",
    "ThreadMessageCreateRequest",
    "ThreadMessageListQueryParameters",
    "ThreadMessageListResponse",
    "ThreadMessageModifyRequest",
    "ThreadMessageResponse",
    "ThreadModifyRequest",
    "ThreadResponse",
    "Tool",
    "ToolCall",
    "ToolChoice",
    "ToolResources",
    "TruncationStrategy",
    "Usage",
    "VectorStore",
    "VectorStoreCreateRequest",
    "VectorStoreFileBatchCreateRequest",
    "VectorStoreFileBatchFileListQueryParameters",
    "VectorStoreFileBatchFileListResponse",
    "VectorStoreFileBatchResponse",
    "VectorStoreFileCreateRequest",
    "VectorStoreFileListQueryParameters",
    "VectorStoreFileListResponse",
    "VectorStoreFileResponse",
    "VectorStoreListQueryParameters",
    "VectorStoreListResponse",
    "VectorStoreModifyRequest",
    "VectorStoreResponse",
]
