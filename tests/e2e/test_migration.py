"""A database made by the release before projects (commit dcd89a4) opens with this engine, lands
in the default project and keeps working with its old key."""

from __future__ import annotations

import io
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import httpx
import openai
import pytest

from tests.engine_process import PROJECT_ROOT, _free_port, _stop, start_engine

RELEASE = "dcd89a4"
BETA = {"OpenAI-Beta": "assistants=v2"}


def _old_release(target: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is needed to check out the previous release")
    archive = subprocess.run(["git", "-C", str(PROJECT_ROOT), "archive", RELEASE, "engine", "core"],
                             capture_output=True)
    if archive.returncode != 0:
        pytest.skip(f"commit {RELEASE} is not in this repository: {archive.stderr.decode()[:200]}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


def _run_old_engine(tree: Path, data_dir: Path, key: str) -> dict[str, str]:
    """Start the old release on data_dir, make one of everything, stop it; return the ids."""
    port = _free_port()
    env = {**os.environ, "ENGINE_API_KEY": key, "PYTHONPATH": str(tree)}
    env.pop("ENGINE_ADMIN_KEY", None)
    log = (data_dir.parent / "old-engine.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "engine", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(data_dir)], cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base.removesuffix('/v1')}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "old engine failed"
            time.sleep(0.2)
        sdk = openai.OpenAI(base_url=base, api_key=key, max_retries=0)
        upload = sdk.files.create(file=("old.txt", b"The old lighthouse is 41 metres tall. " * 20),
                                  purpose="assistants")
        store = sdk.vector_stores.create(name="old store", file_ids=[upload.id])
        while sdk.vector_stores.retrieve(store.id).file_counts.completed != 1:
            time.sleep(0.1)
        assistant = sdk.beta.assistants.create(model="pdf-copilot-local", name="old assistant",
                                               tools=[{"type": "file_search"}])
        thread = sdk.beta.threads.create(
            messages=[{"role": "user", "content": "How tall is the lighthouse?"}],
            tool_resources={"file_search": {"vector_store_ids": [store.id]}})
        # The old table of stored answers holds a row; the migration must not trip over it.
        httpx.post(f"{base}/assistants", json={"model": "pdf-copilot-local"},
                   headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "old", **BETA})
        return {"file": upload.id, "store": store.id, "assistant": assistant.id,
                "thread": thread.id}
    finally:
        _stop(process)
        log.close()


def test_a_database_of_the_previous_release_lands_in_the_default_project(tmp_path):
    tree = _old_release(tmp_path / "release")
    key = "sk-old-" + secrets.token_urlsafe(16)
    data_dir = tmp_path / "engine" / "data"
    data_dir.mkdir(parents=True)
    ids = _run_old_engine(tree, data_dir, key)
    admin_key = "sk-admin-" + secrets.token_urlsafe(16)
    with start_engine(tmp_path / "engine", {"ENGINE_API_KEY": key,
                                            "ENGINE_ADMIN_KEY": admin_key}) as engine:
        sdk = openai.OpenAI(base_url=engine.base_url, api_key=key, max_retries=0)
        assert sdk.files.retrieve(ids["file"]).filename == "old.txt"
        assert ids["store"] in {s.id for s in sdk.vector_stores.list().data}
        hits = sdk.vector_stores.search(ids["store"], query="lighthouse tall").data
        assert hits and hits[0].file_id == ids["file"]
        run = sdk.beta.threads.runs.create_and_poll(thread_id=ids["thread"],
                                                    assistant_id=ids["assistant"],
                                                    poll_interval_ms=100)
        assert run.status == "completed"
        answer = sdk.beta.threads.messages.list(ids["thread"]).data[0]
        assert "41 metres" in answer.content[0].text.value  # type: ignore[union-attr]
        # The objects are the default project's: the admin sees them there, and a new
        # project's key does not see them at all.
        admin = {"Authorization": f"Bearer {admin_key}"}
        projects = httpx.get(f"{engine.base_url}/organization/projects", headers=admin).json()
        assert [p["id"] for p in projects["data"]] == ["proj_default"]
        in_default = httpx.get(f"{engine.base_url}/files", headers={
            **admin, "OpenAI-Project": "proj_default"}).json()
        assert ids["file"] in {f["id"] for f in in_default["data"]}
        other = httpx.post(f"{engine.base_url}/organization/projects", json={"name": "new"},
                           headers=admin).json()
        account = httpx.post(f"{engine.base_url}/organization/projects/{other['id']}"
                             "/service_accounts", json={"name": "n"}, headers=admin).json()
        stranger = openai.OpenAI(base_url=engine.base_url, api_key=account["api_key"]["value"],
                                 max_retries=0)
        assert stranger.files.list().data == []
        with pytest.raises(openai.NotFoundError):
            stranger.beta.threads.retrieve(ids["thread"])
