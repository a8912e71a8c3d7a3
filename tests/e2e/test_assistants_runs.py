"""Assistants, threads, messages, runs and run steps, driven by the official SDK over a socket."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from openai import AssistantEventHandler
from pypdf import PdfReader
from wire import api_error, conforming, conforming_http, http_error

LOCAL = "pdf-copilot-local"
CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
QUESTION = "Why did Americas net sales decrease during the first quarter of 2023?"
ANSWER_PHRASE = "Americas net sales decreased during the first quarter of 2023"


def page_holding(path: Path, phrase: str) -> int:
    for number, page in enumerate(PdfReader(path).pages, start=1):
        if phrase in " ".join((page.extract_text() or "").split()):
            return number
    raise AssertionError(f"{phrase!r} not found in {path.name}")


@pytest.fixture(scope="module")
def assistant(openai_client, filings_store):
    raw = openai_client.beta.assistants.with_raw_response.create(
        model=LOCAL,
        name="10-Q analyst",
        instructions="Answer from the filings.",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [filings_store.store_id]}},
    )
    body = conforming(raw, "AssistantObject")
    yield body
    openai_client.beta.assistants.delete(body["id"])


def last_assistant_message(client, thread_id: str):
    messages = client.beta.threads.messages.list(thread_id=thread_id, order="desc", limit=1)
    message = messages.data[0]
    assert message.role == "assistant"
    return message


def test_answer_cites_the_file_and_page(openai_client, assistant, filings_store, aapl_2023_q1):
    expected_page = page_holding(aapl_2023_q1, ANSWER_PHRASE)
    thread = openai_client.beta.threads.create(messages=[{"role": "user", "content": QUESTION}])
    run = openai_client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant["id"], poll_interval_ms=100
    )
    assert run.status == "completed", run.last_error
    assert run.usage and run.usage.completion_tokens > 0 and run.usage.prompt_tokens > 0
    assert run.started_at and run.completed_at
    message = last_assistant_message(openai_client, thread.id)
    text = message.content[0].text
    assert ANSWER_PHRASE in " ".join(text.value.split())
    citations = [a for a in text.annotations if a.type == "file_citation"]
    assert citations, text.value
    for annotation in citations:
        assert text.value[annotation.start_index : annotation.end_index] == annotation.text
    cited = {
        (a.file_citation.file_id, p)
        for a in citations
        for p in (a.file_citation.model_extra or {}).get("pages", [])
    }
    assert (filings_store.file_ids["AAPL"], expected_page) in cited
    raw = openai_client.beta.threads.messages.with_raw_response.retrieve(
        message.id, thread_id=thread.id
    )
    conforming(raw, "MessageObject")
    conforming(
        openai_client.beta.threads.runs.with_raw_response.retrieve(run.id, thread_id=thread.id),
        "RunObject",
    )


def test_run_steps_record_the_file_search(openai_client, assistant, filings_store):
    thread = openai_client.beta.threads.create(messages=[{"role": "user", "content": QUESTION}])
    run = openai_client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant["id"], poll_interval_ms=100
    )
    raw = openai_client.beta.threads.runs.steps.with_raw_response.list(
        run.id, thread_id=thread.id, order="asc", include=[CONTENT]
    )
    steps = conforming(raw, "ListRunStepsResponse")["data"]
    assert [s["type"] for s in steps] == ["tool_calls", "message_creation"]
    call = steps[0]["step_details"]["tool_calls"][0]
    results = call["file_search"]["results"]
    assert results and all(r["content"] and r["content"][0]["text"] for r in results)
    assert results[0]["file_id"] == filings_store.file_ids["AAPL"]
    assert "ranking_options" in call["file_search"]
    message_id = steps[1]["step_details"]["message_creation"]["message_id"]
    assert last_assistant_message(openai_client, thread.id).id == message_id
    # Without include[] the results keep their scores but not their text.
    plain = openai_client.beta.threads.runs.steps.retrieve(
        steps[0]["id"], thread_id=thread.id, run_id=run.id
    )
    assert all(not r.content for r in plain.step_details.tool_calls[0].file_search.results)
    single = openai_client.beta.threads.runs.steps.with_raw_response.retrieve(
        steps[1]["id"], thread_id=thread.id, run_id=run.id
    )
    conforming(single, "RunStepObject")


def test_streamed_run_delivers_deltas_in_order(openai_client, assistant):
    thread = openai_client.beta.threads.create(messages=[{"role": "user", "content": QUESTION}])
    events: list[str] = []
    deltas: list[str] = []

    class Handler(AssistantEventHandler):
        def on_event(self, event) -> None:
            events.append(event.event)

        def on_text_delta(self, delta, snapshot) -> None:
            deltas.append(delta.value or "")

    with openai_client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=assistant["id"], event_handler=Handler()
    ) as stream:
        stream.until_done()
    assert events[:3] == ["thread.run.created", "thread.run.queued", "thread.run.in_progress"]
    assert events[-1] == "thread.run.completed"
    assert events.index("thread.run.step.created") < events.index("thread.message.created")
    assert len(deltas) > 3
    message = last_assistant_message(openai_client, thread.id)
    assert "".join(deltas) == message.content[0].text.value


def test_create_thread_and_run_streams_the_thread_first(http, assistant):
    body = {
        "assistant_id": assistant["id"],
        "stream": True,
        "thread": {"messages": [{"role": "user", "content": QUESTION}]},
    }
    names = []
    with http.stream(
        "POST", "/threads/runs", json=body, headers={"OpenAI-Beta": "assistants=v2"}
    ) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("event: "):
                names.append(line[7:])
    assert names[0] == "thread.created"
    assert names[-2:] == ["thread.run.completed", "done"]


def test_cancel_stops_a_run_that_is_waiting_for_indexing(openai_client, assistant, sec10q_docs):
    # A big attachment keeps the run waiting for indexing: a real run, caught mid-flight.
    with (sec10q_docs / "2023 Q2 MSFT.pdf").open("rb") as fh:
        file = openai_client.files.create(file=fh, purpose="assistants")
    thread = openai_client.beta.threads.create(
        messages=[
            {
                "role": "user",
                "content": "What does Microsoft say about cloud revenue?",
                "attachments": [{"file_id": file.id, "tools": [{"type": "file_search"}]}],
            }
        ]
    )
    run = openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant["id"])
    cancelled = openai_client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    assert cancelled.status in ("cancelling", "cancelled")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        run = openai_client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
        if run.status == "cancelled":
            break
        time.sleep(0.1)
    assert run.status == "cancelled" and run.cancelled_at
    messages = openai_client.beta.threads.messages.list(thread_id=thread.id)
    assert [m.role for m in messages.data] == ["user"]
    error = api_error(
        lambda: openai_client.beta.threads.runs.cancel(run.id, thread_id=thread.id), 400
    )
    assert "cancelled" in error["message"]


def test_thread_attachments_are_searched(openai_client, assistant, small_pdf):
    with small_pdf.open("rb") as fh:
        file = openai_client.files.create(file=fh, purpose="assistants")
    thread = openai_client.beta.threads.create(
        messages=[
            {
                "role": "user",
                "content": "Who was the last keeper of the lighthouse?",
                "attachments": [{"file_id": file.id, "tools": [{"type": "file_search"}]}],
            }
        ]
    )
    store_ids = thread.tool_resources.file_search.vector_store_ids
    assert len(store_ids) == 1
    run = openai_client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant["id"], poll_interval_ms=100
    )
    assert run.status == "completed"
    text = last_assistant_message(openai_client, thread.id).content[0].text
    assert "Ingrid Solberg" in text.value
    pages = {
        p
        for a in text.annotations
        if a.file_citation.file_id == file.id
        for p in (a.file_citation.model_extra or {}).get("pages", [])
    }
    assert pages == {2}


def test_messages_and_runs_paginate(openai_client, assistant):
    thread = openai_client.beta.threads.create()
    sent = []
    for n in range(5):
        message = openai_client.beta.threads.messages.create(
            thread_id=thread.id, role="user", content=f"Question number {n} about net sales?"
        )
        sent.append(message.id)
    page = openai_client.beta.threads.messages.list(thread_id=thread.id, limit=2, order="asc")
    assert [m.id for m in page.data] == sent[:2] and page.has_more
    everything = [
        m.id
        for m in openai_client.beta.threads.messages.list(thread_id=thread.id, limit=2, order="asc")
    ]
    assert everything == sent
    before = openai_client.beta.threads.messages.list(
        thread_id=thread.id, limit=2, order="asc", before=sent[4]
    )
    assert [m.id for m in before.data] == sent[2:4]
    runs = []
    for _ in range(3):
        run = openai_client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=assistant["id"], poll_interval_ms=100
        )
        runs.append(run.id)
    listed = [r.id for r in openai_client.beta.threads.runs.list(thread_id=thread.id, limit=2)]
    assert listed == list(reversed(runs))
    by_run = openai_client.beta.threads.messages.list(thread_id=thread.id, run_id=runs[0])
    assert len(by_run.data) == 1 and by_run.data[0].role == "assistant"
    raw = openai_client.beta.threads.messages.with_raw_response.list(thread_id=thread.id, limit=3)
    conforming(raw, "ListMessagesResponse")
    conforming(
        openai_client.beta.threads.runs.with_raw_response.list(thread_id=thread.id),
        "ListRunsResponse",
    )


def test_nothing_relevant_is_said_plainly(openai_client, assistant):
    thread = openai_client.beta.threads.create(
        messages=[
            {"role": "user", "content": "What is the airspeed velocity of an unladen swallow?"}
        ]
    )
    run = openai_client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant["id"], poll_interval_ms=100
    )
    text = last_assistant_message(openai_client, thread.id).content[0].text
    assert run.status == "completed"
    assert "don't say" in text.value and text.annotations == []


def test_assistant_crud_and_lists(openai_client, filings_store):
    created = openai_client.beta.assistants.create(model=LOCAL, name="temp", metadata={"k": "v"})
    raw = openai_client.beta.assistants.with_raw_response.update(
        created.id, name="renamed", metadata={"k": "w"}
    )
    assert conforming(raw, "AssistantObject")["name"] == "renamed"
    listed = openai_client.beta.assistants.with_raw_response.list(limit=100)
    assert created.id in [a["id"] for a in conforming(listed, "ListAssistantsResponse")["data"]]
    deleted = openai_client.beta.assistants.with_raw_response.delete(created.id)
    assert conforming(deleted, "DeleteAssistantResponse")["deleted"] is True
    error = api_error(lambda: openai_client.beta.assistants.retrieve(created.id), 404)
    assert created.id in error["message"]


def test_thread_crud_and_admin_listing(openai_client, http):
    raw = openai_client.beta.threads.with_raw_response.create(metadata={"user": "ann"})
    thread = conforming(raw, "ThreadObject")
    updated = openai_client.beta.threads.update(thread["id"], metadata={"user": "bob"})
    assert updated.metadata == {"user": "bob"}
    listing = http.get(
        "/threads", params={"limit": 100}, headers={"OpenAI-Beta": "assistants=v2"}
    ).json()
    assert thread["id"] in [t["id"] for t in listing["data"]]
    deleted = openai_client.beta.threads.with_raw_response.delete(thread["id"])
    assert conforming(deleted, "DeleteThreadResponse")["deleted"] is True
    api_error(lambda: openai_client.beta.threads.retrieve(thread["id"]), 404)


def test_assistants_paths_need_the_beta_header(http):
    error = http_error(http.get("/assistants"), 400)
    assert error["code"] == "invalid_beta"


def test_function_tools_and_unknown_models_are_refused(openai_client):
    error = api_error(
        lambda: openai_client.beta.assistants.create(
            model=LOCAL, tools=[{"type": "function", "function": {"name": "f"}}]
        ),
        400,
    )
    assert error["param"] == "tools[0].type" and "not supported" in error["message"]
    error = api_error(lambda: openai_client.beta.assistants.create(model="gpt-9"), 400)
    assert error["param"] == "model" and LOCAL in error["message"]


def test_retried_create_with_same_idempotency_key_returns_the_first(http):
    headers = {"OpenAI-Beta": "assistants=v2", "Idempotency-Key": "retry-me-123"}
    first = conforming_http(
        http.post("/assistants", json={"model": LOCAL}, headers=headers), "AssistantObject"
    )
    second = http.post("/assistants", json={"model": LOCAL}, headers=headers).json()
    assert second["id"] == first["id"]
    other = http.post(
        "/assistants", json={"model": LOCAL}, headers={**headers, "Idempotency-Key": "another"}
    ).json()
    assert other["id"] != first["id"]


def test_poll_after_header_on_active_runs(http, assistant):
    headers = {"OpenAI-Beta": "assistants=v2"}
    thread = http.post(
        "/threads", json={"messages": [{"role": "user", "content": QUESTION}]}, headers=headers
    ).json()
    response = http.post(
        f"/threads/{thread['id']}/runs", json={"assistant_id": assistant["id"]}, headers=headers
    )
    assert response.headers.get("openai-poll-after-ms")
    assert isinstance(response, httpx.Response)
