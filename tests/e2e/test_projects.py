"""Projects through a real engine process and the official SDK: two projects' keys never see,
list, search or change each other's objects; the admin API; idempotency; limits; hygiene."""

from __future__ import annotations

import concurrent.futures
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from core.client import OpenAIClient
from tests.engine_process import EngineProcess, start_engine

BETA = {"OpenAI-Beta": "assistants=v2"}
TEXT = ("The Halvorsen bridge opened in 1932 and carries the coastal railway over the fjord. "
        "Its central span is 412 metres long. ") * 10


@dataclass
class Tenant:
    name: str
    key: str
    project_id: str
    sdk: openai.OpenAI
    http: httpx.Client
    ids: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def admin_key() -> str:
    return "sk-admin-test-" + secrets.token_urlsafe(24)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, admin_key: str) -> Iterator[EngineProcess]:
    with start_engine(tmp_path_factory.mktemp("projects"), {"ENGINE_ADMIN_KEY": admin_key}) as e:
        yield e


@pytest.fixture(scope="module")
def admin(engine: EngineProcess, admin_key: str) -> Iterator[OpenAIClient]:
    with OpenAIClient(api_key=admin_key, base_url=engine.base_url) as client:
        yield client


def _wait(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _tenant(engine: EngineProcess, admin: OpenAIClient, name: str) -> Tenant:
    project = admin.create_project(name)
    account = admin.create_project_service_account(project.id, f"{name} app")
    assert account.api_key is not None
    key = account.api_key.value
    sdk = openai.OpenAI(base_url=engine.base_url, api_key=key, max_retries=0)
    http = httpx.Client(base_url=engine.base_url, timeout=60, trust_env=False,
                        headers={"Authorization": f"Bearer {key}", **BETA})
    tenant = Tenant(name, key, project.id, sdk, http)
    ids = tenant.ids
    upload = sdk.files.create(file=(f"{name}-bridge.txt", TEXT.encode()), purpose="assistants")
    ids["file_id"] = upload.id
    store = sdk.vector_stores.create(name=f"{name} store", file_ids=[upload.id])
    ids["vector_store_id"] = store.id
    _wait(lambda: sdk.vector_stores.retrieve(store.id).file_counts.completed == 1)
    spare = sdk.files.create(file=(f"{name}-spare.txt", TEXT.encode()), purpose="assistants")
    ids["spare_file_id"] = spare.id
    batch = sdk.vector_stores.file_batches.create(store.id, file_ids=[spare.id])
    ids["batch_id"] = batch.id
    assistant = sdk.beta.assistants.create(
        model="pdf-copilot-local", name=f"{name} assistant", tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}})
    ids["assistant_id"] = assistant.id
    thread = sdk.beta.threads.create(
        messages=[{"role": "user", "content": "How long is the central span?"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}})
    ids["thread_id"] = thread.id
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id,
                                                poll_interval_ms=100)
    assert run.status == "completed", run.last_error
    ids["run_id"] = run.id
    ids["message_id"] = sdk.beta.threads.messages.list(thread.id).data[0].id
    ids["step_id"] = sdk.beta.threads.runs.steps.list(run.id, thread_id=thread.id).data[0].id
    ids["completion_id"] = sdk.chat.completions.create(
        model="pdf-copilot-local", store=True, metadata={"owner": name},
        messages=[{"role": "system", "content": TEXT},
                  {"role": "user", "content": "How long is the central span?"}]).id
    return tenant


@pytest.fixture(scope="module")
def tenants(engine: EngineProcess, admin: OpenAIClient) -> Iterator[tuple[Tenant, Tenant]]:
    a, b = _tenant(engine, admin, "alice"), _tenant(engine, admin, "bob")
    yield a, b
    a.http.close()
    b.http.close()


# --- every route of /openapi.json, across the boundary -----------------------------------

# Bodies that pass validation, so what answers is the ownership check (a 404), not a 400.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/vector_stores/{vector_store_id}/search"): {"query": "span"},
    ("POST", "/v1/vector_stores/{vector_store_id}/files"): {"file_id": "{own_file_id}"},
    ("POST", "/v1/vector_stores/{vector_store_id}/file_batches"): {"file_ids": ["{own_file_id}"]},
    ("POST", "/v1/threads/{thread_id}/messages"): {"role": "user", "content": "hello"},
    ("POST", "/v1/threads/{thread_id}/runs"): {"assistant_id": "{own_assistant_id}"},
    ("POST", "/v1/vector_stores/{vector_store_id}/files/{file_id}"): {"attributes": {"a": "b"}},
    ("POST", "/v1/chat/completions/{completion_id}"): {"metadata": {"a": "b"}},
}
# Routes whose objects belong to no project (models) or to the admin (organization).
UNSCOPED = ("/v1/models/{model_id}",)
# Creates whose body names another project's object: each must answer 404 too.
FOREIGN_REFERENCES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/vector_stores", {"name": "x", "file_ids": ["{file_id}"]}),
    ("POST", "/assistants", {"model": "pdf-copilot-local",
                             "tool_resources": {"file_search": {"vector_store_ids": [
                                 "{vector_store_id}"]}}}),
    ("POST", "/assistants/{own_assistant_id}", {"tool_resources": {"file_search": {
        "vector_store_ids": ["{vector_store_id}"]}}}),
    ("POST", "/threads", {"messages": [{"role": "user", "content": "hi", "attachments": [
        {"file_id": "{file_id}", "tools": [{"type": "file_search"}]}]}]}),
    ("POST", "/threads", {"tool_resources": {"file_search": {"vector_store_ids": [
        "{vector_store_id}"]}}}),
    ("POST", "/threads/{own_thread_id}", {"tool_resources": {"file_search": {
        "vector_store_ids": ["{vector_store_id}"]}}}),
    ("POST", "/threads/runs", {"assistant_id": "{assistant_id}"}),
    ("POST", "/threads/{own_thread_id}/runs", {"assistant_id": "{assistant_id}"}),
    ("POST", "/vector_stores/{own_vector_store_id}/files", {"file_id": "{file_id}"}),
    ("POST", "/vector_stores/{own_vector_store_id}/file_batches", {"file_ids": ["{file_id}"]}),
]


def _fill(template: Any, own: dict[str, str], other: dict[str, str]) -> Any:
    if isinstance(template, str):
        for name, value in own.items():
            template = template.replace("{own_" + name + "}", value)
        for name, value in other.items():
            template = template.replace("{" + name + "}", value)
        return template
    if isinstance(template, list):
        return [_fill(item, own, other) for item in template]
    if isinstance(template, dict):
        return {key: _fill(value, own, other) for key, value in template.items()}
    return template


def _routes(engine: EngineProcess) -> list[tuple[str, str]]:
    schema = httpx.get(f"{engine.root_url}/openapi.json").json()
    return [(method.upper(), path) for path, item in schema["paths"].items()
            for method in item if path.startswith("/v1/")]


def test_every_route_with_an_id_answers_404_for_another_projects_object(engine, tenants):
    a, b = tenants
    checked = 0
    for method, path in _routes(engine):
        if "{" not in path or path in UNSCOPED or path.startswith("/v1/organization"):
            continue
        url = _fill(path, {}, b.ids).removeprefix("/v1")
        assert "{" not in url, f"{path}: no id of this kind in the fixture; add one"
        body = _fill(BODIES.get((method, path), {}), a.ids, b.ids) if method == "POST" else None
        response = a.http.request(method, url, json=body)
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        error = response.json()["error"]
        assert error["code"] == "not_found" and b.name not in response.text
        checked += 1
    assert checked >= 30
    # B's objects are all still there and unchanged.
    assert b.sdk.files.retrieve(b.ids["file_id"]).filename == "bob-bridge.txt"
    assert b.sdk.beta.threads.messages.list(b.ids["thread_id"]).data[0].id == b.ids["message_id"]
    assert b.sdk.vector_stores.files.retrieve(
        b.ids["file_id"], vector_store_id=b.ids["vector_store_id"]).attributes in ({}, None)


def test_every_list_shows_only_the_callers_objects(engine, tenants):
    a, b = tenants
    lists = [path for method, path in _routes(engine)
             if method == "GET" and "{" not in path and not path.startswith("/v1/organization")
             and path not in ("/v1/models",)]
    assert set(lists) >= {"/v1/files", "/v1/vector_stores", "/v1/assistants", "/v1/threads"}
    b_ids = set(b.ids.values())
    for path in lists:
        response = a.http.get(path.removeprefix("/v1"), params={"limit": 100})
        assert response.status_code == 200, (path, response.text)
        seen = {item["id"] for item in response.json()["data"]}
        assert seen and not seen & b_ids, path
    # Lists under an object of one's own never show the other's, either.
    own = a.http.get(f"/vector_stores/{a.ids['vector_store_id']}/files").json()["data"]
    assert {f["id"] for f in own} <= {a.ids["file_id"], a.ids["spare_file_id"]}


def test_the_sdk_sees_another_projects_objects_as_absent(tenants):
    a, b = tenants
    calls = [
        lambda: a.sdk.files.retrieve(b.ids["file_id"]),
        lambda: a.sdk.files.content(b.ids["file_id"]),
        lambda: a.sdk.files.delete(b.ids["file_id"]),
        lambda: a.sdk.vector_stores.retrieve(b.ids["vector_store_id"]),
        lambda: a.sdk.vector_stores.update(b.ids["vector_store_id"], name="mine now"),
        lambda: a.sdk.vector_stores.search(b.ids["vector_store_id"], query="span"),
        lambda: a.sdk.vector_stores.delete(b.ids["vector_store_id"]),
        lambda: a.sdk.beta.assistants.retrieve(b.ids["assistant_id"]),
        lambda: a.sdk.beta.assistants.update(b.ids["assistant_id"], name="mine"),
        lambda: a.sdk.beta.threads.retrieve(b.ids["thread_id"]),
        lambda: a.sdk.beta.threads.messages.list(b.ids["thread_id"]),
        lambda: a.sdk.beta.threads.runs.retrieve(b.ids["run_id"], thread_id=b.ids["thread_id"]),
        lambda: a.sdk.beta.threads.delete(b.ids["thread_id"]),
    ]
    for call in calls:
        with pytest.raises(openai.NotFoundError):
            call()
    for method, path, body in FOREIGN_REFERENCES:
        url = _fill(path, a.ids, b.ids)
        response = a.http.request(method, url, json=_fill(body, a.ids, b.ids))
        assert response.status_code == 404, (path, body, response.text)
    # Search with A's key over A's store finds A's text only; B's store is untouched.
    hits = a.sdk.vector_stores.search(a.ids["vector_store_id"], query="central span").data
    assert hits and {h.file_id for h in hits} <= {a.ids["file_id"], a.ids["spare_file_id"]}
    assert b.sdk.vector_stores.retrieve(b.ids["vector_store_id"]).name == "bob store"


def test_stored_chat_completions_are_the_projects_own(tenants):
    a, b = tenants
    theirs = b.ids["completion_id"]
    for call in (lambda: a.sdk.chat.completions.retrieve(theirs),
                 lambda: a.sdk.chat.completions.update(theirs, metadata={"owner": "alice"}),
                 lambda: a.sdk.chat.completions.messages.list(theirs),
                 lambda: a.sdk.chat.completions.delete(theirs)):
        with pytest.raises(openai.NotFoundError):
            call()
    seen = {c.id for c in a.sdk.chat.completions.list(limit=100)}
    assert a.ids["completion_id"] in seen and theirs not in seen
    assert a.sdk.chat.completions.list(metadata={"owner": "bob"}).data == []
    kept = b.sdk.chat.completions.retrieve(theirs)
    assert kept.metadata == {"owner": "bob"}
    assert len(b.sdk.chat.completions.messages.list(theirs).data) == 2


def test_a_project_key_cannot_name_another_project_or_use_the_admin_api(engine, tenants):
    a, b = tenants
    response = a.http.get("/files", headers={"OpenAI-Project": b.project_id})
    assert response.status_code == 403 and response.json()["error"]["code"] == "project_mismatch"
    for method, path in _routes(engine):
        if path.startswith("/v1/organization"):
            url = path.replace("{project_id}", b.project_id).replace("{", "").replace("}", "")
            response = a.http.request(method, url.removeprefix("/v1"), json={"name": "x"})
            assert response.status_code == 403, (method, path, response.text)
    default = httpx.get(f"{engine.base_url}/organization/projects",
                        headers={"Authorization": f"Bearer {engine.api_key}"})
    assert default.status_code == 403


def test_admin_manages_projects_and_keys(engine, admin, tenants):
    a, _ = tenants
    names = {p.name for p in admin.get_projects(limit=100).data}
    assert {"Default project", "alice", "bob"} <= names
    keys = admin.get_project_api_keys(a.project_id).data
    assert len(keys) == 1 and a.key not in keys[0].redacted_value
    assert keys[0].redacted_value.startswith(a.key[:6]) and keys[0].last_used_at
    # Keys are stored as digests only.
    import sqlite3
    db = sqlite3.connect(engine.data_dir / "engine.sqlite3")
    dump = "\n".join(db.iterdump())
    assert a.key not in dump
    # A second key works; revoking it stops it at once; the first keeps working.
    extra = admin.create_project_service_account(a.project_id, "extra")
    assert extra.api_key is not None
    value = extra.api_key.value
    extra_http = {"Authorization": f"Bearer {value}"}
    assert httpx.get(f"{engine.base_url}/files", headers=extra_http).status_code == 200
    admin.delete_project_api_key(a.project_id, extra.api_key.id)
    assert httpx.get(f"{engine.base_url}/files", headers=extra_http).status_code == 401
    assert a.http.get("/files").status_code == 200
    # The admin key acts in a project named by OpenAI-Project and sees its objects.
    as_admin = httpx.get(f"{engine.base_url}/files", headers={
        "Authorization": f"Bearer {admin._api_key}", "OpenAI-Project": a.project_id})
    assert a.ids["file_id"] in {f["id"] for f in as_admin.json()["data"]}
    # An archived project's keys stop working.
    doomed = admin.create_project("doomed")
    account = admin.create_project_service_account(doomed.id, "x")
    assert account.api_key is not None
    doomed_http = {"Authorization": f"Bearer {account.api_key.value}"}
    assert httpx.get(f"{engine.base_url}/files", headers=doomed_http).status_code == 200
    assert admin.archive_project(doomed.id).status == "archived"
    assert httpx.get(f"{engine.base_url}/files", headers=doomed_http).status_code == 401
    assert "doomed" not in {p.name for p in admin.get_projects(limit=100).data}
    assert "doomed" in {p.name for p in admin.get_projects(limit=100, include_archived=True).data}


def test_the_old_key_keeps_the_default_project(engine, tenants):
    a, _ = tenants
    default = openai.OpenAI(base_url=engine.base_url, api_key=engine.api_key, max_retries=0)
    made = default.files.create(file=("default.txt", b"default project text"),
                                purpose="assistants")
    assert made.id in {f.id for f in default.files.list().data}
    with pytest.raises(openai.NotFoundError):
        a.sdk.files.retrieve(made.id)


# --- idempotency --------------------------------------------------------------------------


def test_idempotent_replay_needs_the_key_and_the_same_project(engine, tenants):
    a, b = tenants
    key = {"Idempotency-Key": "idem-" + secrets.token_hex(8)}
    body = {"model": "pdf-copilot-local", "instructions": "secret instructions of alice"}
    first = a.http.post("/assistants", json=body, headers=key)
    assert first.status_code == 200
    again = a.http.post("/assistants", json=body, headers=key)
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("idempotent-replayed") == "true"
    stranger = httpx.post(f"{engine.base_url}/assistants", json=body, headers={**key, **BETA})
    assert stranger.status_code == 401 and "secret instructions" not in stranger.text
    other = b.http.post("/assistants", json=body, headers=key)
    assert other.status_code == 200 and other.json()["id"] != first.json()["id"]


def test_the_same_key_with_another_body_is_refused(tenants):
    a, _ = tenants
    key = {"Idempotency-Key": "idem-" + secrets.token_hex(8)}
    assert a.http.post("/assistants", json={"model": "pdf-copilot-local", "name": "one"},
                       headers=key).status_code == 200
    response = a.http.post("/assistants", json={"model": "pdf-copilot-local", "name": "two"},
                           headers=key)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "idempotency_key_reused" and "different request body" in error["message"]


def test_twenty_concurrent_duplicates_make_one_object(engine, tenants):
    a, _ = tenants
    name = "concurrent-" + secrets.token_hex(4)
    key = {"Idempotency-Key": "idem-" + secrets.token_hex(8), **BETA,
           "Authorization": f"Bearer {a.key}"}
    body = {"model": "pdf-copilot-local", "name": name}

    def post(_: int) -> tuple[int, str]:
        response = httpx.post(f"{engine.base_url}/assistants", json=body, headers=key, timeout=60)
        return response.status_code, response.json().get("id", "")

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(post, range(20)))
    assert {status for status, _ in answers} == {200}
    assert len({ident for _, ident in answers}) == 1
    made = [x for x in a.sdk.beta.assistants.list(limit=100).data if x.name == name]
    assert len(made) == 1


# --- limits and hygiene ----------------------------------------------------------------


@pytest.mark.parametrize(("path", "body", "param"), [
    ("/assistants", {"model": "pdf-copilot-local",
                     "metadata": {f"k{i}": "v" for i in range(17)}}, "metadata"),
    ("/assistants", {"model": "pdf-copilot-local", "metadata": {"k" * 65: "v"}}, "metadata"),
    ("/vector_stores", {"metadata": {"k": "v" * 513}}, "metadata.k"),
    ("/threads", {"messages": [{"role": "user", "content": "x" * 256_001}]},
     "messages[0].content"),
    ("/assistants", {"model": "pdf-copilot-local", "instructions": "x" * 256_001},
     "instructions"),
    ("/threads/{thread_id}/messages", {"role": "user", "content": "x" * 256_001}, "content"),
    ("/threads/{thread_id}/runs", {"assistant_id": "{assistant_id}",
                                   "additional_instructions": "x" * 256_001},
     "additional_instructions"),
    ("/vector_stores/{vector_store_id}/files/{file_id}",
     {"attributes": {f"a{i}": "v" for i in range(17)}}, "attributes"),
])
def test_bodies_over_openais_limits_are_400_naming_the_param(tenants, path, body, param):
    a, _ = tenants
    response = a.http.post(_fill(path, {}, a.ids), json=_fill(body, {}, a.ids))
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param


def test_limits_at_the_edge_pass(tenants):
    a, _ = tenants
    response = a.http.post("/assistants", json={
        "model": "pdf-copilot-local", "metadata": {f"{i:02d}" + "k" * 62: "v" * 512
                                                   for i in range(16)}})
    assert response.status_code == 200, response.text


def test_the_key_is_checked_before_the_body_is_read(engine):
    garbage = b"{not json"
    response = httpx.post(f"{engine.base_url}/assistants", content=garbage,
                          headers={"content-type": "application/json", **BETA})
    assert response.status_code == 401
    with_key = httpx.post(f"{engine.base_url}/assistants", content=garbage, headers={
        "content-type": "application/json", "Authorization": f"Bearer {engine.api_key}", **BETA})
    assert with_key.status_code == 400 and with_key.json()["error"]["code"] == "invalid_json"


def test_a_key_in_the_url_is_refused_and_never_logged(engine):
    response = httpx.get(f"{engine.base_url}/files", params={"api_key": engine.api_key})
    assert response.status_code == 403 and response.json()["error"]["code"] == "key_in_url"
    assert engine.api_key not in response.text
    time.sleep(0.3)
    logs = engine.stderr_path.read_text() + engine.stdout_path.read_text()
    assert "/v1/files?api_key=***" in logs
    assert engine.api_key not in logs


def test_the_data_folder_and_database_are_the_owners_only(engine):
    assert stat.S_IMODE(os.stat(engine.data_dir).st_mode) == 0o700
    for name in ("engine.sqlite3", "engine.sqlite3-wal"):
        path: Path = engine.data_dir / name
        if path.exists():
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, name
    blobs = [p for p in (engine.data_dir / "blobs").rglob("*") if p.is_file()]
    assert blobs and all(stat.S_IMODE(os.stat(p).st_mode) & 0o077 == 0 for p in blobs)


def test_no_key_in_error_messages(tenants):
    a, _ = tenants
    response = a.http.get("/files/nope")
    assert a.key not in response.text and not re.search(r"sk-[\w-]{20,}", response.text)


def test_stored_answers_expire_and_go_with_the_objects_they_name(tmp_path):
    from fastapi.testclient import TestClient

    from engine.app import create_app
    from engine.settings import EngineSettings

    app = create_app(EngineSettings(data_dir=tmp_path, api_key="k", idempotency_ttl_seconds=60))
    db = app.state.engine.db
    headers = {"Authorization": "Bearer k", **BETA}
    with TestClient(app, headers=headers) as client:
        upload = client.post("/v1/files", data={"purpose": "assistants"},
                             files={"file": ("bridge.txt", TEXT.encode(), "text/plain")}).json()
        store = client.post("/v1/vector_stores", json={"file_ids": [upload["id"]]},
                            headers={"Idempotency-Key": "store-1"}).json()
        _wait(lambda: client.get(f"/v1/vector_stores/{store['id']}").json()
              ["file_counts"]["completed"] == 1)
        search = client.post(f"/v1/vector_stores/{store['id']}/search",
                             json={"query": "central span"}, headers={"Idempotency-Key": "s-1"})
        assert "412 metres" in search.text

        def stored_texts() -> str:
            return " ".join(bytes(r[0]).decode() for r in db.read().execute(
                "SELECT body FROM idempotency WHERE body IS NOT NULL"))

        assert "412 metres" in stored_texts()
        assert client.delete(f"/v1/files/{upload['id']}").status_code == 200
        assert "412 metres" not in stored_texts()  # the search answer went with the file
        assert store["id"] in stored_texts()
        assert client.delete(f"/v1/vector_stores/{store['id']}").status_code == 200
        assert store["id"] not in stored_texts()
        # Expiry: a day-old (here: a minute-old) answer is not replayed, the request runs again.
        first = client.post("/v1/assistants", json={"model": "pdf-copilot-local"},
                            headers={"Idempotency-Key": "a-1"}).json()
        with db.write() as conn:
            conn.execute("UPDATE idempotency SET created_at = created_at - 61")
        again = client.post("/v1/assistants", json={"model": "pdf-copilot-local"},
                            headers={"Idempotency-Key": "a-1"}).json()
        assert again["id"] != first["id"]
        assert db.read().execute("SELECT COUNT(*) FROM idempotency").fetchone()[0] == 1


def test_a_streamed_answer_is_not_run_twice(tmp_path):
    from fastapi.testclient import TestClient

    from engine.app import create_app
    from engine.settings import EngineSettings

    app = create_app(EngineSettings(data_dir=tmp_path, api_key="k"))
    headers = {"Authorization": "Bearer k", **BETA, "Idempotency-Key": "stream-1"}
    with TestClient(app, headers={"Authorization": "Bearer k", **BETA}) as client:
        assistant = client.post("/v1/assistants", json={"model": "pdf-copilot-local"}).json()
        body = {"assistant_id": assistant["id"], "stream": True,
                "thread": {"messages": [{"role": "user", "content": "hello"}]}}
        first = client.post("/v1/threads/runs", json=body, headers=headers)
        assert first.status_code == 200 and "thread.run.completed" in first.text
        second = client.post("/v1/threads/runs", json=body, headers=headers)
        assert second.status_code == 409
        assert second.json()["error"]["code"] == "idempotency_stream_replay"
        assert len(client.get("/v1/threads").json()["data"]) == 1
