"""Finding and deleting expired or orphaned server objects (plain Python, no Streamlit).

Orphans are objects nothing points at any more, older than a minimum age (so objects a running
upload or conversation is still wiring up are left alone):
- vector stores that expired, or that no assistant uses;
- assistants whose vector stores are all gone;
- uploaded files that are in no vector store and no assistant's tool resources.
Threads cannot be listed through the API, so they are not considered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from core import OpenAIClient
from core.errors import NotFoundError, OpenAIError

Kind = Literal["assistant", "vector store", "file"]
_DELETE_ORDER: dict[str, int] = {"assistant": 0, "vector store": 1, "file": 2}


@dataclass(frozen=True)
class Candidate:
    kind: Kind
    id: str
    label: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    candidate: Candidate
    error: str | None = None


def find_candidates(client: OpenAIClient, *, min_age_seconds: float) -> list[Candidate]:
    """Everything the clean-up would delete, with the reason, without deleting anything."""
    cutoff = time.time() - min_age_seconds
    stores = list(client.get_vector_stores(limit=100))
    store_ids = {store.id for store in stores}
    assistants = list(client.get_assistants(limit=100))
    used_stores: set[str] = set()
    used_files: set[str] = set()
    found: list[Candidate] = []
    for assistant in assistants:
        resources = assistant.tool_resources
        wanted = list(resources.file_search.vector_store_ids) if resources and \
            resources.file_search else []
        if resources and resources.code_interpreter:
            used_files.update(resources.code_interpreter.file_ids)
        used_stores.update(wanted)
        if wanted and not store_ids.intersection(wanted) and assistant.created_at < cutoff:
            found.append(Candidate("assistant", assistant.id, assistant.name or assistant.id,
                                   "its vector stores are gone"))
    for store in stores:
        used_files.update(f.id for f in client.get_vector_store_files(store.id, limit=100))
        label = store.name or store.id
        if store.status == "expired":
            found.append(Candidate("vector store", store.id, label, "expired"))
        elif store.id not in used_stores and store.created_at < cutoff:
            found.append(Candidate("vector store", store.id, label, "no assistant uses it"))
    for file in client.get_files(limit=100):
        if file.purpose == "assistants" and file.id not in used_files and file.created_at < cutoff:
            found.append(Candidate("file", file.id, file.filename, "in no vector store"))
    return found


def delete_candidates(client: OpenAIClient, candidates: list[Candidate]) -> list[Outcome]:
    """Delete them (assistants first, files last); one failure does not stop the rest."""
    outcomes = []
    for candidate in sorted(candidates, key=lambda c: _DELETE_ORDER[c.kind]):
        try:
            if candidate.kind == "assistant":
                client.delete_assistant(candidate.id)
            elif candidate.kind == "vector store":
                client.delete_vector_store(candidate.id)
            else:
                client.delete_file(candidate.id)
            outcomes.append(Outcome(candidate))
        except NotFoundError:
            outcomes.append(Outcome(candidate))  # already gone is what we wanted
        except OpenAIError as exc:
            outcomes.append(Outcome(candidate, str(exc)))
    return outcomes
