"""What a serious server owes its users: restarts keep everything, concurrent writers lose
nothing, limits end runs honestly, errors never leak internals, docs work offline."""

from __future__ import annotations

import concurrent.futures
import itertools
import sqlite3
import time

import httpx
import openai
import pytest
from engine_process import start_engine
from fastapi.testclient import TestClient
from wire import api_error, conforming, http_error

from engine.app import create_app
from engine.settings import EngineSettings

LOCAL = "pdf-copilot-local"
BETA = {"OpenAI-Beta": "assistants=v2"}


def sdk(engine) -> openai.OpenAI:
    return openai.OpenAI(base_url=engine.base_url, api_key=engine.api_key, max_retries=0)


def test_a_restart_keeps_every_object(tmp_path, small_pdf):
    with start_engine(tmp_path) as engine:
        client = sdk(engine)
        with small_pdf.open("rb") as fh:
            store = client.vector_stores.create(name="kept")
            vs_file = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=fh)
        assistant = client.beta.assistants.create(
            model=LOCAL, tools=[{"type": "file_search"}],
            tool_resources={"file_search": {"vector_store_ids": [store.id]}})
        thread = client.beta.threads.create(messages=[
            {"role": "user", "content": "When was the lamp automated?"}])
        run = client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=100)
        before = client.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text
    with start_engine(tmp_path) as engine:  # same data directory, new process
        client = sdk(engine)
        assert client.files.retrieve(vs_file.id).filename == small_pdf.name
        assert client.vector_stores.retrieve(store.id).file_counts.completed == 1
        assert client.beta.assistants.retrieve(assistant.id).tool_resources is not None
        assert client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "completed"
        after = client.beta.threads.messages.list(thread_id=thread.id).data[0].content[0].text
        assert after.value == before.value and "1994" in after.value
        hits = client.vector_stores.search(store.id, query="lamp automated")
        assert hits.data and hits.data[0].file_id == vs_file.id


def test_concurrent_uploads_and_creates_lose_nothing(engine_server, small_pdf, http):
    data = small_pdf.read_bytes()

    def upload(n: int) -> str:
        with httpx.Client(base_url=engine_server.base_url, timeout=60,
                          headers={"Authorization": f"Bearer {engine_server.api_key}"}) as c:
            response = c.post("/files", data={"purpose": "assistants"},
                              files={"file": (f"copy-{n}.pdf", data, "application/pdf")})
            assert response.status_code == 200, response.text
            return str(response.json()["id"])

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(upload, range(24)))
    assert len(set(ids)) == 24
    store = http.post("/vector_stores", json={"name": "concurrent", "file_ids": ids}).json()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        counts = http.get(f"/vector_stores/{store['id']}").json()["file_counts"]
        assert counts["total"] == 24
        assert sum(counts[k] for k in ("in_progress", "completed", "failed", "cancelled")) == 24
        if counts["in_progress"] == 0:
            break
        time.sleep(0.1)
    assert counts["completed"] == 24
    db = sqlite3.connect(engine_server.data_dir / "engine.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_max_completion_tokens_ends_the_run_incomplete(openai_client):
    # Three long sentences that all answer, each with its own short words: a quoted answer of
    # well over 256 tokens (the spec's minimum for a run's max_completion_tokens).
    syllables = ["".join(p) for p in itertools.product("bdfgkmnprst", "aeiou")]

    def sentence(n: int, place: str) -> str:
        words = syllables[n * 18 : (n + 1) * 18]
        tail = " ".join(words[(i * 7) % 18] for i in range(90))
        return f"The {place} lighthouse lamp was automated in {1994 + n} with logs {tail}."

    text = "\n\n".join(sentence(n, p) for n, p in enumerate(["Northcape", "Southpoint", "Westholm"]))
    file = openai_client.files.create(file=("lamps.txt", text.encode()), purpose="assistants")
    store = openai_client.vector_stores.create(name="lamps", file_ids=[file.id])
    assistant = openai_client.beta.assistants.create(
        model=LOCAL, tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}})
    thread = openai_client.beta.threads.create(messages=[{
        "role": "user", "content": "When was the lighthouse lamp automated?"}])
    run = openai_client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, max_completion_tokens=256,
        poll_interval_ms=100)
    assert run.status == "incomplete"
    assert run.incomplete_details.reason == "max_completion_tokens"
    message = openai_client.beta.threads.messages.list(thread_id=thread.id, limit=1).data[0]
    assert message.status == "incomplete" and message.incomplete_details.reason == "max_tokens"
    assert "1994" in message.content[0].text.value


def test_a_thread_with_an_active_run_refuses_new_messages(openai_client, sec10q_docs):
    with (sec10q_docs / "2023 Q3 INTC.pdf").open("rb") as fh:
        file = openai_client.files.create(file=fh, purpose="assistants")
    assistant = openai_client.beta.assistants.create(model=LOCAL, tools=[{"type": "file_search"}])
    thread = openai_client.beta.threads.create(messages=[{
        "role": "user", "content": "What does Intel say about revenue?",
        "attachments": [{"file_id": file.id, "tools": [{"type": "file_search"}]}]}])
    run = openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    error = api_error(lambda: openai_client.beta.threads.messages.create(
        thread_id=thread.id, role="user", content="And profit?"), 409)
    assert run.id in error["message"] or thread.id in error["message"]
    openai_client.beta.threads.runs.cancel(run.id, thread_id=thread.id)


def test_expired_stores_turn_expired(tmp_path):
    app = create_app(EngineSettings(data_dir=tmp_path, api_key="k"))
    with TestClient(app, headers={"Authorization": "Bearer k"}) as client:
        store = client.post("/v1/vector_stores", json={
            "name": "short-lived", "expires_after": {"anchor": "last_active_at", "days": 1}}).json()
        assert store["status"] == "completed" and store["expires_at"] > time.time()
        with app.state.engine.db.write() as conn:  # a day and a bit later
            conn.execute("UPDATE vector_stores SET expires_at = ? WHERE id = ?",
                         (int(time.time()) - 5, store["id"]))
        assert client.get(f"/v1/vector_stores/{store['id']}").json()["status"] == "expired"


def test_an_unexpected_error_is_a_500_envelope_without_internals(tmp_path):
    app = create_app(EngineSettings(data_dir=tmp_path))

    @app.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail /etc/passwd")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/boom")
    error = http_error(response, 500)
    assert error["type"] == "server_error"
    assert "secret" not in response.text and "Traceback" not in response.text


def test_docs_page_works_offline(engine_server):
    root = engine_server.root_url
    page = httpx.get(f"{root}/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "http://" not in page.text.replace(root, "")
    script = next(part.split('"')[0] for part in page.text.split('src="')[1:])
    assert httpx.get(f"{root}{script}" if script.startswith("/") else script).status_code == 200
    schema = httpx.get(f"{root}/openapi.json").json()
    assert "/v1/threads/{thread_id}/runs" in schema["paths"]


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", "Basic abc"])
def test_bad_credentials_are_refused_everywhere(engine_server, header):
    headers = {"Authorization": header} if header else {}
    for path in ("/files", "/vector_stores", "/assistants", "/models"):
        response = httpx.get(engine_server.base_url + path, headers={**headers, **BETA})
        error = http_error(response, 401)
        assert engine_server.api_key not in response.text
        assert error["code"] in ("missing_api_key", "invalid_api_key")


def test_oversized_upload_is_a_413(tmp_path):
    app = create_app(EngineSettings(data_dir=tmp_path, max_upload_bytes=1000))
    with TestClient(app) as client:
        response = client.post("/v1/files", data={"purpose": "assistants"},
                               files={"file": ("big.txt", b"x" * 5000, "text/plain")})
    error = http_error(response, 413)
    assert error["param"] == "file" and "limit" in error["message"]
    assert not any((tmp_path / "blobs").rglob("file-*"))


def test_conforming_list_of_assistants(openai_client):
    conforming(openai_client.beta.assistants.with_raw_response.list(limit=1),
               "ListAssistantsResponse")
