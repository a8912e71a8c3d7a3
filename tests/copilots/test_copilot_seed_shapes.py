"""The seed's copilot result shapes, against the engine: per-source image results, OCR results
with page details and usage, summary documents, saves in a SaveFormat without a suffix."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from copilot_helpers import SCAN_LINES, render_scan
from PIL import Image

from core import (
    AICopilotFactory,
    ImageDescriptionResult,
    OpenAIClient,
    OpenAIImageDescriptionCopilotOptions,
    OpenAIOcrCopilotOptions,
    OpenAISummaryCopilotOptions,
    PageInfo,
    PdfDocument,
    SaveFormat,
    TextDocument,
    TextRecognitionResult,
)
from core.copilots._seed import scaled
from core.documents import PdfImage, Rect

STORY = (
    "The ferry Aurora docked at pier 7 at dawn. Its captain, Mara Lind, logged calm seas. "
    "Forty passengers came ashore and the harbour office stamped their papers by noon."
)


def test_ocr_gives_a_result_per_source_with_page_details(client: OpenAIClient, scanned_pdf: Path):
    options = (
        OpenAIOcrCopilotOptions.create()
        .with_document(scanned_pdf)
        .with_image_bytes("scan.png", render_scan())
    )
    copilot = AICopilotFactory.create_ocr_copilot(client, options)
    assert not copilot.has_context
    results = copilot.get_text_recognition_result()
    assert copilot.has_context
    assert all(isinstance(r, TextRecognitionResult) for r in results)
    pdf, image = results
    assert pdf.source_identifier == "harbour-scan.pdf" and image.source_identifier == "scan.png"
    assert [d.page_number for d in pdf.ocr_details] == [1, 2] and pdf.overall_success
    assert results[0].ocr_details[0].extracted_text.splitlines() == list(SCAN_LINES)
    assert pdf.summary_error_message is None
    assert pdf.total_usage.total_tokens == 0  # read locally: no model tokens


def test_ocr_by_the_model_counts_its_tokens_per_page(client: OpenAIClient):
    options = (
        OpenAIOcrCopilotOptions.create()
        .with_image_bytes("scan.png", render_scan())
        .with_local_ocr(False)
        .with_system_instructions("You transcribe images.")
        .with_user_instructions("Transcribe this image.")
    )
    (result,) = client.get_ocr_copilot(options).get_text_recognition_result()
    (detail,) = result.ocr_details
    assert detail.success and "pier 7" in detail.extracted_text
    assert detail.usage.prompt_tokens > 0 and detail.usage.total_tokens > 0
    assert result.total_usage == detail.usage


def test_ocr_resolution_caps_the_pixels_sent_per_page_inch():
    big = Image.new("L", (1200, 1200), 255)
    buffer = io.BytesIO()
    big.save(buffer, format="PNG")
    image = PdfImage(1, "/Im0", Rect(0, 0, 144, 144), 1200, 1200, buffer.getvalue(), "image/png")
    # 144 pt = 2 inches: 300 dpi allows 600 px, 72 dpi 144 px; a small image stays as it is.
    assert (scaled(image, 300).width, scaled(image, 72).width) == (600, 144)
    assert scaled(image, 1200) is image


def test_image_descriptions_come_one_result_per_source(client: OpenAIClient, tmp_path: Path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(render_scan()), x=10, y=10, w=120)
    path = tmp_path / "with-image.pdf"
    pdf.output(str(path))
    options = (
        OpenAIImageDescriptionCopilotOptions.create()
        .with_document(PdfDocument("Another_Pdf_with_images", path.read_bytes()))
        .with_document(path)
        .with_image_bytes("scan.png", render_scan())
        .with_image_description_prompt("Describe the image for alt text.")
    )
    copilot = client.get_image_description_copilot(options)
    results = copilot.get_image_descriptions()
    assert all(isinstance(r, ImageDescriptionResult) for r in results) and len(results) == 3
    in_memory, by_path, image = results
    assert in_memory.is_pdf_document and not in_memory.is_pdf_document_path
    assert by_path.is_pdf_document_path and by_path.file_path == path
    assert image.file_path is None and not image.is_pdf_document
    described = in_memory.image_descriptions[0]
    assert described.page_number == 1 and described.rectangle is not None
    # The built-in model cannot see: no description, a draft from the image's OCR text.
    assert described.image_bytes and described.description is None
    assert "pier 7" in (described.draft or "")
    assert copilot.has_context
    # Drafts are never written into a PDF without a person accepting them.
    assert copilot.add_pdf_image_descriptions(tmp_path / "out") == []


def test_summary_document_and_saves_in_a_save_format(client: OpenAIClient, tmp_path: Path):
    import docx
    from pypdf import PdfReader

    options = OpenAISummaryCopilotOptions.create().with_document(TextDocument("ferry", STORY))
    copilot = AICopilotFactory.create_summary_copilot(client, options)
    assert not copilot.has_context
    document = copilot.get_summary_document(PageInfo(is_landscape=True))
    assert copilot.has_context and document.page_count >= 1
    box = PdfReader(io.BytesIO(document)).pages[0].mediabox
    assert box.width > box.height
    assert document.as_pdf_document("summary").name == "summary.pdf"

    plain = copilot.save_summary(tmp_path / "Summary_out")  # no suffix: a PDF, as in the seed
    assert plain.name == "Summary_out" and plain.read_bytes().startswith(b"%PDF")
    word = copilot.save_summary(tmp_path / "summary_docx", SaveFormat.DOCX)
    assert "Aurora" in " ".join(p.text for p in docx.Document(str(word)).paragraphs)
    with pytest.raises(Exception, match="format"):
        copilot.save_summary(tmp_path / "x.rtf")


def test_chat_saves_a_response_without_a_suffix(client: OpenAIClient, tmp_path: Path):
    from core import OpenAIChatCopilotOptions

    options = OpenAIChatCopilotOptions.create().with_document(TextDocument("ferry", STORY))
    copilot = client.get_chat_copilot(options)
    try:
        saved = copilot.save_response("Which pier did the ferry dock at?", tmp_path / "Response")
        assert saved.read_bytes().startswith(b"%PDF")
        md = copilot.save_response(["Who is the captain?"], tmp_path / "r", SaveFormat.MARKDOWN)
        assert "Mara Lind" in md.read_text()
        assert copilot.has_context
    finally:
        copilot.delete_context()
    assert not copilot.has_context
