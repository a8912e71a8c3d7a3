"""Run scheduling against a real engine process: a run waiting for indexing holds no worker, a
full run queue answers 429 with Retry-After, and our client waits that long and retries."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_process import EngineProcess, start_engine, wait_for
from wire import http_error

from core import OpenAIClient
from core.errors import RateLimitError
from tests.copilots.scripted_upstream import scripted_upstream

LOCAL = "pdf-copilot-local"
RELAY = "gated"


@contextmanager
def gated_upstream() -> Iterator[tuple[str, threading.Event]]:
    """An upstream chat model that answers only once the event is set."""
    gate = threading.Event()
    with scripted_upstream() as (base_url, script):
        script.answer = lambda body: "Done." if gate.wait(60) else "Timed out."  # type: ignore[method-assign]
        try:
            yield base_url, gate
        finally:
            gate.set()


def api(engine: EngineProcess) -> httpx.Client:
    return httpx.Client(base_url=engine.base_url, timeout=60, trust_env=False,
                        headers={"Authorization": f"Bearer {engine.api_key}",
                                 "OpenAI-Beta": "assistants=v2"})


def new_thread(client: httpx.Client, question: str = "What happened?") -> str:
    response = client.post("/threads", json={"messages": [{"role": "user", "content": question}]})
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def run_status(client: httpx.Client, thread_id: str, run_id: str) -> dict[str, Any]:
    return dict(client.get(f"/threads/{thread_id}/runs/{run_id}").json())


def test_a_full_run_queue_answers_429_with_retry_after_and_the_client_retries(tmp_path):
    with gated_upstream() as (upstream, gate):
        env = {"ENGINE_UPSTREAM_BASE_URL": upstream, "ENGINE_UPSTREAM_API_KEY": "unused",
               "ENGINE_UPSTREAM_MODELS": json.dumps([f"{RELAY}=gpt-x"]),
               "ENGINE_RUN_WORKERS": "1", "ENGINE_RUN_QUEUE_DEPTH": "1"}
        with start_engine(tmp_path, env) as engine, api(engine) as client:
            relay = client.post("/assistants", json={"model": RELAY}).json()
            local = client.post("/assistants", json={"model": LOCAL}).json()
            held = new_thread(client)
            first = client.post(f"/threads/{held}/runs", json={"assistant_id": relay["id"]})
            wait_for(lambda: run_status(client, held, first.json()["id"])["status"]
                     == "in_progress", 30, "the gated run to take the only worker")
            queued = new_thread(client)
            second = client.post(f"/threads/{queued}/runs", json={"assistant_id": local["id"]})
            assert second.status_code == 200, second.text  # the one place in the queue

            refused_thread = new_thread(client)
            refused = client.post(f"/threads/{refused_thread}/runs",
                                  json={"assistant_id": local["id"]})
            error = http_error(refused, 429)
            assert (error["type"], error["code"]) == ("requests", "rate_limit_exceeded")
            assert "busy" in error["message"]
            seconds = int(refused.headers["retry-after"])
            millis = int(refused.headers["retry-after-ms"])
            assert seconds >= 1 and 0 < millis <= seconds * 1000
            # The refused run was never made: the thread takes a run once there is room.
            assert client.get(f"/threads/{refused_thread}/runs").json()["data"] == []
            both = client.post("/threads/runs", json={
                "assistant_id": local["id"],
                "thread": {"messages": [{"role": "user", "content": "Hi"}]}})
            assert http_error(both, 429)["code"] == "rate_limit_exceeded"
            assert both.headers["retry-after"]

            # Our client waits what the engine says (retry-after-ms), then gives up.
            ours = OpenAIClient(api_key=engine.api_key, base_url=engine.base_url,
                                http_request_max_retries=2)
            sleeps: list[float] = []
            ours._sleep = sleeps.append  # type: ignore[method-assign]
            with pytest.raises(RateLimitError) as caught:
                ours.create_run(refused_thread, assistant_id=local["id"])
            assert sleeps == [millis / 1000, millis / 1000]
            assert "busy" in caught.value.message

            # With real waiting, a retry gets in once the queue moves.
            ours = OpenAIClient(api_key=engine.api_key, base_url=engine.base_url,
                                http_request_max_retries=5)
            threading.Timer(0.2, gate.set).start()
            started = time.monotonic()
            run = ours.create_run(refused_thread, assistant_id=local["id"])
            assert time.monotonic() - started >= millis / 1000 * 0.9
            done = ours.wait_for_run_to_complete(refused_thread, run.id)
            assert done.status == "completed"
            for thread_id, response in ((held, first), (queued, second)):
                assert wait_for(lambda t=thread_id, r=response: run_status(
                    client, t, r.json()["id"])["status"] == "completed", 30, "the queued runs")
            ours.close()


def upload(client: httpx.Client, path: Path) -> str:
    response = client.post("/files", data={"purpose": "assistants"},
                           files={"file": (path.name, path.read_bytes(), "application/pdf")})
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def store_with(client: httpx.Client, file_ids: list[str]) -> str:
    return str(client.post("/vector_stores", json={"file_ids": file_ids}).json()["id"])


def searching_assistant(client: httpx.Client, store_id: str) -> str:
    return str(client.post("/assistants", json={
        "model": LOCAL, "tools": [{"type": "file_search"}],
        "tool_resources": {"file_search": {"vector_store_ids": [store_id]}}}).json()["id"])


@pytest.mark.corpus
def test_a_run_waiting_for_indexing_holds_no_worker(tmp_path, sec10q_docs, small_pdf):
    env = {"ENGINE_RUN_WORKERS": "1", "ENGINE_INGEST_WORKERS": "1"}
    with start_engine(tmp_path, env) as engine, api(engine) as client:
        ready = store_with(client, [upload(client, small_pdf)])
        wait_for(lambda: client.get(f"/vector_stores/{ready}").json()["file_counts"][
            "completed"] == 1, 60, "the small store")
        filings = [upload(client, sec10q_docs / f"{name}.pdf")
                   for name in ("2023 Q1 INTC", "2023 Q2 AAPL", "2022 Q3 AAPL")]
        busy = store_with(client, filings)
        waiting_thread = new_thread(client, "What was Intel's revenue?")
        waiting = client.post(f"/threads/{waiting_thread}/runs",
                              json={"assistant_id": searching_assistant(client, busy)}).json()
        health = f"{engine.root_url}/health"
        wait_for(lambda: httpx.get(health).json()["runs_parked"] == 1, 30, "the run to park")
        assert run_status(client, waiting_thread, waiting["id"])["status"] == "in_progress"

        # The only worker is free: a run on an indexed store is answered meanwhile.
        asked = new_thread(client, "When was the lamp automated?")
        quick = client.post(f"/threads/{asked}/runs",
                            json={"assistant_id": searching_assistant(client, ready)}).json()
        answered = wait_for(lambda: (r := run_status(client, asked, quick["id"]))["status"]
                            == "completed" and r, 30, "the run on the indexed store")
        assert answered["status"] == "completed"
        assert client.get(f"/vector_stores/{busy}").json()["file_counts"]["in_progress"] > 0
        assert run_status(client, waiting_thread, waiting["id"])["status"] == "in_progress"

        # Once the filings are indexed, the parked run goes on and searches all of them.
        done = wait_for(lambda: (r := run_status(client, waiting_thread, waiting["id"]))[
            "status"] in ("completed", "failed", "expired") and r, 240, "the parked run")
        assert done["status"] == "completed", done
        assert client.get(f"/vector_stores/{busy}").json()["file_counts"]["completed"] == 3
        assert httpx.get(health).json()["runs_parked"] == 0
        steps = client.get(f"/threads/{waiting_thread}/runs/{waiting['id']}/steps").json()
        assert {s["type"] for s in steps["data"]} == {"tool_calls", "message_creation"}
