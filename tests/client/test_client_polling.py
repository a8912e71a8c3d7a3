"""wait_for_* helpers: terminal sets, `openai-poll-after-ms`, and the time-out error.

The transport is scripted because the statuses an object passes through, the server's poll
advice and a run that never ends are timing faults the engine does not produce on demand.
"""

from __future__ import annotations

import pytest
from scripted import json_reply, run_json, vector_store_json

from core.errors import PollingTimeoutError


def test_a_run_is_polled_until_requires_action(scripted, sleeps):
    client, server = scripted(
        json_reply(200, run_json("queued")),
        json_reply(200, run_json("in_progress")),
        json_reply(200, run_json("requires_action")),
        json_reply(200, run_json("completed")),
        polling_interval_seconds=0.5,
    )
    run = client.wait_for_run_to_complete("thread_1", "run_1")
    assert run.status == "requires_action"
    assert len(server.requests) == 3 and sleeps == [0.5, 0.5]


@pytest.mark.parametrize("status", ["completed", "failed", "cancelled", "expired", "incomplete"])
def test_every_final_run_status_stops_polling(scripted, sleeps, status):
    client, _ = scripted(json_reply(200, run_json(status)))
    assert client.wait_for_run_to_complete("thread_1", "run_1").status == status
    assert sleeps == []


def test_cancelling_is_not_final(scripted, sleeps):
    client, _ = scripted(
        json_reply(200, run_json("cancelling")), json_reply(200, run_json("cancelled"))
    )
    assert client.wait_for_run_to_complete("thread_1", "run_1").status == "cancelled"
    assert len(sleeps) == 1


def test_the_server_poll_advice_wins_over_the_interval(scripted, sleeps):
    advice = {"openai-poll-after-ms": "250"}
    client, _ = scripted(
        json_reply(200, vector_store_json("in_progress"), **advice),
        json_reply(200, vector_store_json("in_progress")),
        json_reply(200, vector_store_json("completed")),
        polling_interval_seconds=2.0,
    )
    assert client.wait_for_vector_store_to_complete("vs_1").status == "completed"
    assert sleeps == [0.25, 2.0]


def test_on_poll_sees_every_state_fetched_the_last_included(scripted, sleeps):
    client, _ = scripted(
        json_reply(200, vector_store_json("in_progress")),
        json_reply(200, vector_store_json("in_progress")),
        json_reply(200, vector_store_json("completed")),
    )
    seen: list[str] = []
    store = client.wait_for_vector_store_to_complete(
        "vs_1", on_poll=lambda s: seen.append(s.status)
    )
    assert store.status == "completed"
    assert seen == ["in_progress", "in_progress", "completed"]


def test_polling_times_out_naming_the_object_its_status_and_the_wait(scripted, sleeps):
    client, server = scripted(
        json_reply(200, run_json("in_progress", run_id="run_slow")),
        polling_interval_seconds=1.0,
        polling_timeout_seconds=3.0,
    )
    with pytest.raises(PollingTimeoutError) as caught:
        client.wait_for_run_to_complete("thread_1", "run_slow")
    error = caught.value
    assert error.object_id == "run_slow" and error.last_status == "in_progress"
    assert error.waited_seconds == pytest.approx(3.0)
    assert "run_slow" in str(error) and "in_progress" in str(error) and "3.0 s" in str(error)
    assert sum(sleeps) == pytest.approx(3.0) and len(server.requests) == 4
    assert isinstance(error, TimeoutError)


def test_wait_for_assistant_message_polls_until_the_assistant_speaks(scripted, sleeps):
    def message(role: str, message_id: str) -> dict:
        return {
            "id": message_id, "object": "thread.message", "created_at": 1,
            "thread_id": "thread_1", "status": "completed", "incomplete_details": None,
            "completed_at": 1, "incomplete_at": None, "role": role,
            "content": [{"type": "text", "text": {"value": f"{role} says", "annotations": []}}],
            "assistant_id": None, "run_id": None, "attachments": [], "metadata": {},
        }  # fmt: skip

    def listing(*messages: dict) -> dict:
        return {"object": "list", "data": list(messages), "first_id": None, "last_id": None,
                "has_more": False}  # fmt: skip

    client, server = scripted(
        json_reply(200, listing(message("user", "msg_1"))),
        json_reply(200, listing(message("assistant", "msg_2"), message("user", "msg_1"))),
    )
    found = client.wait_for_assistant_message("thread_1", run_id="run_1")
    assert found.id == "msg_2" and found.text == "assistant says"
    assert len(sleeps) == 1
    assert server.requests[0].url.params["run_id"] == "run_1"
