"""The server-sent-events decoder and the typing of stream events."""

from __future__ import annotations

from core.client._streaming import ServerSentEvent, iter_sse
from core.types.runs import MessageDeltaEvent, UnknownEvent, parse_stream_event


def test_events_split_on_blank_lines_and_join_data_lines():
    lines = [
        ": keep-alive comment",
        "event: thread.run.created",
        'data: {"a":',
        "data: 1}",
        "",
        "data: [DONE]",
        "",
    ]
    assert list(iter_sse(iter(lines))) == [
        ServerSentEvent("thread.run.created", '{"a":\n1}'),
        ServerSentEvent(None, "[DONE]"),
    ]


def test_a_last_event_without_blank_line_is_not_lost():
    assert list(iter_sse(iter(["event: done", "data: [DONE]"]))) == [
        ServerSentEvent("done", "[DONE]")
    ]


def test_message_deltas_are_typed_and_unknown_events_tolerated():
    delta = parse_stream_event(
        "thread.message.delta",
        {
            "id": "msg_1",
            "object": "thread.message.delta",
            "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "Hel"}}]},
        },
    )
    assert isinstance(delta, MessageDeltaEvent) and delta.data.text == "Hel"
    unknown = parse_stream_event("thread.run.step.something_new", {"x": 1})
    assert isinstance(unknown, UnknownEvent) and unknown.data == {"x": 1}
