"""Every one of the client's 50 methods against the real engine.

In process: Starlette's TestClient is an httpx.Client, so it is handed to OpenAIClient as its
http_client and requests reach the engine's ASGI app with no socket and no mocks. The last test
repeats a whole run over a real loopback socket against `python -m engine serve`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_process import in_process_engine

pytest.importorskip("engine.app", reason="the engine is not importable yet")

from starlette.testclient import TestClient  # noqa: E402

from core import OpenAIClient  # noqa: E402
from core.errors import (  # noqa: E402
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
)
from core.types.messages import FileCitationAnnotation  # noqa: E402
from core.types.run_steps import (  # noqa: E402
    FILE_SEARCH_RESULT_CONTENT,
    FileSearchToolCall,
    ToolCallsStepDetails,
)
from core.types.runs import MessageDeltaEvent, RunEvent  # noqa: E402

KEY = "sk-engine-test-key-0123456789"
LIGHTHOUSE = (
    "The Northcape lighthouse was built in 1871 from granite quarried on the island. "
    "Its keepers logged the weather every four hours for over a century.\n\n"
    "In 1994 the lamp was automated and the last keeper, Ingrid Solberg, left the island. "
    "Today the keeper's cottage is a small museum about coastal navigation.\n"
)
QUESTION = "When was the Northcape lighthouse built?"


@pytest.fixture(scope="module")
def engine_http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with in_process_engine(tmp_path_factory.mktemp("engine"), KEY) as http:
        yield http


@pytest.fixture(scope="module")
def client(engine_http: TestClient) -> Iterator[OpenAIClient]:
    with OpenAIClient(
        api_key=KEY,
        base_url="http://testserver/v1",
        http_client=engine_http,
        polling_interval_seconds=0.05,
        polling_timeout_seconds=120,
    ) as client:
        yield client


@pytest.fixture(scope="module")
def model(client: OpenAIClient) -> str:
    return client.get_models()[0].id


@pytest.fixture(scope="module")
def lighthouse_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for paragraph in LIGHTHOUSE.split("\n\n"):
        pdf.add_page()
        pdf.multi_cell(0, 8, paragraph.strip())
    path = tmp_path_factory.mktemp("pdfs") / "lighthouse.pdf"
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def store_id(client: OpenAIClient, lighthouse_pdf: Path) -> str:
    """A vector store holding the lighthouse PDF, ingested."""
    file = client.upload_file(lighthouse_pdf)
    store = client.create_vector_store_and_wait_to_complete(name="lighthouse", file_ids=[file.id])
    assert store.file_counts.completed == 1, store
    return store.id


@pytest.fixture(scope="module")
def assistant_id(client: OpenAIClient, model: str, store_id: str) -> str:
    assistant = client.create_assistant(
        model=model,
        name="Lighthouse expert",
        instructions="Answer from the documents.",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store_id]}},
    )
    return assistant.id


# --- files -----------------------------------------------------------------------------------


def test_files(client: OpenAIClient, tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text(LIGHTHOUSE)
    from_path = client.upload_file(path)
    from_bytes = client.upload_file(b"second file", filename="second.txt", purpose="assistants")
    assert (from_path.filename, from_path.bytes) == ("notes.txt", len(LIGHTHOUSE.encode()))
    assert client.get_file(from_bytes.id).filename == "second.txt"
    assert client.get_file_content(from_path.id) == LIGHTHOUSE.encode()

    first_page = client.get_files(limit=1, order="asc")
    assert len(first_page.data) == 1 and first_page.has_more
    ids = [f.id for f in first_page]  # walks every page by cursor
    assert {from_path.id, from_bytes.id} <= set(ids) and len(ids) == len(set(ids))
    assert len(list(first_page.iter_pages())) == len(ids)

    deleted = client.delete_file(from_bytes.id)
    assert deleted.deleted and deleted.id == from_bytes.id
    with pytest.raises(NotFoundError) as caught:
        client.get_file(from_bytes.id)
    assert caught.value.status == 404


# --- vector stores, files, batches -----------------------------------------------------------


def test_vector_stores(client: OpenAIClient, store_id: str):
    store = client.create_vector_store(name="empty", metadata={"team": "docs"})
    assert client.wait_for_vector_store_to_complete(store.id).status == "completed"
    assert client.get_vector_store(store.id).metadata == {"team": "docs"}
    assert client.modify_vector_store(store.id, name="renamed").name == "renamed"
    listed = [s.id for s in client.get_vector_stores(limit=1)]
    assert {store.id, store_id} <= set(listed)

    results = client.search_vector_store(store_id, "lighthouse built granite", max_num_results=3)
    assert results.data and "1871" in results.data[0].content[0].text

    assert client.delete_vector_store(store.id).deleted
    with pytest.raises(NotFoundError):
        client.get_vector_store(store.id)


def test_vector_store_files(client: OpenAIClient):
    store = client.create_vector_store(name="files")
    file = client.upload_file(LIGHTHOUSE.encode(), filename="lighthouse.txt")
    attached = client.create_vector_store_file(store.id, file_id=file.id)
    assert attached.id == file.id and attached.vector_store_id == store.id
    done = client.wait_for_vector_store_file_to_complete(store.id, file.id)
    assert done.status == "completed" and done.last_error is None
    assert client.get_vector_store_file(store.id, file.id).status == "completed"
    assert [f.id for f in client.get_vector_store_files(store.id, filter="completed")] == [file.id]
    assert list(client.get_vector_store_files(store.id, filter="failed")) == []
    assert client.delete_vector_store_file(store.id, file.id).deleted
    assert list(client.get_vector_store_files(store.id)) == []
    assert client.get_file(file.id).id == file.id  # detaching keeps the file


def test_vector_store_file_batches(client: OpenAIClient):
    store = client.create_vector_store(name="batches")
    files = [
        client.upload_file(f"doc {i}. {LIGHTHOUSE}".encode(), filename=f"{i}.txt") for i in range(3)
    ]
    batch = client.create_vector_store_file_batch(store.id, file_ids=[f.id for f in files])
    assert batch.vector_store_id == store.id and batch.file_counts.total == 3
    assert client.get_vector_store_file_batch(store.id, batch.id).id == batch.id
    done = client.wait_for_vector_store_file_batch_to_complete(store.id, batch.id)
    assert done.status == "completed" and done.file_counts.completed == 3
    batch_files = client.get_vector_store_file_batch_files(store.id, batch.id, limit=2)
    assert sorted(f.id for f in batch_files) == sorted(f.id for f in files)

    second = client.create_vector_store_file_batch(
        store.id, file_ids=[client.upload_file(b"x " * 50_000, filename="big.txt").id]
    )
    try:
        cancelled = client.cancel_vector_store_file_batch(store.id, second.id)
    except (BadRequestError, ConflictError):
        # OpenAI refuses to cancel a batch that already finished; a fast engine may get there.
        assert client.get_vector_store_file_batch(store.id, second.id).status == "completed"
    else:
        assert cancelled.id == second.id
        assert cancelled.status in ("cancelled", "in_progress", "completed")
        final = client.wait_for_vector_store_file_batch_to_complete(store.id, second.id)
        assert final.status in ("cancelled", "completed")


# --- chat completions and models -------------------------------------------------------------


def test_completions_and_models(client: OpenAIClient, model: str):
    assert model in [m.id for m in client.get_models()]
    messages = [{"role": "user", "content": f"{LIGHTHOUSE}\n\n{QUESTION}"}]
    completion = client.create_completion(model=model, messages=messages)
    answer = completion.choices[0].message.content or ""
    assert answer and completion.choices[0].finish_reason in ("stop", "length")

    with client.create_completion(model=model, messages=messages, stream=True) as stream:
        streamed = "".join(stream.text_deltas())
    assert streamed == answer


# --- assistants, threads, messages -----------------------------------------------------------


def test_assistants(client: OpenAIClient, model: str):
    created = client.create_assistant(model=model, name="a", metadata={"v": "1"})
    assert created.object == "assistant" and created.model == model
    assert client.get_assistant(created.id).name == "a"
    modified = client.modify_assistant(created.id, name="b", instructions="Be brief.")
    assert (modified.name, modified.instructions, modified.metadata) == (
        "b",
        "Be brief.",
        {"v": "1"},
    )
    others = [client.create_assistant(model=model, name=f"p{i}").id for i in range(2)]
    page = client.get_assistants(limit=1)
    assert len(page.data) == 1 and page.has_more
    assert {created.id, *others} <= {a.id for a in page}
    deleted = client.delete_assistant(created.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (created.id, True, "assistant.deleted")
    with pytest.raises(NotFoundError) as caught:
        client.get_assistant(created.id)
    assert caught.value.status == 404 and caught.value.message


def test_threads(client: OpenAIClient):
    thread = client.create_thread(
        messages=[{"role": "user", "content": "Hello"}], metadata={"user": "u1"}
    )
    assert client.get_thread(thread.id).metadata == {"user": "u1"}
    assert [m.text for m in client.get_thread_messages(thread.id)] == ["Hello"]
    assert client.modify_thread(thread.id, metadata={"user": "u2"}).metadata == {"user": "u2"}
    assert client.delete_thread(thread.id).deleted
    with pytest.raises(NotFoundError):
        client.get_thread(thread.id)


def test_messages(client: OpenAIClient):
    thread = client.create_thread()
    first = client.create_thread_message(thread.id, role="user", content="First question")
    second = client.create_thread_message(
        thread.id, {"role": "user", "content": [{"type": "text", "text": "Second"}]}
    )
    assert (first.role, first.text, first.thread_id) == ("user", "First question", thread.id)
    assert client.get_thread_message(thread.id, second.id).text == "Second"
    done = client.wait_for_thread_message_to_complete(thread.id, first.id)
    assert done.status == "completed"
    assert [m.id for m in client.get_thread_messages(thread.id, order="asc")] == [
        first.id,
        second.id,
    ]
    assert [m.id for m in client.get_thread_messages(thread.id, limit=1)] == [second.id, first.id]
    modified = client.modify_thread_message(thread.id, first.id, metadata={"seen": "yes"})
    assert modified.metadata == {"seen": "yes"}
    deleted = client.delete_thread_message(thread.id, first.id)
    assert deleted.deleted and deleted.object == "thread.message.deleted"
    assert [m.id for m in client.get_thread_messages(thread.id)] == [second.id]


# --- runs and run steps ----------------------------------------------------------------------


def test_a_run_answers_with_citations_and_records_its_steps(
    client: OpenAIClient, assistant_id: str
):
    thread = client.create_thread()
    client.create_thread_message(thread.id, role="user", content=QUESTION)
    run = client.create_run(thread.id, assistant_id=assistant_id, metadata={"try": "1"})
    assert run.status in ("queued", "in_progress", "completed") and run.thread_id == thread.id

    finished = client.wait_for_run_to_complete(thread.id, run.id)
    assert finished.status == "completed", finished.last_error
    assert finished.completed_at is not None and finished.usage is not None
    assert client.get_run(thread.id, run.id).status == "completed"
    assert [r.id for r in client.get_runs(thread.id)] == [run.id]
    assert client.modify_run(thread.id, run.id, metadata={"try": "2"}).metadata == {"try": "2"}

    message = client.wait_for_assistant_message(thread.id, run_id=run.id)
    assert "1871" in message.text and message.run_id == run.id
    citations = [a for a in message.annotations if isinstance(a, FileCitationAnnotation)]
    assert citations, "the local model cites what it quotes"
    assert all(c.text in message.text for c in citations)
    assert any(c.file_citation.pages for c in citations), "pages are reported"

    steps = list(client.get_run_steps(thread.id, run.id, order="asc"))
    assert [s.type for s in steps] == ["tool_calls", "message_creation"]
    step = client.get_run_step(thread.id, run.id, steps[0].id, include=[FILE_SEARCH_RESULT_CONTENT])
    assert isinstance(step.step_details, ToolCallsStepDetails)
    (call,) = step.step_details.tool_calls
    assert isinstance(call, FileSearchToolCall)
    results = call.file_search.results or []
    assert results and results[0].content and "1871" in results[0].content[0].text


def test_run_and_get_assistant_response(client: OpenAIClient, assistant_id: str):
    thread = client.create_thread(messages=[{"role": "user", "content": QUESTION}])
    answer = client.run_and_get_assistant_response(thread.id, assistant_id=assistant_id)
    assert isinstance(answer, str) and "1871" in answer

    client.create_thread_message(thread.id, role="user", content="Who was the last keeper?")
    message = client.run_and_get_assistant_message(thread.id, assistant_id=assistant_id)
    assert "Ingrid Solberg" in message.text and message.annotations


def test_create_thread_and_run(client: OpenAIClient, assistant_id: str):
    run = client.create_thread_and_run(
        assistant_id=assistant_id, thread={"messages": [{"role": "user", "content": QUESTION}]}
    )
    finished = client.wait_for_run_to_complete(run.thread_id, run.id)
    assert finished.status == "completed"
    assert "1871" in client.wait_for_assistant_message(run.thread_id, run_id=run.id).text


def test_cancel_run(client: OpenAIClient, assistant_id: str):
    thread = client.create_thread(messages=[{"role": "user", "content": QUESTION}])
    run = client.create_run(thread.id, assistant_id=assistant_id)
    try:
        cancelled = client.cancel_run(thread.id, run.id)
    except (BadRequestError, ConflictError) as exc:
        # OpenAI refuses to cancel a run that already ended; the local model can be that fast.
        assert client.get_run(thread.id, run.id).status == "completed", exc
        return
    assert cancelled.status in ("cancelling", "cancelled", "completed")
    final = client.wait_for_run_to_complete(thread.id, run.id)
    assert final.status in ("cancelled", "completed")
    if final.status == "cancelled":
        assert final.cancelled_at is not None


def test_stream_run(client: OpenAIClient, assistant_id: str):
    thread = client.create_thread(messages=[{"role": "user", "content": QUESTION}])
    with client.stream_run(thread.id, assistant_id=assistant_id) as stream:
        events = list(stream)
    names = [e.event for e in events]
    assert names[0] == "thread.run.created" and "thread.run.completed" in names
    assert names.index("thread.run.step.created") < names.index("thread.message.created")
    streamed = "".join(e.data.text for e in events if isinstance(e, MessageDeltaEvent))
    assert stream.final_run is not None and stream.final_run.status == "completed"
    (final_message,) = stream.final_messages
    assert streamed == final_message.text and "1871" in streamed
    assert isinstance(events[-1], RunEvent) or names[-1] == "done"


# --- behaviour of the wire -------------------------------------------------------------------


def test_a_retried_create_returns_the_first_object(client: OpenAIClient, model: str):
    body = {"model": model, "name": "once"}
    first = client._request("POST", "/assistants", json_body=body, idempotency_key="idem-1")
    again = client._request("POST", "/assistants", json_body=body, idempotency_key="idem-1")
    assert first.json()["id"] == again.json()["id"]


def test_errors_carry_the_envelope(client: OpenAIClient, engine_http: TestClient):
    with pytest.raises(NotFoundError) as caught:
        client.get_run("thread_missing", "run_missing")
    assert caught.value.status == 404 and caught.value.type and caught.value.message
    with pytest.raises(NotFoundError):
        client.create_run("thread_missing", assistant_id="asst_x")
    with pytest.raises(BadRequestError) as bad:
        client._request("POST", "/assistants", json_body={"name": "no model"})
    assert bad.value.status == 400 and bad.value.param == "model"

    with (
        OpenAIClient(
            api_key="sk-wrong-key-0123456789",
            base_url="http://testserver/v1",
            http_client=engine_http,
        ) as wrong,
        pytest.raises(AuthenticationError) as denied,
    ):
        wrong.get_assistants()
    assert denied.value.status == 401 and "sk-wrong-key-0123456789" not in str(denied.value)


def test_over_a_real_socket(engine_server, tmp_path: Path):
    """The same client against `python -m engine serve` on a loopback port."""
    with OpenAIClient(
        api_key=engine_server.api_key,
        base_url=engine_server.base_url,
        polling_interval_seconds=0.1,
        polling_timeout_seconds=120,
    ) as client:
        model = client.get_models()[0].id
        file = client.upload_file(LIGHTHOUSE.encode(), filename="lighthouse.txt")
        store = client.create_vector_store_and_wait_to_complete(file_ids=[file.id])
        assistant = client.create_assistant(
            model=model,
            tools=[{"type": "file_search"}],
            tool_resources={"file_search": {"vector_store_ids": [store.id]}},
        )
        thread = client.create_thread(messages=[{"role": "user", "content": QUESTION}])
        assert "1871" in client.run_and_get_assistant_response(thread.id, assistant_id=assistant.id)
        client.delete_assistant(assistant.id)
        client.delete_vector_store(store.id)
        client.delete_file(file.id)


def test_get_threads_lists_the_engines_threads(client):
    created = [client.create_thread(metadata={"n": str(n)}).id for n in range(3)]
    page = client.get_threads(limit=2)
    assert len(page.data) == 2 and page.has_more
    listed = [t.id for t in client.get_threads(limit=2).auto_paging_iter()]
    assert set(created) <= set(listed)
