"""Chat completions and models with the built-in extractive model, through the SDK and raw SSE."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from conformance import assert_conforms
from PIL import Image
from wire import api_error, conforming

MODEL = "pdf-copilot-local"
KEY_SENTENCE = (
    "In 2023 the Riverside plant processed 61,000 tonnes of waste paper, a record for the site."
)
PARAGRAPH = (
    "The Riverside plant opened in 1998 and employs about 400 people. "
    "Its main product is recycled cardboard packaging for food retailers. "
    f"{KEY_SENTENCE} "
    "The plant is powered partly by a rooftop solar array installed in 2019. "
    "Visitors can book guided tours on the first Friday of each month."
)
MESSAGES = [
    {"role": "system", "content": f"Answer from this text only.\n\n{PARAGRAPH}"},
    {"role": "user", "content": "How many tonnes of waste paper did the plant process in 2023?"},
]


def complete(client, **params) -> dict:
    raw = client.chat.completions.with_raw_response.create(model=MODEL, **params)
    return conforming(raw, "CreateChatCompletionResponse")


def stream_chunks(http, payload: dict) -> list[dict]:
    """POST with stream=true and read the SSE by hand; every chunk is checked, [DONE] must close."""
    data_lines = []
    with http.stream("POST", "/chat/completions", json={**payload, "stream": True}) as response:
        assert response.status_code == 200, response.read()[:500]
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data:"):
                data_lines.append(line.removeprefix("data:").strip())
    assert data_lines and data_lines[-1] == "[DONE]", data_lines[-3:]
    chunks = [json.loads(line) for line in data_lines[:-1]]
    for chunk in chunks:
        assert_conforms(chunk, "CreateChatCompletionStreamResponse")
    return chunks


def content_of(chunks: list[dict]) -> str:
    return "".join(
        choice["delta"].get("content") or "" for chunk in chunks for choice in chunk["choices"]
    )


def test_answer_quotes_the_sentence_that_holds_it(openai_client):
    body = complete(openai_client, messages=MESSAGES)
    assert body["object"] == "chat.completion"
    assert body["model"] == MODEL
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert choice["finish_reason"] == "stop"
    assert KEY_SENTENCE.removesuffix(".") in choice["message"]["content"]
    usage = body["usage"]
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_stream_ends_with_done_and_adds_up_to_the_answer(openai_client, http):
    answer = complete(openai_client, messages=MESSAGES)["choices"][0]["message"]["content"]
    chunks = stream_chunks(http, {"model": MODEL, "messages": MESSAGES})
    assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
    assert len({chunk["id"] for chunk in chunks}) == 1, "one id for the whole stream"
    assert chunks[0]["choices"][0]["delta"].get("role") == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert content_of(chunks) == answer


def test_stream_through_the_sdk(openai_client):
    stream = openai_client.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert KEY_SENTENCE.removesuffix(".") in text


def test_stream_options_include_usage_adds_a_final_usage_chunk(http):
    payload = {"model": MODEL, "messages": MESSAGES, "stream_options": {"include_usage": True}}
    chunks = stream_chunks(http, payload)
    *content_chunks, last = chunks
    assert last["choices"] == []
    assert last["usage"]["total_tokens"] > 0
    assert all(chunk.get("usage") is None for chunk in content_chunks)


def png_data_url(width: int, height: int) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 60)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_image_part_is_described_by_its_pixel_size(openai_client):
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Describe this image."},
                {"type": "image_url", "image_url": {"url": png_data_url(37, 23)}},
            ],
        }
    ]
    answer = complete(openai_client, messages=messages)["choices"][0]["message"]["content"]
    assert re.search(r"(?<!\d)37(?!\d)", answer) and re.search(r"(?<!\d)23(?!\d)", answer), answer


def test_models_list_and_retrieve(openai_client):
    listing = conforming(openai_client.models.with_raw_response.list(), "ListModelsResponse")
    assert MODEL in {model["id"] for model in listing["data"]}
    model = conforming(openai_client.models.with_raw_response.retrieve(MODEL), "Model")
    assert model["id"] == MODEL


def test_unknown_model_is_an_error_in_the_envelope(openai_client):
    error = api_error(
        lambda: openai_client.chat.completions.create(model="no-such-model", messages=MESSAGES),
        (400, 404),
    )
    assert "no-such-model" in error["message"]
    error = api_error(lambda: openai_client.models.retrieve("no-such-model"), 404)
    assert "no-such-model" in error["message"]


@pytest.mark.parametrize(
    "payload, param",
    [({"model": MODEL}, "messages"), ({"model": MODEL, "messages": []}, "messages")],
    ids=["missing", "empty"],
)
def test_bad_messages_are_400_naming_the_param(http, payload, param):
    response = http.post("/chat/completions", json=payload)
    assert response.status_code == 400, response.text
    body = response.json()
    assert_conforms(body, "ErrorResponse")
    assert body["error"]["param"] == param
