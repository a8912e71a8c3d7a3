"""Engine protocol additions, checked with the official SDK and our client and validated
against the OpenAI spec: a vector-store file's content, runs' `instructions` always a string."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest
from conformance import assert_conforms
from engine_process import in_process_engine

from core import OpenAIClient
from core.errors import NotFoundError

KEY = "sk-protocol-test-key-0123456789"
PAGES = ("The Northcape lighthouse was built in 1871.", "The lamp was automated in 1994.")


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with in_process_engine(tmp_path_factory.mktemp("protocol"), KEY) as client:
        yield client


@pytest.fixture(scope="module")
def ours(http: Any) -> Iterator[OpenAIClient]:
    with OpenAIClient(
        api_key=KEY, base_url="http://testserver/v1", http_client=http, polling_interval_seconds=0.05
    ) as client:
        yield client


@pytest.fixture(scope="module")
def sdk(http: Any) -> openai.OpenAI:
    return openai.OpenAI(api_key=KEY, base_url="http://testserver/v1", http_client=http)


def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in PAGES:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def test_a_vector_store_files_content_page_by_page(ours: OpenAIClient, sdk: openai.OpenAI, http):
    file = ours.upload_file("assistants", "lighthouse.pdf", _pdf())
    store = ours.create_vector_store_and_wait_to_complete(name="content", file_ids=[file.id])

    content = ours.get_vector_store_file_content(store.id, file.id)
    assert [part.text.strip() for part in content.data] == list(PAGES)
    assert "1871" in content.text and not content.has_more

    body = http.get(
        f"/v1/vector_stores/{store.id}/files/{file.id}/content",
        headers={"Authorization": f"Bearer {KEY}"},
    ).json()
    assert_conforms(body, "VectorStoreFileContentResponse")
    parts = list(sdk.vector_stores.files.content(file.id, vector_store_id=store.id))
    assert [p.text.strip() for p in parts if p.text] == list(PAGES)

    other = ours.create_vector_store(name="other")
    with pytest.raises(NotFoundError):
        ours.get_vector_store_file_content(other.id, file.id)  # not a file of that store


def test_a_run_without_instructions_says_so_with_an_empty_string(
    ours: OpenAIClient, sdk: openai.OpenAI, http
):
    model = ours.get_models()[0].id
    assistant = ours.create_assistant(model=model)  # no instructions anywhere
    thread = ours.create_thread(messages=[{"role": "user", "content": "Hello?"}])
    run = ours.create_run(thread.id, assistant_id=assistant.id)
    assert run.instructions == ""
    body = http.get(
        f"/v1/threads/{thread.id}/runs/{run.id}",
        headers={"Authorization": f"Bearer {KEY}", "OpenAI-Beta": "assistants=v2"},
    ).json()
    assert body["instructions"] == ""
    assert_conforms(body, "RunObject")
    done = ours.wait_for_run_to_complete(thread.id, run.id)
    assert done.instructions == ""
    with_text = ours.create_run(thread.id, assistant_id=assistant.id, instructions="Be brief.")
    assert with_text.instructions == "Be brief."
    ours.wait_for_run_to_complete(thread.id, with_text.id)
