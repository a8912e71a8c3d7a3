"""The Summary screen's work: one summary of the uploads, and its exports."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from core import OpenAIClient
from core.copilots import (
    DocumentSource,
    OpenAISummaryCopilotOptions,
    ProgressCallback,
    SummaryCopilot,
)

SummaryFormat = Literal["pdf", "docx", "md"]
LENGTHS = {"Short (about 100 words)": "short", "Medium (about 250 words)": "medium",
           "Long (about 500 words)": "long"}


@dataclass
class SummaryResult:
    text: str
    names: list[str]
    copilot: SummaryCopilot

    def export(self, fmt: SummaryFormat) -> bytes:
        """The summary as PDF, DOCX or Markdown bytes."""
        if fmt == "pdf":
            return self.copilot.get_summary_document()
        with tempfile.TemporaryDirectory() as workdir:
            return self.copilot.save_summary(Path(workdir) / f"summary.{fmt}", fmt).read_bytes()


def summarize(
    client: OpenAIClient,
    sources: list[DocumentSource],
    *,
    length: str | int,
    prompt: str,
    model: str,
    temperature: float,
    on_progress: ProgressCallback,
) -> SummaryResult:
    options = (OpenAISummaryCopilotOptions.create().with_documents(sources).with_model(model)
               .with_temperature(temperature).with_length(length)  # type: ignore[arg-type]
               .with_progress(on_progress))
    if prompt.strip():
        options.with_summary_prompt(prompt.strip())
    copilot = client.get_summary_copilot(options)
    return SummaryResult(copilot.get_summary(), [s.name for s in sources], copilot)
