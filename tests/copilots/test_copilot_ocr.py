"""The OCR copilot: a scanned page built from rendered text is read back, locally and through
the engine's model."""

from __future__ import annotations

from pathlib import Path

from copilot_helpers import SCAN_LINES, render_scan

from core import OpenAIClient, OpenAIOcrCopilotOptions
from core.copilots import OcrCopilot


def test_a_scanned_pdf_is_read_back_page_by_page(client: OpenAIClient, scanned_pdf: Path):
    progress: list[tuple[int, int, str]] = []
    options = (
        OpenAIOcrCopilotOptions.create()
        .with_document(scanned_pdf)
        .with_progress(lambda *step: progress.append(step))
    )
    result = OcrCopilot(client, options).get_text_recognition_result()

    assert result.success and [p.page for p in result.pages] == [1, 2]
    first, second = result.pages
    assert first.method == "local_ocr" and first.source == "harbour-scan.pdf"
    assert first.text.splitlines() == list(SCAN_LINES)
    assert "Nothing else happened today." in second.text
    assert progress == [(1, 1, "recognising")]


def test_pages_with_a_text_layer_keep_it_and_images_are_read(client: OpenAIClient, tmp_path: Path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, "This page has a real text layer with enough characters.")
    path = tmp_path / "typed.pdf"
    pdf.output(str(path))
    options = (
        OpenAIOcrCopilotOptions.create()
        .with_document(path)
        .with_image_bytes("scan.png", render_scan())
        .with_pdf_bytes("broken.pdf", b"%PDF-1.4 not really")
    )
    result = OcrCopilot(client, options).get_text_recognition_result()

    typed, image, broken = result.pages
    assert typed.method == "text_layer" and "real text layer" in typed.text
    assert image.method == "local_ocr" and "The ferry Aurora docked at pier 7" in image.text
    assert not broken.success and broken.error and broken.source == "broken.pdf"
    assert not result.success


def test_the_vision_model_path(client: OpenAIClient):
    options = OpenAIOcrCopilotOptions.create().with_image_bytes("scan.png", render_scan())
    result = OcrCopilot(client, options.with_local_ocr(False)).get_text_recognition_result()
    (page,) = result.pages
    # The engine's built-in model describes images and quotes the text it finds in them.
    assert page.success and page.method == "vision_model" and "pier 7" in page.text
