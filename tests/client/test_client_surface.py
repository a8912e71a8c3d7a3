"""The client's shape: the seed's members, the builder, configuration, headers, the knobs."""

from __future__ import annotations

import inspect
import json

import httpx
import pytest
from scripted import API_KEY, BASE_URL, assistant_json, json_reply

from core import OpenAIClient
from core.client import BaseClient, ClientSettings, OpenAIClientBuilder
from core.errors import InvalidArgumentError

# Aspose.Pdf.AI.OpenAIClient, member by member, under its Python name (DESIGN.md).
SEED_METHODS = [
    "create_assistant",
    "get_assistant",
    "get_assistants",
    "modify_assistant",
    "delete_assistant",
    "create_thread",
    "get_thread",
    "modify_thread",
    "delete_thread",
    "create_thread_message",
    "get_thread_message",
    "get_thread_messages",
    "modify_thread_message",
    "delete_thread_message",
    "wait_for_assistant_message",
    "wait_for_thread_message_to_complete",
    "create_run",
    "create_thread_and_run",
    "get_run",
    "get_runs",
    "modify_run",
    "cancel_run",
    "wait_for_run_to_complete",
    "run_and_get_assistant_response",
    "get_run_step",
    "get_run_steps",
    "upload_file",
    "get_file",
    "get_files",
    "delete_file",
    "create_vector_store",
    "create_vector_store_and_wait_to_complete",
    "get_vector_store",
    "get_vector_stores",
    "modify_vector_store",
    "delete_vector_store",
    "wait_for_vector_store_to_complete",
    "create_vector_store_file",
    "get_vector_store_file",
    "get_vector_store_files",
    "delete_vector_store_file",
    "wait_for_vector_store_file_to_complete",
    "create_vector_store_file_batch",
    "get_vector_store_file_batch",
    "get_vector_store_file_batch_files",
    "cancel_vector_store_file_batch",
    "create_completion",
    "get_chat_copilot",
    "get_summary_copilot",
    "get_image_description_copilot",
    "close",
]
SEED_KNOBS = [
    "http_request_max_retries",
    "backoff_delay_seconds",
    "polling_interval_seconds",
    "polling_timeout_seconds",
]
BUILDER_METHODS = [
    "with_organization",
    "with_project",
    "with_base_url",
    "with_api_version",
    "build",
]


def test_every_seed_method_exists():
    assert len(SEED_METHODS) == 51  # the 50 methods of DESIGN.md + close (Dispose)
    missing = [name for name in SEED_METHODS if not callable(getattr(OpenAIClient, name, None))]
    assert missing == []
    assert callable(OpenAIClient.create_with_api_key)


def test_no_async_suffix_or_camel_case_leaks():
    public = [name for name in dir(OpenAIClient) if not name.startswith("_")]
    # `Builder` is the seed's nested class, the one CamelCase name a literal port needs.
    assert [n for n in public if n.endswith("_async") or n != n.lower()] == ["Builder"]


def test_the_four_knobs_have_documented_defaults():
    client = OpenAIClient(api_key="k")
    defaults = {name: getattr(client, name) for name in SEED_KNOBS}
    assert defaults == {
        "http_request_max_retries": 2,
        "backoff_delay_seconds": 0.5,
        "polling_interval_seconds": 1.0,
        "polling_timeout_seconds": 600.0,
    }
    doc = inspect.getdoc(BaseClient) or ""
    for name, value in defaults.items():
        assert f"`{name}` = {value}" in doc
    client.close()


def test_knobs_are_settable_and_checked():
    with OpenAIClient(api_key="k") as client:
        client.http_request_max_retries = 5
        client.polling_interval_seconds = 0.1
        assert (client.http_request_max_retries, client.polling_interval_seconds) == (5, 0.1)
        with pytest.raises(InvalidArgumentError):
            client.http_request_max_retries = -1
        with pytest.raises(InvalidArgumentError):
            client.polling_timeout_seconds = 0


def test_builder_chains_every_seed_option():
    builder = OpenAIClient.create_with_api_key(API_KEY)
    assert isinstance(builder, OpenAIClientBuilder)
    for name in BUILDER_METHODS:
        assert callable(getattr(builder, name))
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return json_reply(200, assistant_json())

    client = (
        builder.with_organization("org_1")
        .with_project("proj_1")
        .with_base_url("http://example.test/v1")
        .build(transport=httpx.MockTransport(server))
    )
    with client:
        client.get_assistant("asst_1")
    request = seen[0]
    assert str(request.url) == "http://example.test/v1/assistants/asst_1"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.headers["OpenAI-Organization"] == "org_1"
    assert request.headers["OpenAI-Project"] == "proj_1"
    assert API_KEY not in repr(builder) and API_KEY not in repr(client)


def test_builder_api_version_goes_after_the_base_domain():
    client = (
        OpenAIClient.create_with_api_key("k")
        .with_base_domain("http://example.test/")
        .with_api_version("v2")
        .build()
    )
    assert client.base_url == "http://example.test/v2"
    client.close()
    with pytest.raises(InvalidArgumentError):
        OpenAIClient.create_with_api_key("")


def test_from_env_reads_the_openai_variables(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_ORG_ID", "org_env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_env")
    with OpenAIClient.from_env(polling_interval_seconds=0.2) as client:
        assert client.base_url == "http://127.0.0.1:9/v1"
        assert (client.organization, client.project) == ("org_env", "proj_env")
        assert client.polling_interval_seconds == 0.2
        assert client._headers("GET", "/files")["Authorization"] == f"Bearer {API_KEY}"
    assert ClientSettings().api_key is not None


def test_assistants_paths_carry_the_beta_header_and_others_do_not(scripted):
    client, _ = scripted()
    assert client._headers("GET", "/assistants")["OpenAI-Beta"] == "assistants=v2"
    assert client._headers("POST", "/threads/t/runs")["OpenAI-Beta"] == "assistants=v2"
    assert "OpenAI-Beta" not in client._headers("GET", "/files")
    assert "OpenAI-Beta" not in client._headers("POST", "/chat/completions")


def test_empty_ids_are_refused_before_any_request(scripted):
    client, server = scripted(json_reply(200, assistant_json()))
    with pytest.raises(InvalidArgumentError):
        client.get_assistant("")
    with pytest.raises(InvalidArgumentError):
        client.get_run("thread_1", "  ")
    assert server.requests == []


def test_bad_request_fields_are_refused_locally(scripted):
    client, server = scripted(json_reply(200, assistant_json()))
    with pytest.raises(InvalidArgumentError, match="temperature"):
        client.create_assistant(model="m", temperature=7)
    with pytest.raises(InvalidArgumentError, match="no_such_field"):
        client.create_assistant(model="m", no_such_field=1)
    assert server.requests == []


def test_request_bodies_send_only_what_the_caller_set(scripted):
    client, server = scripted(json_reply(200, assistant_json()))
    client.modify_assistant("asst_1", name=None, tools=[{"type": "file_search"}])
    assert json.loads(server.requests[0].content) == {
        "name": None,
        "tools": [{"type": "file_search"}],
    }


def test_copilot_getters_build_the_seed_copilots_lazily():
    """The getters only build the copilot; nothing is uploaded until it is used."""
    with OpenAIClient(api_key="k", base_url=BASE_URL) as client:
        for getter, name in (
            (client.get_chat_copilot, "Chat"),
            (client.get_summary_copilot, "Summary"),
            (client.get_image_description_copilot, "ImageDescription"),
        ):
            assert name in type(getter()).__name__


def test_close_leaves_a_borrowed_http_client_open():
    http = httpx.Client(transport=httpx.MockTransport(lambda r: json_reply(200, {})))
    OpenAIClient(api_key="k", base_url=BASE_URL, http_client=http).close()
    assert not http.is_closed
    http.close()
