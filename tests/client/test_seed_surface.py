"""A literal port: every member of the seed's OpenAIClient called the way a .NET user's code
translates (snake_case, no `Async`, the seed's positional order and request classes), then the
copilots, against the engine — once with OpenAIClient, once with AsyncOpenAIClient.

A recorder in front of the client notes each member called, so the tests prove they called
all of DESIGN.md's list.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_process import EngineProcess, in_process_engine, start_engine
from test_client_surface import SEED_METHODS

from core import (
    AICopilotFactory,
    AssistantCreateRequest,
    AssistantListQueryParameters,
    AssistantModifyRequest,
    AsyncOpenAIClient,
    ChatMessage,
    CompletionCreateRequest,
    ExpiresAfter,
    FileSearch,
    OpenAIChatCopilotOptions,
    OpenAIClient,
    OpenAIImageDescriptionCopilotOptions,
    OpenAIOcrCopilotOptions,
    OpenAISummaryCopilotOptions,
    RunCreateRequest,
    RunListQueryParameters,
    RunModifyRequest,
    RunStepListQueryParameters,
    RunThreadCreateRequest,
    SaveFormat,
    TextDocument,
    ThreadCreateRequest,
    ThreadMessageCreateRequest,
    ThreadMessageListQueryParameters,
    ThreadMessageModifyRequest,
    ThreadModifyRequest,
    Tool,
    ToolResources,
    TruncationStrategy,
    VectorStoreCreateRequest,
    VectorStoreFileBatchCreateRequest,
    VectorStoreFileBatchFileListQueryParameters,
    VectorStoreFileCreateRequest,
    VectorStoreFileListQueryParameters,
    VectorStoreListQueryParameters,
    VectorStoreModifyRequest,
)
from core.errors import AIClientException, NotFoundError

KEY = "sk-seed-surface-key-0123456789"
TEXT = (
    "The Northcape lighthouse was built in 1871 from granite quarried on the island. "
    "In 1994 the lamp was automated and the last keeper, Ingrid Solberg, left the island."
)


class Recorder:
    """Forwards to the client and notes the name of each member used."""

    def __init__(self, client: Any) -> None:
        self.__dict__["_client"], self.__dict__["called"] = client, set()

    def __getattr__(self, name: str) -> Any:
        self.called.add(name)
        return getattr(self._client, name)

    def __setattr__(self, name: str, value: Any) -> None:
        self.called.add(name)
        setattr(self._client, name, value)


def _check_calls(called: set[str]) -> None:
    missing = sorted(set(SEED_METHODS) - called - {"close"})
    assert missing == [], f"seed members never called: {missing}"


# --- sync ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine_http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with in_process_engine(tmp_path_factory.mktemp("seed-engine"), KEY) as http:
        yield http


def test_every_seed_member_literally(engine_http: Any, tmp_path: Path):
    raw = OpenAIClient(api_key=KEY, base_url="http://testserver/v1", http_client=engine_http)
    client = Recorder(raw)
    client.polling_interval_seconds = 0.05  # the seed's four knobs, as properties
    client.polling_timeout_seconds = 120
    client.http_request_max_retries = 2
    client.backoff_delay_seconds = 0.2
    model = raw.get_models()[0].id

    # Files
    file = client.upload_file("assistants", "lighthouse.txt", TEXT.encode())
    assert client.get_file(file.id).filename == "lighthouse.txt"
    assert file.id in [f.id for f in client.get_files("assistants")]
    extra = [client.upload_file("assistants", f"{i}.txt", TEXT.encode()) for i in range(3)]

    # Vector stores, their files and batches
    store = client.create_vector_store(
        VectorStoreCreateRequest(
            name="lighthouse", file_ids=[file.id], expires_after=ExpiresAfter(days=2)
        )
    )
    assert client.wait_for_vector_store_to_complete(store.id).file_counts.completed == 1
    assert client.get_vector_store(store.id).name == "lighthouse"
    assert store.id in [
        s.id for s in client.get_vector_stores(VectorStoreListQueryParameters(limit=50))
    ]
    assert (
        client.modify_vector_store(store.id, VectorStoreModifyRequest(name="renamed")).name
        == "renamed"
    )
    second = client.create_vector_store_and_wait_to_complete(
        VectorStoreCreateRequest(name="second")
    )
    attached = client.create_vector_store_file(
        second.id, VectorStoreFileCreateRequest(file_id=extra[0].id)
    )
    assert (
        client.wait_for_vector_store_file_to_complete(second.id, attached.id).status == "completed"
    )
    assert client.get_vector_store_file(second.id, attached.id).vector_store_id == second.id
    listed = client.get_vector_store_files(
        second.id, VectorStoreFileListQueryParameters(filter="completed")
    )
    assert listed.get_file_id_list() == [extra[0].id]
    assert client.delete_vector_store_file(second.id, attached.id).deleted
    batch = client.create_vector_store_file_batch(
        second.id, VectorStoreFileBatchCreateRequest(file_ids=[extra[1].id, extra[2].id])
    )
    assert client.get_vector_store_file_batch(second.id, batch.id).id == batch.id
    batch_files = client.get_vector_store_file_batch_files(
        second.id, batch.id, VectorStoreFileBatchFileListQueryParameters()
    )
    assert len(batch_files.data) == 2
    with contextlib.suppress(AIClientException):  # done already: OpenAI refuses that too
        client.cancel_vector_store_file_batch(second.id, batch.id)

    # Assistants
    assistant = client.create_assistant(
        AssistantCreateRequest(
            model=model,
            name="Lighthouse expert",
            instructions="Answer from the documents.",
            tools=[Tool.file_search()],
            tool_resources=ToolResources(file_search=FileSearch(vector_store_ids=[store.id])),
        )
    )
    assert client.get_assistant(assistant.id).name == "Lighthouse expert"
    assert assistant.id in [
        a.id for a in client.get_assistants(AssistantListQueryParameters(limit=100))
    ]
    renamed = client.modify_assistant(assistant.id, AssistantModifyRequest(name="Keeper"))
    assert renamed.name == "Keeper"

    # Threads and messages
    thread = client.create_thread(ThreadCreateRequest(metadata={"case": "seed"}))
    assert client.get_thread(thread.id).metadata == {"case": "seed"}
    assert client.modify_thread(
        thread.id, ThreadModifyRequest(metadata={"case": "ported"})
    ).metadata == {"case": "ported"}
    message = client.create_thread_message(
        thread.id, ThreadMessageCreateRequest.from_user("When was the lighthouse built?")
    )
    assert client.get_thread_message(thread.id, message.id).text.startswith("When")
    assert len(client.get_thread_messages(thread.id, ThreadMessageListQueryParameters()).data) == 1
    modified = client.modify_thread_message(
        thread.id, message.id, ThreadMessageModifyRequest(metadata={"k": "v"})
    )
    assert modified.metadata == {"k": "v"}

    # Runs and steps
    run = client.create_run(
        thread.id,
        RunCreateRequest(
            assistant_id=assistant.id,
            truncation_strategy=TruncationStrategy(type="last_messages", last_messages=10),
        ),
    )
    done = client.wait_for_run_to_complete(thread.id, run.id)
    assert done.status == "completed"
    assert client.get_run(thread.id, run.id).id == run.id
    assert [r.id for r in client.get_runs(thread.id, RunListQueryParameters())] == [run.id]
    assert client.modify_run(thread.id, run.id, RunModifyRequest(metadata={"k": "v"})).metadata == {
        "k": "v"
    }
    steps = client.get_run_steps(thread.id, run.id, RunStepListQueryParameters())
    assert client.get_run_step(thread.id, run.id, steps.data[0].id).run_id == run.id
    reply = client.wait_for_assistant_message(
        thread.id, ThreadMessageListQueryParameters(run_id=run.id)
    )
    assert "1871" in client.wait_for_thread_message_to_complete(thread.id, reply.id).text
    client.create_thread_message(
        thread.id, ThreadMessageCreateRequest.from_user("Who was the last keeper?")
    )
    answer = client.run_and_get_assistant_response(
        thread.id, RunCreateRequest(assistant_id=assistant.id)
    )
    assert "Ingrid Solberg" in answer
    both = client.create_thread_and_run(
        RunThreadCreateRequest(
            assistant_id=assistant.id,
            thread=ThreadCreateRequest(
                messages=[ThreadMessageCreateRequest.from_user("When was the lamp automated?")]
            ),
        )
    )
    with contextlib.suppress(AIClientException):  # it may already have finished
        client.cancel_run(both.thread_id, both.id)
    assert client.wait_for_run_to_complete(both.thread_id, both.id).status in (
        "completed",
        "cancelled",
    )

    # Chat completions
    completion = client.create_completion(
        CompletionCreateRequest(
            model=model, messages=[ChatMessage.from_user(f"{TEXT} When was it built?")]
        )
    )
    assert "1871" in (completion.choices[0].message.content or "")

    # Copilots, from the client and from the factory
    chat = client.get_chat_copilot(
        OpenAIChatCopilotOptions.create().with_document(TextDocument("lighthouse", TEXT))
    )
    assert "1871" in chat.get_response("When was the Northcape lighthouse built?")
    chat.save_response("Who was the last keeper?", tmp_path / "answer", SaveFormat.PDF)
    chat.delete_context()
    summary = client.get_summary_copilot(
        OpenAISummaryCopilotOptions.create().with_document(TextDocument("l", TEXT))
    )
    assert summary.get_summary() and summary.get_summary_document().page_count >= 1
    images = client.get_image_description_copilot(OpenAIImageDescriptionCopilotOptions.create())
    assert not images.has_context
    ocr = AICopilotFactory.create_ocr_copilot(
        raw, OpenAIOcrCopilotOptions.create().with_document(TextDocument("t", TEXT))
    )
    assert ocr.get_text_recognition_result()[0].ocr_details[0].extracted_text == TEXT

    # Deletes
    assert client.delete_thread_message(thread.id, message.id).deleted
    assert client.delete_thread(thread.id).deleted
    assert client.delete_assistant(assistant.id).deleted
    assert (
        client.delete_vector_store(second.id).deleted
        and client.delete_vector_store(store.id).deleted
    )
    assert client.delete_file(file.id).deleted
    with pytest.raises(NotFoundError):
        client.get_file(file.id)
    client.dispose()
    _check_calls(client.called)


# --- async -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    with start_engine(tmp_path_factory.mktemp("seed-async-engine")) as running:
        yield running


def test_every_seed_member_literally_async(engine: EngineProcess, tmp_path: Path):
    asyncio.run(_async_port(engine, tmp_path))


async def _async_port(engine: EngineProcess, tmp_path: Path) -> None:
    raw = (
        AsyncOpenAIClient.create_with_api_key(engine.api_key).with_base_url(engine.base_url).build()
    )
    client = Recorder(raw)
    client.polling_interval_seconds = 0.05
    client.polling_timeout_seconds = 120
    client.http_request_max_retries = 2
    client.backoff_delay_seconds = 0.2
    model = (await raw.get_models())[0].id

    file = await client.upload_file("assistants", "lighthouse.txt", TEXT.encode())
    assert (await client.get_file(file.id)).filename == "lighthouse.txt"
    assert file.id in [f.id async for f in await client.get_files("assistants")]
    extra = await asyncio.gather(
        *(client.upload_file("assistants", f"{i}.txt", TEXT.encode()) for i in range(3))
    )

    store = await client.create_vector_store(
        VectorStoreCreateRequest(
            name="lighthouse", file_ids=[file.id], expires_after=ExpiresAfter(days=2)
        )
    )
    assert (await client.wait_for_vector_store_to_complete(store.id)).file_counts.completed == 1
    assert (await client.get_vector_store(store.id)).name == "lighthouse"
    stores = await client.get_vector_stores(VectorStoreListQueryParameters(limit=50))
    assert store.id in [s.id async for s in stores]
    assert (
        await client.modify_vector_store(store.id, VectorStoreModifyRequest(name="renamed"))
    ).name == "renamed"
    second = await client.create_vector_store_and_wait_to_complete(
        VectorStoreCreateRequest(name="second")
    )
    attached = await client.create_vector_store_file(
        second.id, VectorStoreFileCreateRequest(file_id=extra[0].id)
    )
    assert (
        await client.wait_for_vector_store_file_to_complete(second.id, attached.id)
    ).status == "completed"
    assert (await client.get_vector_store_file(second.id, attached.id)).vector_store_id == second.id
    listed = await client.get_vector_store_files(
        second.id, VectorStoreFileListQueryParameters(filter="completed")
    )
    assert listed.get_file_id_list() == [extra[0].id]
    assert (await client.delete_vector_store_file(second.id, attached.id)).deleted
    batch = await client.create_vector_store_file_batch(
        second.id, VectorStoreFileBatchCreateRequest(file_ids=[extra[1].id, extra[2].id])
    )
    assert (await client.get_vector_store_file_batch(second.id, batch.id)).id == batch.id
    batch_files = await client.get_vector_store_file_batch_files(
        second.id, batch.id, VectorStoreFileBatchFileListQueryParameters()
    )
    assert len(batch_files.data) == 2
    with contextlib.suppress(AIClientException):
        await client.cancel_vector_store_file_batch(second.id, batch.id)

    assistant = await client.create_assistant(
        AssistantCreateRequest(
            model=model,
            name="Lighthouse expert",
            instructions="Answer from the documents.",
            tools=[Tool.file_search()],
            tool_resources=ToolResources(file_search=FileSearch(vector_store_ids=[store.id])),
        )
    )
    assert (await client.get_assistant(assistant.id)).name == "Lighthouse expert"
    assistants = await client.get_assistants(AssistantListQueryParameters(limit=100))
    assert assistant.id in [a.id async for a in assistants]
    assert (
        await client.modify_assistant(assistant.id, AssistantModifyRequest(name="Keeper"))
    ).name == "Keeper"

    thread = await client.create_thread(ThreadCreateRequest(metadata={"case": "seed"}))
    assert (await client.get_thread(thread.id)).metadata == {"case": "seed"}
    changed = await client.modify_thread(
        thread.id, ThreadModifyRequest(metadata={"case": "ported"})
    )
    assert changed.metadata == {"case": "ported"}
    message = await client.create_thread_message(
        thread.id, ThreadMessageCreateRequest.from_user("When was the lighthouse built?")
    )
    assert (await client.get_thread_message(thread.id, message.id)).text.startswith("When")
    assert (
        len((await client.get_thread_messages(thread.id, ThreadMessageListQueryParameters())).data)
        == 1
    )
    modified = await client.modify_thread_message(
        thread.id, message.id, ThreadMessageModifyRequest(metadata={"k": "v"})
    )
    assert modified.metadata == {"k": "v"}

    run = await client.create_run(thread.id, RunCreateRequest(assistant_id=assistant.id))
    assert (await client.wait_for_run_to_complete(thread.id, run.id)).status == "completed"
    assert (await client.get_run(thread.id, run.id)).id == run.id
    assert [r.id async for r in await client.get_runs(thread.id, RunListQueryParameters())] == [
        run.id
    ]
    assert (
        await client.modify_run(thread.id, run.id, RunModifyRequest(metadata={"k": "v"}))
    ).metadata == {"k": "v"}
    steps = await client.get_run_steps(thread.id, run.id, RunStepListQueryParameters())
    assert (await client.get_run_step(thread.id, run.id, steps.data[0].id)).run_id == run.id
    reply = await client.wait_for_assistant_message(
        thread.id, ThreadMessageListQueryParameters(run_id=run.id)
    )
    assert "1871" in (await client.wait_for_thread_message_to_complete(thread.id, reply.id)).text
    await client.create_thread_message(
        thread.id, ThreadMessageCreateRequest.from_user("Who was the last keeper?")
    )
    answer = await client.run_and_get_assistant_response(
        thread.id, RunCreateRequest(assistant_id=assistant.id)
    )
    assert "Ingrid Solberg" in answer
    both = await client.create_thread_and_run(
        RunThreadCreateRequest(
            assistant_id=assistant.id,
            thread=ThreadCreateRequest(
                messages=[ThreadMessageCreateRequest.from_user("When was the lamp automated?")]
            ),
        )
    )
    with contextlib.suppress(AIClientException):
        await client.cancel_run(both.thread_id, both.id)
    final = await client.wait_for_run_to_complete(both.thread_id, both.id)
    assert final.status in ("completed", "cancelled")

    streamed = await client.create_run(
        thread.id, RunCreateRequest(assistant_id=assistant.id), stream=True
    )
    async with streamed:
        text = "".join([piece async for piece in streamed.text_deltas()])
    assert text and streamed.final_run is not None and streamed.final_run.status == "completed"

    completion = await client.create_completion(
        CompletionCreateRequest(
            model=model, messages=[ChatMessage.from_user(f"{TEXT} When was it built?")]
        )
    )
    assert "1871" in (completion.choices[0].message.content or "")

    chat = client.get_chat_copilot(
        OpenAIChatCopilotOptions.create().with_document(TextDocument("lighthouse", TEXT))
    )
    assert "1871" in await chat.get_response("When was the Northcape lighthouse built?")
    saved = await chat.save_response(
        "Who was the last keeper?", tmp_path / "answer", SaveFormat.PDF
    )
    assert saved.read_bytes().startswith(b"%PDF") and chat.has_context
    await chat.delete_context()
    summary = client.get_summary_copilot(
        OpenAISummaryCopilotOptions.create().with_document(TextDocument("l", TEXT))
    )
    assert await summary.get_summary() and (await summary.get_summary_document()).page_count >= 1
    images = client.get_image_description_copilot(OpenAIImageDescriptionCopilotOptions.create())
    assert not images.has_context
    ocr = AICopilotFactory.create_ocr_copilot(
        raw, OpenAIOcrCopilotOptions.create().with_document(TextDocument("t", TEXT))
    )
    assert (await ocr.get_text_recognition_result())[0].ocr_details[0].extracted_text == TEXT

    assert (await client.delete_thread_message(thread.id, message.id)).deleted
    assert (await client.delete_thread(thread.id)).deleted
    assert (await client.delete_assistant(assistant.id)).deleted
    assert (await client.delete_vector_store(second.id)).deleted
    assert (await client.delete_vector_store(store.id)).deleted
    assert (await client.delete_file(file.id)).deleted
    with pytest.raises(NotFoundError):
        await client.get_file(file.id)
    await client.dispose()
    _check_calls(client.called)


def test_cancelling_an_async_copilot_stops_its_work(engine: EngineProcess):
    """A cancelled copilot stops at its next request and deletes what it had created: the
    server ends as it was, with no assistant, vector store or file of that chat.

    The copilot's progress callback holds its worker after the first upload until the task
    has been cancelled, so the cancellation lands mid-setup every time.
    """
    reached, go = threading.Event(), threading.Event()

    def hold(done: int, total: int, stage: str) -> None:
        if stage == "uploading" and done == 1:
            reached.set()
            go.wait(30)

    async def inventory(client: AsyncOpenAIClient) -> tuple[set[str], ...]:
        files = {f.id async for f in await client.get_files()}
        stores = {s.id async for s in await client.get_vector_stores()}
        assistants = {a.id async for a in await client.get_assistants()}
        return files, stores, assistants

    async def scenario() -> tuple[bool, tuple[set[str], ...], tuple[set[str], ...]]:
        async with AsyncOpenAIClient(api_key=engine.api_key, base_url=engine.base_url) as client:
            before = await inventory(client)
            documents = [TextDocument(f"part{i}", TEXT) for i in range(3)]
            options = OpenAIChatCopilotOptions.create().with_documents(documents)
            chat = client.get_chat_copilot(options.with_progress(hold))
            task = asyncio.create_task(chat.get_response("When was it built?"))
            assert await asyncio.to_thread(reached.wait, 60)  # one file is up, two to go
            uploaded = await inventory(client)
            task.cancel()
            await asyncio.sleep(0)  # the task takes the cancellation and raises the stop flag
            go.set()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert len(uploaded[0] - before[0]) == 1
            return chat.has_context, before, await inventory(client)

    has_context, before, after = asyncio.run(scenario())
    assert not has_context and after == before


def test_cancelling_one_async_copilot_leaves_another_running(engine: EngineProcess):
    """Two copilots of one client work at once; cancelling one stops only that one."""
    reached, go, second_started = threading.Event(), threading.Event(), threading.Event()

    def hold(done: int, total: int, stage: str) -> None:
        if stage == "uploading" and done == 1:
            reached.set()
            go.wait(30)

    def note(done: int, total: int, stage: str) -> None:
        second_started.set()

    async def scenario() -> tuple[str, set[str], set[str]]:
        async with AsyncOpenAIClient(api_key=engine.api_key, base_url=engine.base_url) as client:
            before = {a.id async for a in await client.get_assistants()}
            first = client.get_chat_copilot(
                OpenAIChatCopilotOptions.create()
                .with_documents([TextDocument("a", TEXT), TextDocument("b", TEXT)])
                .with_progress(hold)
            )
            second = client.get_chat_copilot(
                OpenAIChatCopilotOptions.create()
                .with_document(TextDocument("lighthouse", TEXT))
                .with_progress(note)
            )
            cancelled = asyncio.create_task(first.get_response("When was it built?"))
            assert await asyncio.to_thread(reached.wait, 60)
            answered = asyncio.create_task(second.get_response("When was it built?"))
            assert await asyncio.to_thread(second_started.wait, 60)
            cancelled.cancel()
            await asyncio.sleep(0)
            go.set()
            with pytest.raises(asyncio.CancelledError):
                await cancelled
            answer = await answered
            after = {a.id async for a in await client.get_assistants()}
            ours = {second.context.assistant_id or ""}
            await second.delete_context()
            return answer, after - before, ours

    answer, new_assistants, seconds = asyncio.run(scenario())
    assert "1871" in answer and new_assistants == seconds
