"""Workflow C of the seed: describe the images of PDFs and image files, and write the
descriptions into new PDFs as alternate text.

    OPENAI_API_KEY=... OPENAI_BASE_URL=http://127.0.0.1:8765/v1 python examples/describe_images.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _samples import client_from_env, image_file, model_from_env, sample_pdf

from core import AICopilotFactory, OpenAIImageDescriptionCopilotOptions, PdfDocument


def main(workdir: Path, output_dir: Path) -> dict[str, object]:
    pdf_path = sample_pdf(workdir, "Pdf_with_images.pdf")
    with client_from_env() as client:
        options = (
            OpenAIImageDescriptionCopilotOptions.create()
            .with_model(model_from_env())  # "The model should have vision capabilities"
            .with_temperature(0.5)
            .with_top_p(1)
            .with_document(PdfDocument("Another_Pdf_with_images", pdf_path.read_bytes()))
            .with_document(str(image_file(workdir, "Mona_liza.png")))
            .with_document(str(pdf_path))
            .with_image_detail("low")
        )
        image_copilot = AICopilotFactory.create_image_description_copilot(client, options)

        results = image_copilot.get_image_descriptions()  # one result per source
        described = [
            # The built-in model cannot see: it offers a draft only from evidence (caption,
            # label, OCR text) for a person to accept; a vision model gives a description.
            (result.file_path or result.source.name, d.page_number, d.description or d.draft)
            for result in results
            for d in result.image_descriptions
        ]
        written = image_copilot.add_pdf_image_descriptions(output_dir)
        return {"results": len(results), "described": described, "written": written}


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        result = main(Path(workdir), Path.cwd())
        for source, page, description in result["described"]:  # type: ignore[attr-defined]
            print(f"{source} p.{page}: {description}")
        print("written:", *result["written"])  # type: ignore[misc]
