"""Vector stores, their files and file batches: CRUD, waiting for ingestion, and search."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.client._base import BaseClient, coerce_params, require_id
from core.client._pagination import (
    PageSpec,
    VectorStoreFileBatchFileListQueryParameters,
    VectorStoreFileListQueryParameters,
    VectorStoreListQueryParameters,
)
from core.client._polling import (
    FILE_BATCH_TERMINAL,
    VECTOR_STORE_FILE_TERMINAL,
    VECTOR_STORE_TERMINAL,
)
from core.client._steps import Steps, api, api_paged
from core.types.shared import DeletedObject
from core.types.vector_stores import (
    FileBatchCreateParams,
    SearchResultsPage,
    VectorStore,
    VectorStoreCreateParams,
    VectorStoreFile,
    VectorStoreFileBatch,
    VectorStoreFileContent,
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


class VectorStoresMixin(BaseClient):
    # --- vector stores -----------------------------------------------------------------------

    @api
    def create_vector_store(
        self, params: VectorStoreCreateParams | Params = None, /, **fields: Any
    ) -> Steps[VectorStore]:
        body = coerce_params(VectorStoreCreateParams, params, fields)
        return (yield from self._post_op("/vector_stores", VectorStore, body))

    @api
    def create_vector_store_and_wait_to_complete(
        self, params: VectorStoreCreateParams | Params = None, /, **fields: Any
    ) -> Steps[VectorStore]:
        """Create a vector store and poll it until its files are ingested."""
        body = coerce_params(VectorStoreCreateParams, params, fields)
        store = yield from self._post_op("/vector_stores", VectorStore, body)
        return (yield from self._wait_for_store_op(store.id, None))

    @api
    def get_vector_store(self, vector_store_id: str) -> Steps[VectorStore]:
        return (yield from self._get_op(_store_path(vector_store_id), VectorStore))

    @api_paged
    def get_vector_stores(
        self, query: VectorStoreListQueryParameters | None = None, /, **params: Any
    ) -> Steps[PageSpec[VectorStore]]:
        query = coerce_params(VectorStoreListQueryParameters, query, params)
        return (yield from self._list_op("/vector_stores", VectorStore, query))

    @api
    def modify_vector_store(
        self,
        vector_store_id: str,
        params: VectorStoreUpdateParams | Params = None,
        /,
        **fields: Any,
    ) -> Steps[VectorStore]:
        body = coerce_params(VectorStoreUpdateParams, params, fields)
        return (yield from self._post_op(_store_path(vector_store_id), VectorStore, body))

    @api
    def delete_vector_store(self, vector_store_id: str) -> Steps[DeletedObject]:
        return (yield from self._delete_op(_store_path(vector_store_id), DeletedObject))

    @api
    def wait_for_vector_store_to_complete(
        self, vector_store_id: str, *, on_poll: Callable[[VectorStore], object] | None = None
    ) -> Steps[VectorStore]:
        """Poll until the store is `completed` (every file ingested or failed) or `expired`.

        `on_poll` sees each state fetched, e.g. to report its `file_counts` as they move.
        """
        return (yield from self._wait_for_store_op(vector_store_id, on_poll))

    def _wait_for_store_op(
        self, vector_store_id: str, on_poll: Callable[[VectorStore], object] | None
    ) -> Steps[VectorStore]:
        return (
            yield from self._poll_op(
                _store_path(vector_store_id),
                VectorStore,
                object_type="vector store",
                object_id=vector_store_id,
                terminal=VECTOR_STORE_TERMINAL,
                on_poll=on_poll,
            )
        )

    @api
    def search_vector_store(
        self,
        vector_store_id: str,
        params: VectorStoreSearchParams | Params | str = None,
        /,
        **fields: Any,
    ) -> Steps[SearchResultsPage]:
        """Search a store's chunks: `search_vector_store(vs_id, "query text", max_num_results=5)`."""
        if isinstance(params, str):
            params, fields = None, {"query": params, **fields}
        body = coerce_params(VectorStoreSearchParams, params, fields)
        return (
            yield from self._post_op(
                _store_path(vector_store_id, "search"), SearchResultsPage, body
            )
        )

    # --- vector store files ------------------------------------------------------------------

    @api
    def create_vector_store_file(
        self,
        vector_store_id: str,
        params: VectorStoreFileCreateParams | Params = None,
        /,
        **fields: Any,
    ) -> Steps[VectorStoreFile]:
        """Attach an uploaded file: `create_vector_store_file(vs_id, file_id="file-…")`."""
        body = coerce_params(VectorStoreFileCreateParams, params, fields)
        return (
            yield from self._post_op(_store_path(vector_store_id, "files"), VectorStoreFile, body)
        )

    @api
    def get_vector_store_file(self, vector_store_id: str, file_id: str) -> Steps[VectorStoreFile]:
        return (yield from self._get_op(_file_path(vector_store_id, file_id), VectorStoreFile))

    @api_paged
    def get_vector_store_files(
        self,
        vector_store_id: str,
        query: VectorStoreFileListQueryParameters | None = None,
        /,
        **params: Any,
    ) -> Steps[PageSpec[VectorStoreFile]]:
        query = coerce_params(VectorStoreFileListQueryParameters, query, params)
        return (
            yield from self._list_op(_store_path(vector_store_id, "files"), VectorStoreFile, query)
        )

    @api
    def get_vector_store_file_content(
        self, vector_store_id: str, file_id: str
    ) -> Steps[VectorStoreFileContent]:
        """The parsed text of a file in the store (beyond the seed; OpenAI's endpoint)."""
        path = f"{_file_path(vector_store_id, file_id)}/content"
        return (yield from self._get_op(path, VectorStoreFileContent))

    @api
    def delete_vector_store_file(self, vector_store_id: str, file_id: str) -> Steps[DeletedObject]:
        """Detach a file from the store (the uploaded file itself stays)."""
        return (yield from self._delete_op(_file_path(vector_store_id, file_id), DeletedObject))

    @api
    def wait_for_vector_store_file_to_complete(
        self, vector_store_id: str, file_id: str
    ) -> Steps[VectorStoreFile]:
        """Poll until the file is `completed`, `failed` (see `last_error`) or `cancelled`."""
        return (
            yield from self._poll_op(
                _file_path(vector_store_id, file_id),
                VectorStoreFile,
                object_type="vector store file",
                object_id=file_id,
                terminal=VECTOR_STORE_FILE_TERMINAL,
            )
        )

    # --- file batches ------------------------------------------------------------------------

    @api
    def create_vector_store_file_batch(
        self, vector_store_id: str, params: FileBatchCreateParams | Params = None, /, **fields: Any
    ) -> Steps[VectorStoreFileBatch]:
        body = coerce_params(FileBatchCreateParams, params, fields)
        path = _store_path(vector_store_id, "file_batches")
        return (yield from self._post_op(path, VectorStoreFileBatch, body))

    @api
    def get_vector_store_file_batch(
        self, vector_store_id: str, batch_id: str
    ) -> Steps[VectorStoreFileBatch]:
        return (
            yield from self._get_op(_batch_path(vector_store_id, batch_id), VectorStoreFileBatch)
        )

    @api_paged
    def get_vector_store_file_batch_files(
        self,
        vector_store_id: str,
        batch_id: str,
        query: VectorStoreFileBatchFileListQueryParameters | None = None,
        /,
        **params: Any,
    ) -> Steps[PageSpec[VectorStoreFile]]:
        query = coerce_params(VectorStoreFileBatchFileListQueryParameters, query, params)
        return (
            yield from self._list_op(
                _batch_path(vector_store_id, batch_id, "files"), VectorStoreFile, query
            )
        )

    @api
    def cancel_vector_store_file_batch(
        self, vector_store_id: str, batch_id: str
    ) -> Steps[VectorStoreFileBatch]:
        path = _batch_path(vector_store_id, batch_id, "cancel")
        return (yield from self._post_op(path, VectorStoreFileBatch, None))

    @api
    def wait_for_vector_store_file_batch_to_complete(
        self,
        vector_store_id: str,
        batch_id: str,
        *,
        on_poll: Callable[[VectorStoreFileBatch], object] | None = None,
    ) -> Steps[VectorStoreFileBatch]:
        """Poll a file batch until it is `completed`, `failed` or `cancelled`.

        `on_poll` sees each state fetched, e.g. to report its `file_counts` as they move.
        """
        return (
            yield from self._poll_op(
                _batch_path(vector_store_id, batch_id),
                VectorStoreFileBatch,
                object_type="file batch",
                object_id=batch_id,
                terminal=FILE_BATCH_TERMINAL,
                on_poll=on_poll,
            )
        )
