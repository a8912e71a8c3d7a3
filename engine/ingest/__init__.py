"""Document ingestion: page text extraction, bounded in child processes, token counts and chunks."""

from ._document import Budget
from .chunking import Chunk, chunk_document, chunk_pages, validate_static_strategy
from .extract import (
    ExtractedDocument,
    ExtractionError,
    OcrPolicy,
    PageText,
    extract_document,
    open_document,
)
from .pool import ExtractorPool
from .tokens import count_tokens, token_spans

__all__ = [
    "Budget",
    "Chunk",
    "ExtractedDocument",
    "ExtractionError",
    "ExtractorPool",
    "OcrPolicy",
    "PageText",
    "chunk_document",
    "chunk_pages",
    "count_tokens",
    "extract_document",
    "open_document",
    "token_spans",
    "validate_static_strategy",
]
