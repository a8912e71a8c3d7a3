"""The seed's `OpenAIClient` used directly, request classes and all: upload a file, index it in
a vector store, make an assistant with file_search, ask on a thread, read the run's steps.

    OPENAI_API_KEY=... OPENAI_BASE_URL=http://127.0.0.1:8765/v1 python examples/assistants_api.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _samples import client_from_env, model_from_env, sample_pdf

from core import (
    AssistantCreateRequest,
    FileSearch,
    RunCreateRequest,
    ThreadCreateRequest,
    ThreadMessageCreateRequest,
    ThreadMessageListQueryParameters,
    Tool,
    ToolResources,
    TruncationStrategy,
    VectorStoreCreateRequest,
)


def main(document: Path) -> dict[str, object]:
    with client_from_env() as client:
        uploaded = client.upload_file("assistants", document.name, document.read_bytes())
        store = client.create_vector_store_and_wait_to_complete(
            VectorStoreCreateRequest(name="lighthouse", file_ids=[uploaded.id])
        )
        assistant = client.create_assistant(
            AssistantCreateRequest(
                model=model_from_env() or client.get_models()[0].id,
                name="Lighthouse expert",
                instructions="Answer from the documents.",
                tools=[Tool.file_search()],
                tool_resources=ToolResources(file_search=FileSearch(vector_store_ids=[store.id])),
            )
        )
        thread = client.create_thread(
            ThreadCreateRequest(
                messages=[ThreadMessageCreateRequest.from_user("When was the lighthouse built?")]
            )
        )
        answer = client.run_and_get_assistant_response(
            thread.id,
            RunCreateRequest(
                assistant_id=assistant.id,
                truncation_strategy=TruncationStrategy(type="last_messages", last_messages=10),
            ),
        )
        runs = client.get_runs(thread.id)
        steps = client.get_run_steps(thread.id, runs.data[0].id)
        reply = client.wait_for_assistant_message(
            thread.id, ThreadMessageListQueryParameters(run_id=runs.data[0].id)
        )
        client.delete_thread(thread.id)
        client.delete_assistant(assistant.id)
        client.delete_vector_store(store.id)
        client.delete_file(uploaded.id)
        return {
            "answer": answer,
            "steps": [s.type for s in steps.data],
            "cited": [
                a.file_citation.file_id for a in reply.annotations if a.type == "file_citation"
            ],
            "file_id": uploaded.id,
        }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        for key, value in main(sample_pdf(Path(workdir))).items():
            print(f"{key}: {value}")
