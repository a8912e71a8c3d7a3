"""A run's answer, its steps and its terminal status commit together.

kill -9 can strike between any two commits, so every committed state must be one a restart can
live with. The real engine (in process, real SQLite) is watched at each commit of its writer:
no state may show an answered message under a run that is not finished, nor a finished run
without its answer.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from engine.app import create_app
from engine.settings import EngineSettings

BETA = {"OpenAI-Beta": "assistants=v2"}
TEXT = ("The Northcape lighthouse was built in 1871 from granite quarried on the island. "
        "In 1994 the lamp was automated and the last keeper, Ingrid Solberg, left the island. ")


def inconsistencies(path: Path) -> list[str]:
    """What a restart from this committed state would get wrong."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN")  # one snapshot
        runs = {r[0]: json.loads(r[1]) for r in conn.execute("SELECT id, data FROM runs")}
        messages = [json.loads(r[0]) for r in conn.execute(
            "SELECT data FROM messages WHERE run_id IS NOT NULL")]
        steps = [json.loads(r[0]) for r in conn.execute("SELECT data FROM run_steps")]
        conn.execute("COMMIT")
    finally:
        conn.close()
    problems = []
    finished = {"completed", "incomplete"}
    for message in messages:
        run = runs[message["run_id"]]
        answered = message["status"] == "completed" or (
            message["status"] == "incomplete"
            and (message["incomplete_details"] or {}).get("reason") == "max_tokens")
        if answered and run["status"] not in finished:
            problems.append(f"{run['id']} is {run['status']} with an answered message")
        if run["status"] in finished and not answered:
            problems.append(f"{run['id']} is {run['status']} but its message is"
                            f" {message['status']}")
    for step in steps:
        if runs[step["run_id"]]["status"] in finished and step["status"] != "completed":
            problems.append(f"{step['run_id']} is finished with a step {step['status']}")
    return problems


@contextmanager
def watched_engine(tmp_path: Path) -> Iterator[tuple[TestClient, list[str], list[int]]]:
    app = create_app(EngineSettings(data_dir=tmp_path, api_key="k"))
    db = app.state.engine.db
    problems: list[str] = []
    commits = [0]
    write = db.write

    @contextmanager
    def checked_write() -> Iterator[sqlite3.Connection]:
        with write() as conn:
            yield conn
        if not conn.in_transaction:  # the outermost block: this was a commit
            commits[0] += 1
            problems.extend(inconsistencies(db.path))

    db.write = checked_write  # every writer of the engine goes through this instance
    with TestClient(app, headers={"Authorization": "Bearer k", **BETA}) as client:
        yield client, problems, commits


def test_every_commit_of_a_run_leaves_a_state_a_restart_can_live_with(tmp_path):
    with watched_engine(tmp_path) as (client, problems, commits):
        file_id = client.post("/v1/files", data={"purpose": "assistants"},
                              files={"file": ("lighthouse.txt", TEXT.encode() * 40)}).json()["id"]
        store = client.post("/v1/vector_stores", json={"name": "s", "file_ids": [file_id]}).json()
        assistant = client.post("/v1/assistants", json={
            "model": "pdf-copilot-local", "tools": [{"type": "file_search"}],
            "tool_resources": {"file_search": {"vector_store_ids": [store["id"]]}}}).json()
        runs = []
        for limit in (None, 256, None):
            thread = client.post("/v1/threads", json={"messages": [
                {"role": "user", "content": "When was the lamp automated?"}]}).json()
            body = {"assistant_id": assistant["id"]}
            if limit:
                body["max_completion_tokens"] = limit
            runs.append(client.post(f"/v1/threads/{thread['id']}/runs", json=body).json())
        deadline = time.monotonic() + 60
        states: list[str] = []
        while time.monotonic() < deadline:
            states = [client.get(f"/v1/threads/{r['thread_id']}/runs/{r['id']}").json()["status"]
                      for r in runs]
            if all(s not in ("queued", "in_progress") for s in states):
                break
            time.sleep(0.05)
        assert set(states) <= {"completed", "incomplete"} and "completed" in states, states
        answer = client.get(f"/v1/threads/{runs[0]['thread_id']}/messages").json()["data"][0]
        assert "1994" in answer["content"][0]["text"]["value"]
    assert commits[0] > 10
    assert problems == []
