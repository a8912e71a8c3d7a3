"""Vector stores, their files, file batches, search requests and results."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from core.types.shared import Metadata, StrictParams, WireModel

AttributeValue = str | float | bool
Attributes = dict[str, AttributeValue]


class FileCounts(WireModel):
    in_progress: int = 0
    completed: int = 0
    failed: int = 0
    cancelled: int = 0
    total: int = 0


class ExpiresAfter(WireModel):
    anchor: Literal["last_active_at"] = "last_active_at"
    days: Annotated[int, Field(ge=1, le=365)]


class StaticChunking(WireModel):
    max_chunk_size_tokens: Annotated[int, Field(ge=100, le=4096)] = 800
    chunk_overlap_tokens: Annotated[int, Field(ge=0)] = 400


class StaticChunkingStrategy(WireModel):
    type: Literal["static"] = "static"
    static: StaticChunking


class AutoChunkingStrategy(WireModel):
    type: Literal["auto"] = "auto"


ChunkingStrategyParam = Annotated[
    AutoChunkingStrategy | StaticChunkingStrategy, Field(discriminator="type")
]


class VectorStore(WireModel):
    id: str
    object: Literal["vector_store"] = "vector_store"
    created_at: int
    name: str
    usage_bytes: int
    file_counts: FileCounts
    status: Literal["expired", "in_progress", "completed"]
    expires_after: ExpiresAfter | None = None
    expires_at: int | None = None
    last_active_at: int | None
    metadata: Metadata | None


class LastError(WireModel):
    code: Literal["server_error", "unsupported_file", "invalid_file"]
    message: str


class VectorStoreFile(WireModel):
    id: str
    object: Literal["vector_store.file"] = "vector_store.file"
    usage_bytes: int
    created_at: int
    vector_store_id: str
    status: Literal["in_progress", "completed", "cancelled", "failed"]
    last_error: LastError | None
    chunking_strategy: StaticChunkingStrategy | None = None
    attributes: Attributes | None = None


class VectorStoreFileBatch(WireModel):
    id: str
    object: Literal["vector_store.files_batch"] = "vector_store.files_batch"
    created_at: int
    vector_store_id: str
    status: Literal["in_progress", "completed", "cancelled", "failed"]
    file_counts: FileCounts


class VectorStoreCreateParams(StrictParams):
    name: str | None = None
    file_ids: list[str] = Field(default_factory=list, max_length=500)
    expires_after: ExpiresAfter | None = None
    chunking_strategy: ChunkingStrategyParam | None = None
    metadata: Metadata | None = None
    description: str | None = None


class VectorStoreUpdateParams(StrictParams):
    name: str | None = None
    expires_after: ExpiresAfter | None = None
    metadata: Metadata | None = None


class VectorStoreFileCreateParams(StrictParams):
    file_id: str
    chunking_strategy: ChunkingStrategyParam | None = None
    attributes: Attributes | None = None


class VectorStoreFileUpdateParams(StrictParams):
    attributes: Attributes | None


class FileBatchCreateParams(StrictParams):
    file_ids: list[str] = Field(default_factory=list, max_length=500)
    files: list[VectorStoreFileCreateParams] | None = None
    chunking_strategy: ChunkingStrategyParam | None = None
    attributes: Attributes | None = None


class ComparisonFilter(StrictParams):
    type: Literal["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"]
    key: str
    value: AttributeValue | list[AttributeValue]


class CompoundFilter(StrictParams):
    type: Literal["and", "or"]
    filters: list[ComparisonFilter | CompoundFilter]


class RankingOptions(StrictParams):
    ranker: Literal["none", "auto", "default-2024-11-15"] = "auto"
    score_threshold: Annotated[float, Field(ge=0, le=1)] = 0.0


class VectorStoreSearchParams(StrictParams):
    query: str | list[str]
    rewrite_query: bool = False
    max_num_results: Annotated[int, Field(ge=1, le=50)] = 10
    filters: ComparisonFilter | CompoundFilter | None = None
    ranking_options: RankingOptions | None = None
    # An extension of our engine: "lexical" (BM25), "semantic" (dense vectors) or "hybrid".
    search_mode: Literal["lexical", "semantic", "hybrid"] = "hybrid"


class SearchContent(WireModel):
    type: Literal["text"] = "text"
    text: str


class SearchResult(WireModel):
    file_id: str
    filename: str
    score: float
    attributes: Attributes | None
    content: list[SearchContent]


class SearchResultsPage(WireModel):
    object: Literal["vector_store.search_results.page"] = "vector_store.search_results.page"
    search_query: list[str]
    data: list[SearchResult]
    has_more: bool = False
    next_page: str | None = None


class FileContentPart(WireModel):
    type: Literal["text"] = "text"
    text: str


class VectorStoreFileContent(WireModel):
    """The parsed text of a vector-store file (our engine: one part per page, in order)."""

    object: Literal["vector_store.file_content.page"] = "vector_store.file_content.page"
    data: list[FileContentPart]
    has_more: bool = False
    next_page: str | None  # required by the spec, null included

    @property
    def text(self) -> str:
        return "\n\n".join(part.text for part in self.data)
