"""Stored chat completions (`store: true`) through the official SDK against a real engine:
create, list (model / metadata filters, cursor, order), retrieve, update, delete, messages;
every body held to the spec. (Per-project isolation: tests/e2e/test_projects.py.)"""

from __future__ import annotations

import uuid

import httpx
import pytest
from conformance import assert_conforms
from wire import api_error, conforming, http_error

MODEL = "pdf-copilot-local"
PARAGRAPH = ("The Northcape lighthouse was built in 1871 from granite quarried on the island. "
             "In 1994 the lamp was automated and the last keeper, Ingrid Solberg, left.")


def ask(client, question: str, **params):
    return client.chat.completions.create(model=MODEL, messages=[
        {"role": "system", "content": PARAGRAPH}, {"role": "user", "content": question}],
        **params)


def conforming_messages(body: dict) -> None:
    """ChatCompletionMessageList, except that the spec's item schema (the assistant's response
    message) allows only role 'assistant', while the list holds the request's own messages
    (system, user…), as OpenAI's own example shows: roles are checked apart."""
    roles = [item["role"] for item in body["data"]]
    assert_conforms({**body, "data": [{**item, "role": "assistant"} for item in body["data"]]},
                    "ChatCompletionMessageList")
    assert set(roles) <= {"system", "developer", "user", "assistant", "tool"}


def test_a_stored_completion_is_listed_retrieved_updated_and_deleted(openai_client, http):
    tag = uuid.uuid4().hex[:12]
    raw = openai_client.chat.completions.with_raw_response.create(
        model=MODEL, store=True, metadata={"run": tag, "kind": "first"},
        messages=[{"role": "system", "content": PARAGRAPH},
                  {"role": "user", "content": [{"type": "text", "text": "When was the lamp"},
                                               {"type": "text", "text": "automated?"}]}])
    created = conforming(raw, "CreateChatCompletionResponse")
    assert created["metadata"] == {"run": tag, "kind": "first"}
    second = ask(openai_client, "Who was the last keeper?", store=True,
                 metadata={"run": tag, "kind": "second"})
    unstored = ask(openai_client, "When was it built?")  # store defaults to false

    got = conforming(openai_client.chat.completions.with_raw_response.retrieve(created["id"]),
                     "CreateChatCompletionResponse")
    assert got == created
    api_error(lambda: openai_client.chat.completions.retrieve(unstored.id), 404)

    listed = http.get("/chat/completions", params={"metadata[run]": tag})
    body = listed.json()
    assert_conforms(body, "ChatCompletionList")
    assert [c["id"] for c in body["data"]] == [created["id"], second.id]  # oldest first
    assert not body["has_more"]
    sdk_page = openai_client.chat.completions.list(metadata={"run": tag, "kind": "second"})
    assert [c.id for c in sdk_page.data] == [second.id]
    newest = openai_client.chat.completions.list(metadata={"run": tag}, order="desc", limit=1)
    assert [c.id for c in newest.data] == [second.id] and newest.has_more
    after = openai_client.chat.completions.list(metadata={"run": tag}, after=created["id"])
    assert [c.id for c in after.data] == [second.id]
    assert openai_client.chat.completions.list(model="no-such-model").data == []
    assert {c.id for c in openai_client.chat.completions.list(model=MODEL, limit=100)} >= {
        created["id"], second.id}

    updated = conforming(openai_client.chat.completions.with_raw_response.update(
        created["id"], metadata={"run": tag, "kind": "edited"}), "CreateChatCompletionResponse")
    assert updated["metadata"] == {"run": tag, "kind": "edited"}
    assert openai_client.chat.completions.retrieve(created["id"]).metadata["kind"] == "edited"
    assert [c.id for c in openai_client.chat.completions.list(
        metadata={"run": tag, "kind": "edited"})] == [created["id"]]

    messages = http.get(f"/chat/completions/{created['id']}/messages").json()
    conforming_messages(messages)
    assert [m["id"] for m in messages["data"]] == [f"{created['id']}-0", f"{created['id']}-1"]
    system, user = messages["data"]
    assert (system["role"], system["content"], system["content_parts"]) == (
        "system", PARAGRAPH, None)
    assert user["role"] == "user" and user["content"] == "When was the lamp\nautomated?"
    assert [p["text"] for p in user["content_parts"]] == ["When was the lamp", "automated?"]
    sdk_messages = openai_client.chat.completions.messages.list(created["id"], order="desc",
                                                                limit=1)
    assert [m.id for m in sdk_messages.data] == [user["id"]] and sdk_messages.has_more

    deleted = conforming(openai_client.chat.completions.with_raw_response.delete(created["id"]),
                         "ChatCompletionDeleted")
    assert deleted == {"object": "chat.completion.deleted", "id": created["id"], "deleted": True}
    api_error(lambda: openai_client.chat.completions.retrieve(created["id"]), 404)
    api_error(lambda: openai_client.chat.completions.messages.list(created["id"]), 404)
    api_error(lambda: openai_client.chat.completions.delete(created["id"]), 404)
    assert [c.id for c in openai_client.chat.completions.list(metadata={"run": tag})] == [
        second.id]


def test_a_streamed_completion_is_stored_whole(openai_client, http):
    tag = uuid.uuid4().hex[:12]
    with http.stream("POST", "/chat/completions", json={
            "model": MODEL, "stream": True, "store": True, "metadata": {"run": tag},
            "messages": [{"role": "system", "content": PARAGRAPH},
                         {"role": "user", "content": "Who was the last keeper?"}]}) as response:
        assert response.status_code == 200
        text = "".join(response.iter_text())
    stored = openai_client.chat.completions.list(metadata={"run": tag}).data
    assert len(stored) == 1 and stored[0].id in text
    assert "Ingrid Solberg" in (stored[0].choices[0].message.content or "")


@pytest.mark.parametrize("body, param", [
    ({"store": "yes"}, "store"),
    ({"store": True, "metadata": {"k": 1}}, "metadata.k"),
    ({"store": True, "metadata": {f"k{i}": "v" for i in range(17)}}, "metadata"),
])
def test_bad_store_options_are_400_naming_the_param(http, body, param):
    response = http.post("/chat/completions", json={
        "model": MODEL, "messages": [{"role": "user", "content": "Hi"}], **body})
    assert http_error(response, 400)["param"] == param


def test_a_bad_cursor_and_an_update_without_metadata_are_400(openai_client, http):
    stored = ask(openai_client, "When was it built?", store=True)
    assert http_error(http.get("/chat/completions", params={"after": "chatcmpl-nope"}),
                      400)["param"] == "after"
    assert http_error(http.post(f"/chat/completions/{stored.id}", json={}), 400)["param"] == (
        "metadata")
    assert isinstance(http, httpx.Client)
