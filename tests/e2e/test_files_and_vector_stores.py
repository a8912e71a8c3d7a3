"""Files and vector stores through the official SDK against a real engine; bodies held to the spec."""

from __future__ import annotations

import uuid

import httpx
import pytest
from wire import api_error, conforming, http_error

POLL = {"poll_interval_ms": 200}


def unique_name(stem: str, suffix: str = ".txt") -> str:
    return f"{stem}-{uuid.uuid4().hex[:8]}{suffix}"


def upload_text(client, *, purpose: str = "user_data", text: str = "hello") -> str:
    """Set-up only (the upload tests check the body): a small text file's id."""
    file = client.files.create(
        file=(unique_name("note"), text.encode(), "text/plain"), purpose=purpose
    )
    return file.id


# --- files -------------------------------------------------------------------------------------


@pytest.mark.corpus
def test_pdf_upload_retrieve_download_delete(openai_client, aapl_2023_q1):
    data = aapl_2023_q1.read_bytes()
    raw = openai_client.files.with_raw_response.create(
        file=(aapl_2023_q1.name, data, "application/pdf"), purpose="assistants"
    )
    created = conforming(raw, "OpenAIFile")
    assert created["object"] == "file"
    assert created["bytes"] == len(data)
    assert created["filename"] == aapl_2023_q1.name
    assert created["purpose"] == "assistants"

    retrieved = conforming(
        openai_client.files.with_raw_response.retrieve(created["id"]), "OpenAIFile"
    )
    assert retrieved == created
    assert openai_client.files.content(created["id"]).content == data

    deleted = conforming(
        openai_client.files.with_raw_response.delete(created["id"]), "DeleteFileResponse"
    )
    assert deleted == {"id": created["id"], "object": "file", "deleted": True}
    error = api_error(lambda: openai_client.files.retrieve(created["id"]), 404)
    assert created["id"] in error["message"]
    api_error(lambda: openai_client.files.content(created["id"]), 404)
    api_error(lambda: openai_client.files.delete(created["id"]), 404)


def test_list_filters_by_purpose(openai_client):
    user_data = upload_text(openai_client, purpose="user_data")
    assistants = upload_text(openai_client, purpose="assistants")
    page = conforming(
        openai_client.files.with_raw_response.list(purpose="user_data"), "ListFilesResponse"
    )
    ids = {f["id"] for f in page["data"]}
    assert user_data in ids
    assert assistants not in ids
    assert {f["purpose"] for f in page["data"]} == {"user_data"}


def test_list_paginates_with_limit_order_and_after(openai_client):
    mine = {upload_text(openai_client) for _ in range(3)}

    def walk(order: str) -> list[dict]:
        seen: list[dict] = []
        after: dict = {}
        while True:
            raw = openai_client.files.with_raw_response.list(limit=2, order=order, **after)
            page = conforming(raw, "ListFilesResponse")
            assert len(page["data"]) <= 2
            if page["data"]:
                assert page["first_id"] == page["data"][0]["id"]
                assert page["last_id"] == page["data"][-1]["id"]
            seen += page["data"]
            if not page["has_more"]:
                return seen
            assert len(page["data"]) == 2
            after = {"after": page["last_id"]}

    ascending, descending = walk("asc"), walk("desc")
    ids = [f["id"] for f in ascending]
    assert len(ids) == len(set(ids)), "pages overlap"
    assert mine <= set(ids)
    stamps = [f["created_at"] for f in ascending]
    assert stamps == sorted(stamps)
    assert [f["id"] for f in descending] == ids[::-1]
    assert [f.id for f in openai_client.files.list(limit=2, order="asc")] == ids  # auto-paging


def test_empty_file_is_rejected(openai_client):
    error = api_error(
        lambda: openai_client.files.create(
            file=("empty.pdf", b"", "application/pdf"), purpose="assistants"
        ),
        400,
    )
    assert "empty" in error["message"].lower()


def test_unknown_purpose_is_rejected_naming_the_param(openai_client):
    error = api_error(
        lambda: openai_client.files.create(
            file=("a.txt", b"hello", "text/plain"),
            purpose="homework",  # type: ignore[arg-type]
        ),
        400,
    )
    assert error["param"] == "purpose"


def test_unknown_file_is_404_naming_the_id(openai_client):
    error = api_error(lambda: openai_client.files.retrieve("file-doesnotexist"), 404)
    assert "file-doesnotexist" in error["message"]


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer sk-wrong"}], ids=["none", "wrong"]
)
def test_requests_need_the_right_key(engine_server, headers):
    with httpx.Client(base_url=engine_server.base_url, headers=headers, trust_env=False) as bare:
        error = http_error(bare.get("/files"), 401)
    assert error["message"]


# --- vector stores -----------------------------------------------------------------------------


def create_store(client, name: str) -> str:
    """Set-up only (the vector store tests check the body): a new empty store's id."""
    return client.vector_stores.create(name=name).id


def retrieve_store(client, store_id: str) -> dict:
    return conforming(
        client.vector_stores.with_raw_response.retrieve(store_id), "VectorStoreObject"
    )


def retrieve_store_file(client, store_id: str, file_id: str) -> dict:
    raw = client.vector_stores.files.with_raw_response.retrieve(file_id, vector_store_id=store_id)
    return conforming(raw, "VectorStoreFileObject")


def test_vector_store_create_list_modify_delete(openai_client):
    raw = openai_client.vector_stores.with_raw_response.create(
        name="quarterly filings",
        metadata={"team": "research", "ticket": "42"},
        expires_after={"anchor": "last_active_at", "days": 7},
    )
    store = conforming(raw, "VectorStoreObject")
    assert store["name"] == "quarterly filings"
    assert store["metadata"] == {"team": "research", "ticket": "42"}
    assert store["expires_after"] == {"anchor": "last_active_at", "days": 7}
    assert isinstance(store["expires_at"], int) and store["expires_at"] > store["created_at"]
    assert store["file_counts"] == dict.fromkeys(
        ["in_progress", "completed", "failed", "cancelled", "total"], 0
    )
    assert retrieve_store(openai_client, store["id"])["id"] == store["id"]
    listing = conforming(
        openai_client.vector_stores.with_raw_response.list(limit=100), "ListVectorStoresResponse"
    )
    assert store["id"] in {s["id"] for s in listing["data"]}

    raw = openai_client.vector_stores.with_raw_response.update(
        store["id"], name="renamed", metadata={"team": "ops"}
    )
    modified = conforming(raw, "VectorStoreObject")
    assert (modified["name"], modified["metadata"]) == ("renamed", {"team": "ops"})
    assert retrieve_store(openai_client, store["id"])["name"] == "renamed"

    raw = openai_client.vector_stores.with_raw_response.delete(store["id"])
    deleted = conforming(raw, "DeleteVectorStoreResponse")
    assert deleted == {"id": store["id"], "object": "vector_store.deleted", "deleted": True}
    error = api_error(lambda: openai_client.vector_stores.retrieve(store["id"]), 404)
    assert store["id"] in error["message"]


@pytest.fixture(scope="module")
def aapl_store(openai_client, aapl_2023_q1):
    """A store holding the Apple 10-Q, ingested through `upload_and_poll`."""
    store_id = create_store(openai_client, name="aapl")
    vs_file = openai_client.vector_stores.files.upload_and_poll(
        vector_store_id=store_id, file=aapl_2023_q1, max_wait_seconds=240, **POLL
    )
    return store_id, vs_file


@pytest.mark.corpus
def test_upload_and_poll_real_pdf_completes(openai_client, aapl_store):
    store_id, vs_file = aapl_store
    assert vs_file.status == "completed", vs_file.last_error
    body = retrieve_store_file(openai_client, store_id, vs_file.id)
    assert body["status"] == "completed"
    assert body["last_error"] is None
    assert body["usage_bytes"] > 0
    assert body["vector_store_id"] == store_id
    if "chunking_strategy" in body:  # the default is OpenAI's static 800/400
        assert body["chunking_strategy"] == {
            "type": "static",
            "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
        }
    store = retrieve_store(openai_client, store_id)
    assert store["usage_bytes"] > 0
    assert store["status"] == "completed"
    assert store["file_counts"]["completed"] == store["file_counts"]["total"] == 1


@pytest.mark.corpus
def test_update_vector_store_file_attributes(openai_client, aapl_store):
    store_id, vs_file = aapl_store
    attributes = {"company": "AAPL", "year": 2023, "audited": False}
    raw = openai_client.vector_stores.files.with_raw_response.update(
        vs_file.id, vector_store_id=store_id, attributes=attributes
    )
    assert conforming(raw, "VectorStoreFileObject")["attributes"] == attributes
    assert retrieve_store_file(openai_client, store_id, vs_file.id)["attributes"] == attributes


@pytest.mark.corpus
def test_one_file_in_two_stores_and_removal_from_one(openai_client, aapl_store):
    _, vs_file = aapl_store
    other_id = create_store(openai_client, name="second home")
    attached = openai_client.vector_stores.files.create_and_poll(
        vs_file.id, vector_store_id=other_id, **POLL
    )
    assert attached.status == "completed"
    assert retrieve_store(openai_client, other_id)["file_counts"]["completed"] == 1

    raw = openai_client.vector_stores.files.with_raw_response.delete(
        vs_file.id, vector_store_id=other_id
    )
    deleted = conforming(raw, "DeleteVectorStoreFileResponse")
    assert deleted == {"id": vs_file.id, "object": "vector_store.file.deleted", "deleted": True}
    store = retrieve_store(openai_client, other_id)
    assert store["file_counts"]["total"] == 0
    assert store["usage_bytes"] == 0
    api_error(
        lambda: openai_client.vector_stores.files.retrieve(vs_file.id, vector_store_id=other_id),
        404,
    )
    results = openai_client.vector_stores.search(other_id, query="Apple net sales")
    assert results.data == []
    # Removing a file from one store neither deletes the file nor touches the other store.
    assert openai_client.files.retrieve(vs_file.id).id == vs_file.id
    assert retrieve_store_file(openai_client, aapl_store[0], vs_file.id)["status"] == "completed"


@pytest.mark.corpus
def test_file_batch_of_three_pdfs(openai_client, filings_store):
    store_id, batch_id = filings_store.store_id, filings_store.batch_id
    raw = openai_client.vector_stores.file_batches.with_raw_response.retrieve(
        batch_id, vector_store_id=store_id
    )
    body = conforming(raw, "VectorStoreFileBatchObject")
    assert body["status"] == "completed"
    assert body["file_counts"] == {
        "in_progress": 0,
        "completed": 3,
        "failed": 0,
        "cancelled": 0,
        "total": 3,
    }
    assert retrieve_store(openai_client, store_id)["file_counts"] == body["file_counts"]

    raw = openai_client.vector_stores.file_batches.with_raw_response.list_files(
        batch_id, vector_store_id=store_id
    )
    listed = conforming(raw, "ListVectorStoreFilesResponse")
    assert {f["id"] for f in listed["data"]} == set(filings_store.file_ids.values())

    def ids_with(status: str) -> set[str]:
        raw = openai_client.vector_stores.files.with_raw_response.list(store_id, filter=status)
        return {f["id"] for f in conforming(raw, "ListVectorStoreFilesResponse")["data"]}

    assert ids_with("completed") == set(filings_store.file_ids.values())
    assert ids_with("failed") == set()
    assert ids_with("in_progress") == set()


def test_garbage_pdf_fails_as_invalid_file(openai_client):
    store_id = create_store(openai_client, name="garbage")
    vs_file = openai_client.vector_stores.files.upload_and_poll(
        vector_store_id=store_id,
        file=("garbage.pdf", b"this is not a PDF at all\x00\x01" * 20, "application/pdf"),
        **POLL,
    )
    assert vs_file.status == "failed"
    body = retrieve_store_file(openai_client, store_id, vs_file.id)
    assert body["last_error"]["code"] == "invalid_file"
    assert body["last_error"]["message"]
    counts = retrieve_store(openai_client, store_id)["file_counts"]
    assert (counts["failed"], counts["completed"], counts["total"]) == (1, 0, 1)
    raw = openai_client.vector_stores.files.with_raw_response.list(store_id, filter="failed")
    assert [f["id"] for f in conforming(raw, "ListVectorStoreFilesResponse")["data"]] == [
        vs_file.id
    ]


@pytest.mark.parametrize("size, overlap", [(100, 50), (4096, 0)])
def test_static_chunking_strategy_bounds_are_accepted(openai_client, small_pdf, size, overlap):
    store_id = create_store(openai_client, name="chunking")
    strategy = {
        "type": "static",
        "static": {"max_chunk_size_tokens": size, "chunk_overlap_tokens": overlap},
    }
    vs_file = openai_client.vector_stores.files.upload_and_poll(
        vector_store_id=store_id, file=small_pdf, chunking_strategy=strategy, **POLL
    )
    assert vs_file.status == "completed", vs_file.last_error
    body = retrieve_store_file(openai_client, store_id, vs_file.id)
    assert body["chunking_strategy"] == strategy


@pytest.mark.parametrize(
    "static",
    [
        {"max_chunk_size_tokens": 99, "chunk_overlap_tokens": 0},
        {"max_chunk_size_tokens": 4097, "chunk_overlap_tokens": 0},
        {"max_chunk_size_tokens": 200, "chunk_overlap_tokens": 101},  # more than half
        {"max_chunk_size_tokens": 200, "chunk_overlap_tokens": -1},
    ],
    ids=["too-small", "too-large", "overlap-over-half", "negative-overlap"],
)
def test_bad_static_chunking_strategy_is_400_naming_the_param(openai_client, http, static):
    store_id = create_store(openai_client, name="bad chunking")
    file_id = upload_text(openai_client, purpose="assistants", text="Some words. " * 50)
    strategy = {"type": "static", "static": static}
    error = http_error(
        http.post(
            f"/vector_stores/{store_id}/files",
            json={"file_id": file_id, "chunking_strategy": strategy},
        ),
        400,
    )
    assert error["param"] and "chunk" in error["param"], error
    error = http_error(http.post("/vector_stores", json={"chunking_strategy": strategy}), 400)
    assert error["param"] and "chunk" in error["param"], error


def test_unknown_vector_store_is_404_naming_the_id(openai_client):
    error = api_error(lambda: openai_client.vector_stores.retrieve("vs_doesnotexist"), 404)
    assert "vs_doesnotexist" in error["message"]
