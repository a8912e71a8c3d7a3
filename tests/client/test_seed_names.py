"""The seed's names and call shapes, checked offline (the engine-backed literal port is in
test_seed_surface.py): what goes on the wire, and what is refused before it."""

from __future__ import annotations

import json

import pytest
from scripted import json_reply, run_json

import core
from core import (
    AIClientException,
    ChatMessage,
    CompletionCreateRequest,
    OpenAIClient,
    RunCreateRequest,
    ThreadMessageCreateRequest,
    Tool,
    TruncationStrategy,
)
from core.errors import InvalidArgumentError


def file_json(name: str = "a.pdf", purpose: str = "assistants") -> dict:
    return {"id": "file-1", "object": "file", "bytes": 3, "created_at": 1, "filename": name,
            "purpose": purpose}  # fmt: skip


def test_seed_request_classes_refuse_seed_property_names_with_the_wire_name():
    with pytest.raises(ValueError, match="strategy_type.*`type`"):
        TruncationStrategy(strategy_type="last_messages")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="truncation_strategy.StrategyType.*`type`"):
        RunCreateRequest(assistant_id="a", truncation_strategy={"StrategyType": "auto"})
    with pytest.raises(ValueError, match="number_of_choices.*`n`"):
        CompletionCreateRequest(model="m", messages=[ChatMessage.from_user("x")], number_of_choices=2)
    with pytest.raises(ValueError, match="no field 'colour'; its fields are"):
        TruncationStrategy(colour="red")  # type: ignore[call-arg]
    ok = TruncationStrategy(type="last_messages", last_messages=3)
    assert ok.model_dump(exclude_none=True) == {"type": "last_messages", "last_messages": 3}


def test_nested_unknown_fields_are_refused_before_any_request(scripted):
    client, server = scripted(json_reply(200, run_json("queued")))
    with pytest.raises(InvalidArgumentError, match="truncation_strategy.strategy_type.*`type`"):
        client.create_run("thread_1", assistant_id="a", truncation_strategy={"strategy_type": "auto"})
    with pytest.raises(InvalidArgumentError, match=r"tools\[0\].file_search.max_results"):
        client.create_run(
            "thread_1", assistant_id="a",
            tools=[{"type": "file_search", "file_search": {"max_results": 3}}],
        )  # fmt: skip
    with pytest.raises(AIClientException, match="unknown field 'strategy'"):
        client.create_run("thread_1", assistant_id="a", strategy="auto")
    assert server.requests == []

    run = client.create_run(
        "thread_1",
        RunCreateRequest(
            assistant_id="a",
            truncation_strategy=TruncationStrategy(type="last_messages", last_messages=2),
            tools=[Tool.file_search(max_num_results=4)],
        ),
    )
    assert run.status == "queued"
    sent = json.loads(server.requests[0].content)
    assert sent["truncation_strategy"] == {"type": "last_messages", "last_messages": 2}
    assert sent["tools"] == [{"type": "file_search", "file_search": {"max_num_results": 4}}]


def test_upload_file_takes_the_seed_positional_order(scripted):
    client, server = scripted(json_reply(200, file_json()))
    uploaded = client.upload_file("assistants", "a.pdf", b"%PDF-1.4 tiny")
    assert uploaded.filename == "a.pdf"
    body = server.requests[0].content
    assert b'name="purpose"\r\n\r\nassistants' in body and b'filename="a.pdf"' in body
    assert b"%PDF-1.4 tiny" in body
    for bad in (("", "a.pdf", b"x"), ("assistants", "", b"x"), ("assistants", "a", "text")):
        with pytest.raises(AIClientException):
            client.upload_file(*bad)  # type: ignore[arg-type]
    assert len(server.requests) == 1


def test_get_files_takes_the_purpose_positionally(scripted):
    listing = {"object": "list", "data": [file_json()], "has_more": False}
    client, server = scripted(json_reply(200, listing))
    assert [f.id for f in client.get_files("assistants")] == ["file-1"]
    assert server.requests[0].url.params["purpose"] == "assistants"


def test_builder_seed_forms():
    client = OpenAIClient.Builder("sk-k").with_base_domain("api.openai.com").build()
    assert client.base_url == "https://api.openai.com/v1"
    client.dispose()
    local = OpenAIClient.create_with_api_key("sk-k").with_base_domain("127.0.0.1:8000").build()
    assert local.base_url == "http://127.0.0.1:8000/v1"
    local.dispose()
    custom = (
        OpenAIClient.Builder("sk-k").with_base_domain("http://h:1").with_api_version("v2").build()
    )
    assert custom.base_url == "http://h:1/v2"
    custom.close()
    with pytest.raises(AIClientException):
        OpenAIClient.Builder("sk-k").with_base_domain(" ")


def test_message_and_chat_helpers_build_wire_bodies(scripted):
    message = ThreadMessageCreateRequest.from_user("Hi").with_metadata({"k": "v"})
    assert message.model_dump(exclude_none=True) == {
        "role": "user", "content": "Hi", "metadata": {"k": "v"},
    }  # fmt: skip
    assert ChatMessage.from_system("Be brief").role == "system"
    assert core.MessageContentRequest.create_text_content("x").model_dump() == {
        "type": "text", "text": "x",
    }  # fmt: skip


def test_every_seed_class_name_is_importable_from_core():
    for name in SEED_CLASS_NAMES:
        assert getattr(core, name) is not None, name
    assert set(SEED_CLASS_NAMES) <= set(core.__all__)


# The seed's class names (ASPOSE-API-NOTES.md §1) that a port of OpenAI-backed code uses.
SEED_CLASS_NAMES = """
AssistantCreateRequest AssistantModifyRequest ThreadCreateRequest ThreadModifyRequest
ThreadMessageCreateRequest ThreadMessageModifyRequest RunCreateRequest RunThreadCreateRequest
RunModifyRequest VectorStoreCreateRequest VectorStoreModifyRequest VectorStoreFileCreateRequest
VectorStoreFileBatchCreateRequest CompletionCreateRequest
FileResponse AssistantResponse ThreadResponse ThreadMessageResponse RunResponse RunStepResponse
VectorStoreResponse VectorStoreFileResponse VectorStoreFileBatchResponse CompletionResponse
CreateChatCompletionChunkResponse ChatMessageResponse DeleteStatusResponse ListDataResponse
AssistantListResponse FileListResponse ThreadMessageListResponse RunListResponse
RunStepListResponse VectorStoreListResponse VectorStoreFileListResponse
VectorStoreFileBatchFileListResponse
AssistantListQueryParameters BaseListQueryParameters FileListQueryParameters
RunListQueryParameters RunStepListQueryParameters ThreadMessageListQueryParameters
VectorStoreListQueryParameters VectorStoreFileListQueryParameters
VectorStoreFileBatchFileListQueryParameters
Annotation Attachment ChatMessage Choice CodeInterpreter CompletionFunction Error ExpiresAfter
FileCitation FileCounts FileSearch Function ImageFile ImageUrl IncompleteDetails LastError
MessageContentRequest MessageContentResponse MessageCreation RequiredAction ResponseFormat
RunStepDetails SubmitToolOutputs TextResponse Tool ToolCall ToolChoice ToolResources
TruncationStrategy Usage VectorStore
OpenAIModels Detail SaveFormat PdfDocument TextDocument DocumentCollection
AIClientException AICopilotException
OpenAIClient AICopilotFactory OpenAIChatCopilot OpenAISummaryCopilot
OpenAIImageDescriptionCopilot OpenAIOcrCopilot OpenAIChatCopilotOptions
OpenAISummaryCopilotOptions OpenAIImageDescriptionCopilotOptions OpenAIOcrCopilotOptions
ImageDescriptionResult ImageDescription TextRecognitionResult OcrDetail
""".split()  # noqa: SIM905


