"""Workflow A of the seed: summarise a PDF, save the summary as PDF and DOCX.

    OPENAI_API_KEY=... OPENAI_BASE_URL=http://127.0.0.1:8765/v1 python examples/summarize_pdf.py [doc.pdf]

The .NET original builds the client with `OpenAIClient.CreateWithApiKey(key).Build()`, the
options with `OpenAISummaryCopilotOptions.Create(...).WithTemperature(0.5).WithDocument(path)`,
then `AICopilotFactory.CreateSummaryCopilot(client, options)`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _samples import client_from_env, model_from_env, sample_pdf

from core import (
    AICopilotFactory,
    OpenAISummaryCopilotOptions,
    PageInfo,
    SaveFormat,
    TextDocument,
)


def main(document: Path, output_dir: Path) -> dict[str, object]:
    with client_from_env() as client:
        options = (
            OpenAISummaryCopilotOptions.create(lambda o: o.with_model(model_from_env()))
            .with_temperature(0.5)
            .with_document(str(document))
            .with_documents([TextDocument("note", "The museum opens at ten every morning.")])
        )
        summary_copilot = AICopilotFactory.create_summary_copilot(client, options)

        summary_text = summary_copilot.get_summary()
        document_out = summary_copilot.get_summary_document()  # a PDF document
        landscape = summary_copilot.get_summary_document(PageInfo(is_landscape=True))
        pdf = summary_copilot.save_summary(output_dir / "Summary_out.pdf")
        docx = summary_copilot.save_summary(output_dir / "Summary_out.docx", SaveFormat.DOCX)
        return {
            "summary": summary_text,
            "pages": document_out.page_count,
            "landscape_pages": landscape.page_count,
            "saved": [pdf, docx],
        }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        source = Path(sys.argv[1]) if len(sys.argv) > 1 else sample_pdf(Path(workdir))
        result = main(source, Path.cwd())
        print(result["summary"])
        print("saved:", *result["saved"])  # type: ignore[misc]
