"""Upstream models for real: a second engine, its built-in model behind its chat-completions
endpoint, is the upstream of the first; failures use real sockets that refuse or stall."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from engine_process import start_engine
from wire import conforming

RELAY = "relay"
PARAGRAPH = (
    "The Northcape lighthouse was built in 1871 from granite quarried on the island. "
    "In 1994 the lamp was automated and the last keeper, Ingrid Solberg, left the island."
)


def sdk(engine) -> openai.OpenAI:
    return openai.OpenAI(base_url=engine.base_url, api_key=engine.api_key, max_retries=0)


def upstream_env(base_url: str, key: str = "unused", timeout: float = 30) -> dict[str, str]:
    return {"ENGINE_UPSTREAM_BASE_URL": base_url, "ENGINE_UPSTREAM_API_KEY": key,
            "ENGINE_UPSTREAM_MODELS": json.dumps([f"{RELAY}=pdf-copilot-local"]),
            "ENGINE_UPSTREAM_TIMEOUT_SECONDS": str(timeout)}


@pytest.fixture(scope="module")
def relay_pair(tmp_path_factory) -> Iterator[tuple]:
    tmp = tmp_path_factory.mktemp("relay")
    with start_engine(tmp / "upstream") as upstream:
        env = upstream_env(upstream.base_url, upstream.api_key)
        with start_engine(tmp / "main", env) as main:
            yield main, upstream


def chat(client: openai.OpenAI, model: str, **kwargs):
    return client.chat.completions.create(model=model, messages=[
        {"role": "system", "content": PARAGRAPH},
        {"role": "user", "content": "Who was the last keeper?"}], **kwargs)


def test_relayed_chat_completion_matches_the_upstream(relay_pair):
    main, upstream = relay_pair
    direct = chat(sdk(upstream), "pdf-copilot-local").choices[0].message.content
    relayed = sdk(main).chat.completions.with_raw_response.create(model=RELAY, messages=[
        {"role": "system", "content": PARAGRAPH},
        {"role": "user", "content": "Who was the last keeper?"}])
    body = conforming(relayed, "CreateChatCompletionResponse")
    assert body["choices"][0]["message"]["content"] == direct
    assert "Ingrid Solberg" in direct and body["model"] == RELAY and body["usage"]["total_tokens"]
    streamed = chat(sdk(main), RELAY, stream=True)
    pieces = [c.choices[0].delta.content or "" for c in streamed if c.choices]
    assert "".join(pieces) == direct and len(pieces) > 3
    assert RELAY in [m.id for m in sdk(main).models.list()]


def test_a_relayed_completion_is_stored_here_not_upstream(relay_pair):
    main, upstream = relay_pair
    ours, theirs = sdk(main), sdk(upstream)
    plain = chat(ours, RELAY, store=True, metadata={"via": "relay"})
    streamed = chat(ours, RELAY, store=True, metadata={"via": "relay-stream"}, stream=True)
    ids = {c.id for c in streamed}
    assert len(ids) == 1  # one id of ours for every chunk
    stored = {c.metadata["via"]: c for c in ours.chat.completions.list(model=RELAY)}
    assert stored["relay"].id == plain.id and stored["relay-stream"].id in ids
    assert stored["relay-stream"].choices[0].message.content == plain.choices[0].message.content
    assert stored["relay-stream"].choices[0].finish_reason == "stop"
    assert ours.chat.completions.retrieve(plain.id).model == RELAY
    assert [m.role for m in ours.chat.completions.messages.list(plain.id)] == ["system", "user"]
    assert theirs.chat.completions.list().data == []  # `store` was not passed on


def test_run_with_an_upstream_model_streams_and_cites(relay_pair, small_pdf: Path):
    main, _ = relay_pair
    client = sdk(main)
    with small_pdf.open("rb") as fh:
        store = client.vector_stores.create(name="relay")
        client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=fh)
    assistant = client.beta.assistants.create(
        model=RELAY, tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}})
    thread = client.beta.threads.create(messages=[
        {"role": "user", "content": "When was the lamp automated?"}])
    deltas: list[str] = []
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        for event in stream:
            if event.event == "thread.message.delta":
                deltas.extend(p.text.value or "" for p in event.data.delta.content or [])
        run = stream.get_final_run()
    assert run.status == "completed", run.last_error
    assert run.usage and run.usage.prompt_tokens > 0 and run.usage.completion_tokens > 0
    message = client.beta.threads.messages.list(thread_id=thread.id, limit=1).data[0]
    text = message.content[0].text
    assert "".join(deltas) == text.value and "1994" in text.value
    for annotation in text.annotations:
        assert text.value[annotation.start_index:annotation.end_index] == annotation.text
        assert (annotation.file_citation.model_extra or {}).get("pages") == [2]


FLEET = [
    "The Northcape lighthouse stands on the western cliff of the island. Its tower was raised "
    "in 1871 from granite quarried on the island itself, and its lamp can be seen for twenty "
    "nautical miles. Keepers lived in the cottage below the tower until the lamp was "
    "automated, and the cottage now houses a small museum of charts, logbooks and lenses that "
    "visitors may see on summer afternoons when the weather allows the walk.",
    "The ferry Sula has served the island since the spring. She was built at the Bergen yard "
    "in 1871 from Norwegian pine and carries forty passengers on each crossing. Her engine was "
    "replaced twice, and her crew of four keeps a timetable of three crossings a day, with an "
    "extra evening crossing on market days and during the long light of midsummer weeks.",
]


def test_a_follow_up_run_on_an_upstream_model_searches_with_the_conversation(
    relay_pair, tmp_path: Path
) -> None:
    from fpdf import FPDF

    main, _ = relay_pair
    client = sdk(main)
    store = client.vector_stores.create(name="island")
    for name, text in zip(("lighthouse.pdf", "ferry.pdf"), FLEET, strict=True):
        document = FPDF()
        document.set_font("helvetica", size=11)
        document.add_page()
        document.multi_cell(0, 6, text)
        document.output(str(tmp_path / name))
        with (tmp_path / name).open("rb") as fh:
            client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=fh)
    assistant = client.beta.assistants.create(
        model=RELAY, tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id], }})
    thread = client.beta.threads.create(messages=[
        {"role": "user", "content": "Tell me about the Northcape lighthouse tower."},
        {"role": "assistant", "content": "It stands on the western cliff."},
        {"role": "user", "content": "What was it built from?"}])
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=100,
        tools=[{"type": "file_search", "file_search": {"max_num_results": 1}}])
    assert run.status == "completed", run.last_error
    steps = client.beta.threads.runs.steps.list(thread_id=thread.id, run_id=run.id,
                                                include=["step_details.tool_calls[*].file_search"
                                                         ".results[*].content"])
    search = next(s for s in steps.data if s.type == "tool_calls")
    results = search.step_details.tool_calls[0].file_search.results
    # "built from" alone fits the ferry as well; with the conversation it is the lighthouse.
    assert results and results[0].file_name == "lighthouse.pdf"


@pytest.fixture
def stalled_port() -> Iterator[int]:
    """A socket that accepts connections and never answers: an upstream that hangs."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("kind", ["refused", "stalled"])
def test_upstream_failures_end_the_run_failed(tmp_path, stalled_port, kind):
    port = closed_port() if kind == "refused" else stalled_port
    env = upstream_env(f"http://127.0.0.1:{port}/v1", key="sk-secret-upstream", timeout=1)
    with start_engine(tmp_path, env) as engine:
        client = sdk(engine)
        assistant = client.beta.assistants.create(model=RELAY)
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello?"}])
        started = time.monotonic()
        run = client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=100)
        assert time.monotonic() - started < 15
        assert run.status == "failed" and run.failed_at
        expected = "connect" if kind == "refused" else "did not answer in time"
        assert expected in run.last_error.message
        assert "sk-secret-upstream" not in run.last_error.message
        with pytest.raises(openai.APIStatusError) as caught:
            client.chat.completions.create(model=RELAY, messages=[{"role": "user", "content": "x"}])
        assert caught.value.status_code == 502
        assert "sk-secret-upstream" not in caught.value.response.text
