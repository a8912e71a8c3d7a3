"""The conformance helper rejects wrong bodies, names every violation, and accepts spec examples."""

import json

import pytest
import yaml
from conformance import SPEC_PATH, assert_conforms, schema_for

pytestmark = pytest.mark.skipif(not SPEC_PATH.is_file(), reason=f"no OpenAPI spec at {SPEC_PATH}")

VALID_FILE = {
    "id": "file-abc123",
    "object": "file",
    "bytes": 120000,
    "created_at": 1677610602,
    "filename": "salesOverview.pdf",
    "purpose": "assistants",
    "status": "processed",
}


def spec_example(schema_name: str) -> dict:
    """The example the spec itself shows for a schema (some are YAML-ish: trailing commas)."""
    return yaml.safe_load(schema_for(schema_name)["x-oaiMeta"]["example"])


@pytest.mark.parametrize(
    "schema_name",
    [
        "VectorStoreFileObject",
        "VectorStoreFileBatchObject",
        "Model",
        "CreateChatCompletionResponse",
    ],
)
def test_spec_examples_conform(schema_name):
    assert_conforms(spec_example(schema_name), schema_name)


def test_openai_file_example_conforms_once_given_its_required_status():
    example = spec_example("OpenAIFile")
    # The spec's own example predates `status` becoming required; the helper must notice.
    with pytest.raises(AssertionError, match=r"\$: 'status' is a required property"):
        assert_conforms(example, "OpenAIFile")
    assert_conforms({**example, "status": "processed"}, "OpenAIFile")


def test_missing_required_field_fails():
    body = {k: v for k, v in VALID_FILE.items() if k != "bytes"}
    with pytest.raises(AssertionError, match=r"'bytes' is a required property"):
        assert_conforms(body, "OpenAIFile")


def test_wrong_enum_fails_with_its_path():
    with pytest.raises(AssertionError, match=r"\$\.purpose: 'homework' is not one of"):
        assert_conforms({**VALID_FILE, "purpose": "homework"}, "OpenAIFile")


def test_every_violation_is_listed_with_its_json_path():
    body = {**VALID_FILE, "object": "files", "bytes": "12"}
    del body["filename"]
    with pytest.raises(AssertionError) as failure:
        assert_conforms(body, "OpenAIFile")
    message = str(failure.value)
    assert "3 violation(s)" in message
    assert "$.object: 'files' is not one of ['file']" in message
    assert "$.bytes: '12' is not of type 'integer'" in message
    assert "$: 'filename' is a required property" in message


def test_refs_are_followed_into_nested_schemas():
    page = {"object": "list", "data": [{**VALID_FILE, "bytes": -1.5}], "first_id": "a"}
    page |= {"last_id": "a", "has_more": False}
    with pytest.raises(AssertionError, match=r"\$\.data\[0\]\.bytes: -1\.5 is not of type"):
        assert_conforms(page, "ListFilesResponse")


def test_openapi_nullable_accepts_null_and_still_checks_the_value():
    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "pdf-copilot-local",
        "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
    }
    assert_conforms(chunk, "CreateChatCompletionStreamResponse")
    chunk["choices"][0]["finish_reason"] = "tired"
    with pytest.raises(AssertionError, match=r"\$\.choices\[0\]\.finish_reason: 'tired'"):
        assert_conforms(chunk, "CreateChatCompletionStreamResponse")
    assert '"nullable"' not in json.dumps(schema_for("RunObject"))


def test_error_envelope():
    error = {"message": "No such file: file-x", "type": "invalid_request_error"}
    assert_conforms({"error": {**error, "param": None, "code": None}}, "ErrorResponse")
    with pytest.raises(AssertionError, match=r"\$\.error: 'param' is a required property"):
        assert_conforms({"error": {**error, "code": None}}, "ErrorResponse")


def test_list_bodies_are_validated_too():
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    assert_conforms([call], "ChatCompletionMessageToolCalls")
    with pytest.raises(AssertionError, match=r"\$\[0\]"):
        assert_conforms([{"id": "call_1"}], "ChatCompletionMessageToolCalls")


def test_unknown_schema_name_suggests_close_ones():
    with pytest.raises(KeyError, match="OpenAIFile"):
        assert_conforms({}, "OpenAIFiles")


def test_compound_filters_nest_recursively():
    eq = {"type": "eq", "key": "company", "value": "AAPL"}
    nested = {"type": "or", "filters": [eq, {"type": "and", "filters": [eq, eq]}]}
    assert_conforms(nested, "CompoundFilter")
    nested["filters"][1]["filters"][0] = {"type": "eq", "key": "company"}
    with pytest.raises(AssertionError, match=r"\$\.filters\[1\]"):
        assert_conforms(nested, "CompoundFilter")
