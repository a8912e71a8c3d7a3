"""Crash safety with real engine processes: kill -9 and SIGTERM at random moments (seeded) while
a batch of filings is indexed and runs wait on it, then restarts on the same data directory.
(SIGINT, Ctrl-C, stops as gracefully as SIGTERM.)

After every stop: no survivors among the engine's children, and after a SIGTERM nothing is
failed or cancelled that would not have been anyway. At the end: the database passes its
integrity checks, every file is completed with exact counts and no duplicate index rows, every
blob matches its checksum, no temp file is left, and every run ended as specified (completed,
or failed with "The engine stopped while this run was active.", never cancelled).

CRASH_SAFETY_FILINGS (default 4, drawn from the smallest 10; 20 takes them all),
CRASH_SAFETY_ROUNDS (default 4) and CRASH_SAFETY_SEED (default 11) scale and vary it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_process import EngineProcess, start_engine, wait_for

from engine.runner.executor import STOPPED_MESSAGE

FILINGS = int(os.environ.get("CRASH_SAFETY_FILINGS", "4"))
ROUNDS = int(os.environ.get("CRASH_SAFETY_ROUNDS", "4"))
SEED = int(os.environ.get("CRASH_SAFETY_SEED", "11"))
LOCAL = "pdf-copilot-local"
RELAY = "relay"
CHILD_EXIT_S = 60.0  # after kill -9 a child may finish the file it holds, no longer
TERMINAL = {"completed", "incomplete", "failed", "cancelled", "expired"}



# --- processes ------------------------------------------------------------------------------

def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, or None once it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0], int(fields[19])


def descendants(pid: int) -> set[tuple[int, int]]:
    """(pid, start time) of every process below `pid`."""
    children: dict[int, list[tuple[int, int]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (info := _stat(int(entry.name))) is not None:
            children.setdefault(info[0], []).append((int(entry.name), info[2]))
    found: set[tuple[int, int]] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child[0])
    return found


def survivors(processes: set[tuple[int, int]]) -> set[tuple[int, int]]:
    alive = set()
    for pid, started in processes:
        info = _stat(pid)
        if info is not None and info[2] == started and info[1] != "Z":
            alive.add((pid, started))
    return alive


def wait_gone(processes: set[tuple[int, int]], seconds: float) -> float:
    started = time.monotonic()
    while survivors(processes) and time.monotonic() - started < seconds:
        time.sleep(0.05)
    assert not survivors(processes), f"children outlived the engine: {survivors(processes)}"
    return time.monotonic() - started


# --- the API and the database ---------------------------------------------------------------

def api(engine: EngineProcess) -> httpx.Client:
    return httpx.Client(base_url=engine.base_url, timeout=60,
                        headers={"Authorization": f"Bearer {engine.api_key}",
                                 "OpenAI-Beta": "assistants=v2"})


def upload(client: httpx.Client, path: Path) -> str:
    response = client.post("/files", data={"purpose": "assistants"},
                           files={"file": (path.name, path.read_bytes(), "application/pdf")})
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def new_run(client: httpx.Client, assistant_id: str, question: str) -> tuple[str, str]:
    thread = client.post("/threads", json={"messages": [{"role": "user", "content": question}]})
    run = client.post(f"/threads/{thread.json()['id']}/runs", json={"assistant_id": assistant_id})
    assert run.status_code == 200, run.text
    return run.json()["thread_id"], run.json()["id"]


def rows(data_dir: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(data_dir / "engine.sqlite3")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def run_states(data_dir: Path) -> dict[str, dict[str, Any]]:
    return {r[0]: json.loads(r[1]) for r in rows(data_dir, "SELECT id, data FROM runs")}


def assert_stopped_cleanly(data_dir: Path) -> None:
    """What a graceful stop may leave: work resumable, nothing failed or cancelled by it."""
    for status, code, message in rows(
            data_dir, "SELECT status, error_code, error_message FROM vector_store_files"):
        assert status in ("in_progress", "completed"), (status, code, message)
    for run in run_states(data_dir).values():
        assert run["status"] in ("queued", "completed", "incomplete", "failed"), run["status"]
        if run["status"] == "failed":
            assert run["last_error"]["message"] == STOPPED_MESSAGE
        if run["status"] == "queued":
            assert run["started_at"] is None


# --- stops ----------------------------------------------------------------------------------

def interrupt(engine: EngineProcess, kind: str, grace: float,
              orphans: set[tuple[int, int]]) -> str:
    """Stop the engine; after kill -9 its children join `orphans`, checked at the end (they
    may finish the file they hold, meanwhile the test goes on)."""
    children = descendants(engine.process.pid)
    started = time.monotonic()
    if kind == "kill":
        engine.process.kill()
        engine.process.wait(timeout=10)
        orphans |= children
        return "kill -9"
    sig = signal.SIGINT if kind == "int" else signal.SIGTERM  # Ctrl-C or a service manager
    engine.process.send_signal(sig)
    engine.process.wait(timeout=grace + 15)
    took = time.monotonic() - started
    assert took < grace + 8, f"{sig.name} took {took:.1f} s with a {grace} s grace period"
    wait_gone(children, 2.0)
    errors = [line for line in engine.stderr_tail(100_000).splitlines()
              if line.startswith("ERROR")]  # the engine's own loggers and uvicorn's
    assert errors == [], engine.stderr_tail()
    assert_stopped_cleanly(engine.data_dir)
    return f"{sig.name}: exited in {took:.1f} s"


@pytest.mark.corpus
def test_kill_9_and_sigterm_at_random_moments_lose_nothing(tmp_path, sec10q_docs):
    rng = random.Random(SEED)
    by_size = sorted(sec10q_docs.glob("*.pdf"), key=lambda p: p.stat().st_size)
    paths = rng.sample(by_size[: max(10, FILINGS)], min(FILINGS, len(by_size)))
    orphans: set[tuple[int, int]] = set()
    began = time.monotonic()
    kinds = [rng.choice(["term", "int"]) if i % 2 else "kill" for i in range(ROUNDS)]
    rng.shuffle(kinds)
    runs: list[tuple[str, str]] = []
    log: list[str] = []
    ids: dict[str, str] = {}
    for number, kind in enumerate(kinds):
        grace = rng.choice([0.5, 3.0])  # too short for a file in flight, or often long enough
        env = {"ENGINE_SHUTDOWN_GRACE_SECONDS": str(grace)}
        with start_engine(tmp_path, env) as engine, api(engine) as client:
            if number == 0:
                file_ids = [upload(client, path) for path in paths]
                store = client.post("/vector_stores", json={"name": "filings"}).json()
                batch = client.post(f"/vector_stores/{store['id']}/file_batches",
                                    json={"file_ids": file_ids}).json()
                assistant = client.post("/assistants", json={
                    "model": LOCAL, "tools": [{"type": "file_search"}],
                    "tool_resources": {"file_search": {"vector_store_ids": [store["id"]]}},
                }).json()
                ids = {"store": store["id"], "batch": batch["id"], "assistant": assistant["id"]}
            counts = client.get(f"/vector_stores/{ids['store']}").json()["file_counts"]
            assert counts["total"] == len(paths) and counts["failed"] == 0, counts
            batch = client.get(f"/vector_stores/{ids['store']}/file_batches/{ids['batch']}").json()
            if counts["in_progress"]:
                assert batch["status"] == "in_progress", batch
            runs.append(new_run(client, ids["assistant"], "What were the net sales?"))
            time.sleep(rng.uniform(0.3, 3.0))
            log.append(f"{time.monotonic() - began:5.1f} s round {number}:"
                       f" {interrupt(engine, kind, grace, orphans)} (grace {grace} s,"
                       f" {counts['completed']}/{len(paths)} files done at its start)")

    with start_engine(tmp_path) as engine, api(engine) as client:
        def indexed() -> dict | None:
            store = client.get(f"/vector_stores/{ids['store']}").json()
            return store if store["file_counts"]["in_progress"] == 0 else None

        store = wait_for(indexed, 240, "the batch to finish after the last restart")
        log.append(f"{time.monotonic() - began:5.1f} s: every file indexed after the last start")
        runs.append(new_run(client, ids["assistant"], "What were the net sales?"))

        def finished() -> list[dict] | None:
            found = [client.get(f"/threads/{t}/runs/{r}").json() for t, r in runs]
            return found if all(run["status"] in TERMINAL for run in found) else None

        final_runs = wait_for(finished, 120, "every run to end")
        counts = store["file_counts"]
        assert counts == {"in_progress": 0, "completed": len(paths), "failed": 0,
                          "cancelled": 0, "total": len(paths)}, counts
        batch = client.get(f"/vector_stores/{ids['store']}/file_batches/{ids['batch']}").json()
        assert batch["status"] == "completed" and batch["file_counts"] == counts

        for run in final_runs:
            steps = client.get(f"/threads/{run['thread_id']}/runs/{run['id']}/steps").json()
            messages = client.get(f"/threads/{run['thread_id']}/messages",
                                  params={"run_id": run["id"]}).json()["data"]
            if run["status"] == "completed":
                assert [m["status"] for m in messages] == ["completed"]
                assert {s["status"] for s in steps["data"]} == {"completed"}
                assert len(steps["data"]) == 2
            else:
                assert run["status"] == "failed", run
                assert run["last_error"]["message"] == STOPPED_MESSAGE
                assert all(m["status"] == "incomplete" for m in messages)
        assert final_runs[-1]["status"] == "completed"

        # The same files indexed afresh (their pages come from the cache) give the same index.
        fresh = client.post("/vector_stores", json={"name": "fresh",
                                                    "file_ids": list(file_ids)}).json()
        wait_for(lambda: client.get(f"/vector_stores/{fresh['id']}").json()["file_counts"][
            "completed"] == len(paths), 240, "the fresh store")
        children = descendants(engine.process.pid)

    data_dir = tmp_path / "data"
    wait_gone(children, 2.0)  # a graceful stop takes its children with it
    wait_gone(orphans, CHILD_EXIT_S)
    assert rows(data_dir, "PRAGMA integrity_check") == [("ok",)]
    rows(data_dir, "INSERT INTO chunks_fts(chunks_fts) VALUES('integrity-check')")
    rows(data_dir, "INSERT INTO titles_fts(titles_fts) VALUES('integrity-check')")
    assert rows(data_dir, "SELECT vector_store_id, file_id, idx FROM chunks"
                " GROUP BY 1, 2, 3 HAVING COUNT(*) > 1") == []
    assert rows(data_dir, "SELECT COUNT(*) FROM chunks") == rows(
        data_dir, "SELECT COUNT(*) FROM chunks_fts")
    assert rows(data_dir, "SELECT COUNT(*) FROM titles_fts") == rows(
        data_dir, "SELECT COUNT(*) FROM vector_store_files")
    per_store = rows(data_dir, "SELECT vsf.file_id, vsf.vector_store_id, vsf.usage_bytes,"
                     " COUNT(c.id) FROM vector_store_files vsf LEFT JOIN chunks c ON"
                     " c.vector_store_id = vsf.vector_store_id AND c.file_id = vsf.file_id"
                     " GROUP BY 1, 2")
    by_file: dict[str, set[tuple[int, int]]] = {}
    for file_id, _, usage, chunks in per_store:
        assert chunks > 0
        by_file.setdefault(file_id, set()).add((usage, chunks))
    assert len(by_file) == len(paths) and all(len(v) == 1 for v in by_file.values()), by_file
    assert rows(data_dir, "SELECT COUNT(*) FROM files") == [(len(paths),)]
    for file_id, sha256 in rows(data_dir, "SELECT id, sha256 FROM files"):
        blob = data_dir / "blobs" / file_id[-2:] / file_id
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == sha256
    assert list((data_dir / "blobs" / ".tmp").iterdir()) == []
    assert {r["status"] for r in run_states(data_dir).values()} <= {"completed", "failed"}
    print("\n".join(log))


# --- a stop during an answer, with a run still waiting for its files ------------------------

@pytest.fixture
def stalled_upstream() -> Iterator[str]:
    """An upstream model that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/v1"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.corpus
def test_sigterm_fails_a_run_mid_answer_and_requeues_one_waiting_for_files(
        tmp_path, sec10q_docs, small_pdf, stalled_upstream):
    grace = 1.0
    env = {"ENGINE_UPSTREAM_BASE_URL": stalled_upstream, "ENGINE_UPSTREAM_API_KEY": "unused",
           "ENGINE_UPSTREAM_MODELS": json.dumps([f"{RELAY}=gpt-x"]),
           "ENGINE_UPSTREAM_TIMEOUT_SECONDS": "120", "ENGINE_INGEST_WORKERS": "1",
           "ENGINE_SHUTDOWN_GRACE_SECONDS": str(grace)}
    with start_engine(tmp_path, env) as engine, api(engine) as client:
        small = upload(client, small_pdf)
        ready = client.post("/vector_stores", json={"name": "ready", "file_ids": [small]}).json()
        wait_for(lambda: client.get(f"/vector_stores/{ready['id']}").json()["file_counts"][
            "completed"] == 1, 60, "the small store")
        relay = client.post("/assistants", json={
            "model": RELAY, "tools": [{"type": "file_search"}],
            "tool_resources": {"file_search": {"vector_store_ids": [ready["id"]]}}}).json()
        answering = new_run(client, relay["id"], "When was the lamp automated?")

        wait_for(lambda: answering_now(client, answering), 30, "the relayed run to answer")

        # One extraction worker and three filings: the run below waits a few seconds at least.
        filings = [upload(client, sec10q_docs / f"{name}.pdf")
                   for name in ("2023 Q1 INTC", "2023 Q2 AAPL", "2022 Q3 AAPL")]
        busy = client.post("/vector_stores", json={"name": "busy", "file_ids": filings}).json()
        local = client.post("/assistants", json={
            "model": LOCAL, "tools": [{"type": "file_search"}],
            "tool_resources": {"file_search": {"vector_store_ids": [busy["id"]]}}}).json()
        waiting = new_run(client, local["id"], "What was Intel's revenue?")
        wait_for(lambda: client.get(f"/threads/{waiting[0]}/runs/{waiting[1]}").json()[
            "status"] == "in_progress", 30, "the waiting run to start")
        assert client.get(f"/vector_stores/{busy['id']}").json()["file_counts"]["in_progress"]
        interrupt(engine, "term", grace, set())

    assert_cut_off(tmp_path / "data", answering[1])
    runs = run_states(tmp_path / "data")
    assert runs[waiting[1]]["status"] == "queued"
    assert rows(tmp_path / "data", "SELECT COUNT(*) FROM run_steps WHERE run_id = ?",
                (waiting[1],)) == [(0,)]

    with start_engine(tmp_path, env) as engine, api(engine) as client:
        done = wait_for(lambda: (r := client.get(f"/threads/{waiting[0]}/runs/{waiting[1]}")
                                 .json())["status"] in TERMINAL and r, 240, "the requeued run")
        assert done["status"] == "completed", done
        assert client.get(f"/vector_stores/{busy['id']}").json()["file_counts"]["completed"] == 3
        again = client.get(f"/threads/{answering[0]}/runs/{answering[1]}").json()
        assert again["status"] == "failed"  # a terminal run never changes
        # kill -9 mid-answer this time: the next start fails the run the same way.
        answering = new_run(client, relay["id"], "Who was the last keeper?")
        wait_for(lambda: answering_now(client, answering), 30, "the second run to answer")
        orphans: set[tuple[int, int]] = set()
        interrupt(engine, "kill", grace, orphans)
    with start_engine(tmp_path, env):
        assert_cut_off(tmp_path / "data", answering[1])
    wait_gone(orphans, CHILD_EXIT_S)


def answering_now(client: httpx.Client, run: tuple[str, str]) -> bool:
    steps = client.get(f"/threads/{run[0]}/runs/{run[1]}/steps").json()["data"]
    return any(step["type"] == "message_creation" for step in steps)


def assert_cut_off(data_dir: Path, run_id: str) -> None:
    """A run stopped mid-answer: failed saying so, its searched step kept, the answer closed."""
    run = run_states(data_dir)[run_id]
    assert run["status"] == "failed" and run["last_error"] == {
        "code": "server_error", "message": STOPPED_MESSAGE}
    messages = rows(data_dir, "SELECT data FROM messages WHERE run_id = ?", (run_id,))
    assert [json.loads(m[0])["incomplete_details"] for m in messages] == [{"reason": "run_failed"}]
    steps = [json.loads(s[0]) for s in rows(data_dir, "SELECT data FROM run_steps WHERE run_id = ?",
                                            (run_id,))]
    assert sorted((s["type"], s["status"]) for s in steps) == [
        ("message_creation", "failed"), ("tool_calls", "completed")]


def test_kill_9_mid_upload_leaves_no_partial_file_after_restart(tmp_path):
    with start_engine(tmp_path) as engine:
        temp_dir = engine.data_dir / "blobs" / ".tmp"
        boundary = "crash-boundary"

        def body() -> Iterator[bytes]:
            yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n"
                   f"assistants\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\";"
                   " filename=\"slow.pdf\"\r\n\r\n").encode()
            for _ in range(600):  # 60 MB over a minute: the kill comes long before the end
                yield b"%" * 100_000
                time.sleep(0.1)

        def send() -> None:
            with pytest.raises(httpx.TransportError):
                httpx.post(engine.base_url + "/files", content=body(), timeout=120, headers={
                    "Authorization": f"Bearer {engine.api_key}",
                    "Content-Type": f"multipart/form-data; boundary={boundary}"})

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        wait_for(lambda: any(p.stat().st_size > 0 for p in temp_dir.iterdir()), 30,
                 "the upload to reach the disk")
        engine.process.kill()
        engine.process.wait()
        sender.join(timeout=30)
        assert list(temp_dir.iterdir()), "the kill should have left a partial upload"
    with start_engine(tmp_path) as engine, api(engine) as client:
        assert list(temp_dir.iterdir()) == []
        assert client.get("/files").json()["data"] == []
