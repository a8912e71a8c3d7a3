"""Vector stores, their files and file batches: CRUD, waiting for ingestion, and search."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.client._base import coerce_params, require_id
from core.client._pagination import (
    Page,
    VectorStoreFileBatchFileListQueryParameters,
    VectorStoreFileListQueryParameters,
    VectorStoreListQueryParameters,
)
from core.client._polling import (
    FILE_BATCH_TERMINAL,
    VECTOR_STORE_FILE_TERMINAL,
    VECTOR_STORE_TERMINAL,
    PollingMixin,
)
from core.types.shared import DeletedObject
from core.types.vector_stores import (
    FileBatchCreateParams,
    SearchResultsPage,
    VectorStore,
    VectorStoreCreateParams,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileCreateParams,
    VectorStoreSearchParams,
    VectorStoreUpdateParams,
)

Params = Mapping[str, Any] | None


def _store_path(vector_store_id: str, *rest: str) -> str:
    return "/".join((f"/vector_stores/{require_id('vector_store_id', vector_store_id)}", *rest))


def _file_path(vector_store_id: str, file_id: str) -> str:
    return _store_path(vector_store_id, "files", require_id("file_id", file_id))


def _batch_path(vector_store_id: str, batch_id: str, *rest: str) -> str:
    return _store_path(vector_store_id, "file_batches", require_id("batch_id", batch_id), *rest)


class VectorStoresMixin(PollingMixin):
    # --- vector stores -----------------------------------------------------------------------

    def create_vector_store(
        self, params: VectorStoreCreateParams | Params = None, /, **fields: Any
    ) -> VectorStore:
        body = coerce_params(VectorStoreCreateParams, params, fields)
        return self._post("/vector_stores", VectorStore, body)

    def create_vector_store_and_wait_to_complete(
        self, params: VectorStoreCreateParams | Params = None, /, **fields: Any
    ) -> VectorStore:
        """Create a vector store and poll it until its files are ingested."""
        store = self.create_vector_store(params, **fields)
        return self.wait_for_vector_store_to_complete(store.id)

    def get_vector_store(self, vector_store_id: str) -> VectorStore:
        return self._get(_store_path(vector_store_id), VectorStore)

    def get_vector_stores(
        self, query: VectorStoreListQueryParameters | None = None, /, **params: Any
    ) -> Page[VectorStore]:
        query = coerce_params(VectorStoreListQueryParameters, query, params)
        return self._list("/vector_stores", VectorStore, query)

    def modify_vector_store(
        self,
        vector_store_id: str,
        params: VectorStoreUpdateParams | Params = None,
        /,
        **fields: Any,
    ) -> VectorStore:
        body = coerce_params(VectorStoreUpdateParams, params, fields)
        return self._post(_store_path(vector_store_id), VectorStore, body)

    def delete_vector_store(self, vector_store_id: str) -> DeletedObject:
        return self._delete(_store_path(vector_store_id), DeletedObject)

    def wait_for_vector_store_to_complete(
        self, vector_store_id: str, *, on_poll: Callable[[VectorStore], object] | None = None
    ) -> VectorStore:
        """Poll until the store is `completed` (every file ingested or failed) or `expired`.

        `on_poll` sees each state fetched, e.g. to report its `file_counts` as they move.
        """
        return self._poll(
            _store_path(vector_store_id),
            VectorStore,
            object_type="vector store",
            object_id=vector_store_id,
            terminal=VECTOR_STORE_TERMINAL,
            on_poll=on_poll,
        )

    def search_vector_store(
        self,
        vector_store_id: str,
        params: VectorStoreSearchParams | Params | str = None,
        /,
        **fields: Any,
    ) -> SearchResultsPage:
        """Search a store's chunks: `search_vector_store(vs_id, "query text", max_num_results=5)`."""
        if isinstance(params, str):
            params, fields = None, {"query": params, **fields}
        body = coerce_params(VectorStoreSearchParams, params, fields)
        return self._post(_store_path(vector_store_id, "search"), SearchResultsPage, body)

    # --- vector store files ------------------------------------------------------------------

    def create_vector_store_file(
        self,
        vector_store_id: str,
        params: VectorStoreFileCreateParams | Params = None,
        /,
        **fields: Any,
    ) -> VectorStoreFile:
        """Attach an uploaded file: `create_vector_store_file(vs_id, file_id="file-…")`."""
        body = coerce_params(VectorStoreFileCreateParams, params, fields)
        return self._post(_store_path(vector_store_id, "files"), VectorStoreFile, body)

    def get_vector_store_file(self, vector_store_id: str, file_id: str) -> VectorStoreFile:
        return self._get(_file_path(vector_store_id, file_id), VectorStoreFile)

    def get_vector_store_files(
        self,
        vector_store_id: str,
        query: VectorStoreFileListQueryParameters | None = None,
        /,
        **params: Any,
    ) -> Page[VectorStoreFile]:
        query = coerce_params(VectorStoreFileListQueryParameters, query, params)
        return self._list(_store_path(vector_store_id, "files"), VectorStoreFile, query)

    def delete_vector_store_file(self, vector_store_id: str, file_id: str) -> DeletedObject:
        """Detach a file from the store (the uploaded file itself stays)."""
        return self._delete(_file_path(vector_store_id, file_id), DeletedObject)

    def wait_for_vector_store_file_to_complete(
        self, vector_store_id: str, file_id: str
    ) -> VectorStoreFile:
        """Poll until the file is `completed`, `failed` (see `last_error`) or `cancelled`."""
        return self._poll(
            _file_path(vector_store_id, file_id),
            VectorStoreFile,
            object_type="vector store file",
            object_id=file_id,
            terminal=VECTOR_STORE_FILE_TERMINAL,
        )

    # --- file batches ------------------------------------------------------------------------

    def create_vector_store_file_batch(
        self, vector_store_id: str, params: FileBatchCreateParams | Params = None, /, **fields: Any
    ) -> VectorStoreFileBatch:
        body = coerce_params(FileBatchCreateParams, params, fields)
        path = _store_path(vector_store_id, "file_batches")
        return self._post(path, VectorStoreFileBatch, body)

    def get_vector_store_file_batch(
        self, vector_store_id: str, batch_id: str
    ) -> VectorStoreFileBatch:
        return self._get(_batch_path(vector_store_id, batch_id), VectorStoreFileBatch)

    def get_vector_store_file_batch_files(
        self,
        vector_store_id: str,
        batch_id: str,
        query: VectorStoreFileBatchFileListQueryParameters | None = None,
        /,
        **params: Any,
    ) -> Page[VectorStoreFile]:
        query = coerce_params(VectorStoreFileBatchFileListQueryParameters, query, params)
        return self._list(_batch_path(vector_store_id, batch_id, "files"), VectorStoreFile, query)

    def cancel_vector_store_file_batch(
        self, vector_store_id: str, batch_id: str
    ) -> VectorStoreFileBatch:
        path = _batch_path(vector_store_id, batch_id, "cancel")
        return self._post(path, VectorStoreFileBatch, None)

    def wait_for_vector_store_file_batch_to_complete(
        self,
        vector_store_id: str,
        batch_id: str,
        *,
        on_poll: Callable[[VectorStoreFileBatch], object] | None = None,
    ) -> VectorStoreFileBatch:
        """Poll a file batch until it is `completed`, `failed` or `cancelled`.

        `on_poll` sees each state fetched, e.g. to report its `file_counts` as they move.
        """
        return self._poll(
            _batch_path(vector_store_id, batch_id),
            VectorStoreFileBatch,
            object_type="file batch",
            object_id=batch_id,
            terminal=FILE_BATCH_TERMINAL,
            on_poll=on_poll,
        )
