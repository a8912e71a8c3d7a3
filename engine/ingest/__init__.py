"""Document ingestion: page text extraction, bounded in child processes, token counts and chunks."""

from .chunking import Chunk, chunk_document, validate_static_strategy
from .extract import ExtractedDocument, ExtractionError, PageText, extract_document
from .pool import ExtractorPool
from .tokens import count_tokens, token_spans

__all__ = [
    "Chunk",
    "ExtractedDocument",
    "ExtractionError",
    "ExtractorPool",
    "PageText",
    "chunk_document",
    "count_tokens",
    "extract_document",
    "token_spans",
    "validate_static_strategy",
]
