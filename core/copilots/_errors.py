"""Every error a copilot raises, under one root.

    CopilotError
    ├── DocumentSourceError     a document can't be read (missing, not text, no images…)
    ├── DocumentIndexingError   the server could not index the documents (name, last_error)
    ├── CopilotContextError     a context backup is unreadable, or its objects are gone
    ├── CopilotResponseError    a run or completion ended without an answer
    └── OcrUnavailableError     local OCR was asked for but its model does not load

The client error or PDF error behind a copilot error is chained as `__cause__`.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "CopilotContextError",
    "CopilotError",
    "CopilotResponseError",
    "DocumentIndexingError",
    "DocumentSourceError",
    "FailedDocument",
    "OcrUnavailableError",
]


class FailedDocument(NamedTuple):
    """A document the server could not index, and the reason it gave (its `last_error`)."""

    name: str
    reason: str


class CopilotError(Exception):
    """Root of every error raised by `core.copilots`."""


class DocumentSourceError(CopilotError):
    """A document given to a copilot can't be read or doesn't suit it."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class DocumentIndexingError(CopilotError):
    """The server failed to index the documents; nothing of this setup was kept.

    Raised when none of a batch indexed, or when any failed and the chat options say
    `keep_indexed_documents=False`.
    """

    def __init__(self, failures: list[FailedDocument]) -> None:
        listed = "; ".join(f"{name}: {reason}" for name, reason in failures)
        super().__init__(f"the server could not index {listed}")
        self.failures = failures


class CopilotContextError(CopilotError):
    """A context backup can't be used, or the context it names no longer exists."""


class CopilotResponseError(CopilotError):
    """The model did not produce an answer (a failed run, a stream error, an API error)."""


class OcrUnavailableError(CopilotError):
    """Local OCR (rapidocr_onnxruntime) is not installed or its model does not load."""
