"""Workflow D of the seed: the text of a scanned PDF and of an image (OCR).

OPENAI_API_KEY=... OPENAI_BASE_URL=http://127.0.0.1:8765/v1 python examples/recognize_text.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _samples import client_from_env, image_file, model_from_env, scanned_pdf

from core import AICopilotFactory, Detail, OpenAIOcrCopilotOptions


def main(workdir: Path) -> dict[str, object]:
    with client_from_env() as client:
        options = (
            OpenAIOcrCopilotOptions.create()
            .with_model(model_from_env())  # OpenAIModels.gpt_4o_mini in the .NET example
            .with_document(str(scanned_pdf(workdir)))
            .with_document(str(image_file(workdir)))
            .with_detail(Detail.HIGH)
            .with_resolution(300)
        )
        ocr_copilot = AICopilotFactory.create_ocr_copilot(client, options)

        results = ocr_copilot.get_text_recognition_result()
        return {
            "first_text": results[0].ocr_details[0].extracted_text,
            "sources": [r.source_identifier for r in results],
            "all_succeeded": all(r.overall_success for r in results),
            "tokens": sum(r.total_usage.total_tokens for r in results),
        }


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        for key, value in main(Path(workdir)).items():
            print(f"{key}: {value}")
