"""The Python port of Aspose.PDF.AI's `OpenAIClient` over httpx, and its asyncio twin
`AsyncOpenAIClient` (one request policy, two ways to perform its I/O)."""

from core.client._async_client import AsyncOpenAIClient, AsyncOpenAIClientBuilder
from core.client._base import BaseClient
from core.client._client import ClientSettings, OpenAIClient, OpenAIClientBuilder
from core.client._pagination import (
    AssistantListQueryParameters,
    AsyncPage,
    FileListQueryParameters,
    ListQueryParameters,
    Page,
    RunListQueryParameters,
    RunStepListQueryParameters,
    ThreadListQueryParameters,
    ThreadMessageListQueryParameters,
    VectorStoreFileBatchFileListQueryParameters,
    VectorStoreFileListQueryParameters,
    VectorStoreListQueryParameters,
)
from core.client._polling import (
    FILE_BATCH_TERMINAL,
    MESSAGE_TERMINAL,
    RUN_TERMINAL,
    VECTOR_STORE_FILE_TERMINAL,
    VECTOR_STORE_TERMINAL,
)
from core.client._streaming import (
    AssistantEventStream,
    AsyncAssistantEventStream,
    AsyncChatCompletionStream,
    ChatCompletionStream,
)

__all__ = [
    "FILE_BATCH_TERMINAL",
    "MESSAGE_TERMINAL",
    "RUN_TERMINAL",
    "VECTOR_STORE_FILE_TERMINAL",
    "VECTOR_STORE_TERMINAL",
    "AssistantEventStream",
    "AssistantListQueryParameters",
    "AsyncAssistantEventStream",
    "AsyncChatCompletionStream",
    "AsyncOpenAIClient",
    "AsyncOpenAIClientBuilder",
    "AsyncPage",
    "BaseClient",
    "ChatCompletionStream",
    "ClientSettings",
    "FileListQueryParameters",
    "ListQueryParameters",
    "OpenAIClient",
    "OpenAIClientBuilder",
    "Page",
    "RunListQueryParameters",
    "RunStepListQueryParameters",
    "ThreadListQueryParameters",
    "ThreadMessageListQueryParameters",
    "VectorStoreFileBatchFileListQueryParameters",
    "VectorStoreFileListQueryParameters",
    "VectorStoreListQueryParameters",
]
