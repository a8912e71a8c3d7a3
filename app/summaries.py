"""The Summary screen's work: a summary of the uploads, each bad file named, and its exports."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from streamlit.runtime.uploaded_file_manager import UploadedFile

from app import uploads
from core import OpenAIClient
from core.copilots import (
    CopilotError,
    DocumentSource,
    DocumentSourceError,
    FailedDocument,
    OpenAISummaryCopilotOptions,
    ProgressCallback,
    SummaryCopilot,
    TextCallback,
)

SummaryFormat = Literal["pdf", "docx", "md"]
LENGTHS = {"Short (about 100 words)": "short", "Medium (about 250 words)": "medium",
           "Long (about 500 words)": "long"}


@dataclass
class SummaryResult:
    """The summary of the files that could be summarised, and each other file with its reason."""

    text: str
    names: list[str]
    copilot: SummaryCopilot
    failed: list[FailedDocument] = field(default_factory=list)

    def export(self, fmt: SummaryFormat) -> bytes:
        """The summary as PDF, DOCX or Markdown bytes."""
        if fmt == "pdf":
            return self.copilot.get_summary_document()
        with tempfile.TemporaryDirectory() as workdir:
            return self.copilot.save_summary(Path(workdir) / f"summary.{fmt}", fmt).read_bytes()


def read_uploads(files: Iterable[UploadedFile]) -> tuple[list[DocumentSource], list[FailedDocument]]:
    """The uploads as sources; one that is neither PDF, image nor text is named, not fatal."""
    sources: list[DocumentSource] = []
    failed: list[FailedDocument] = []
    for upload in files:
        try:
            sources += uploads.as_sources([upload])
        except DocumentSourceError as exc:
            failed.append(FailedDocument(upload.name, exc.reason))
    return sources, failed


def summarize(
    client: OpenAIClient,
    sources: list[DocumentSource],
    *,
    length: str | int,
    prompt: str,
    model: str,
    temperature: float,
    on_progress: ProgressCallback,
    on_text: TextCallback | None = None,
    failed: list[FailedDocument] | None = None,
) -> SummaryResult:
    """Summarise `sources`; files that fail are in `failed` with their reasons, with those of
    `failed` given (read errors). The text is empty when no file could be summarised."""
    options = (OpenAISummaryCopilotOptions.create().with_documents(sources).with_model(model)
               .with_temperature(temperature).with_length(length)  # type: ignore[arg-type]
               .with_progress(on_progress).with_text_stream(on_text))
    if prompt.strip():
        options.with_summary_prompt(prompt.strip())
    copilot = client.get_summary_copilot(options)
    earlier = list(failed or [])
    try:
        text = copilot.get_summary() if sources else ""
    except CopilotError:
        if not copilot.failed_documents:
            raise  # not about a file (the server, the model): the caller reports it
        text = ""
    names = [s.name for s in sources if s.name in copilot.summaries]
    return SummaryResult(text, names, copilot, earlier + copilot.failed_documents)
