"""Options, the factory and the client's getters."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from core import (
    AICopilotFactory,
    OpenAIChatCopilotOptions,
    OpenAIClient,
    OpenAIImageDescriptionCopilotOptions,
    OpenAIOcrCopilotOptions,
    OpenAISummaryCopilotOptions,
)
from core.copilots import (
    ChatCopilot,
    DocumentSource,
    DocumentSourceError,
    ImageDescriptionCopilot,
    OcrCopilot,
    SummaryCopilot,
)
from core.copilots._common import resolve_model


def test_fluent_options_return_themselves_and_validate(tmp_path: Path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes")
    options = (
        OpenAIChatCopilotOptions.create()
        .with_model("m")
        .with_temperature(0.2)
        .with_top_p(0.9)
        .with_instructions("Be brief.")
        .with_document(pdf)
        .with_documents([str(notes)])
        .with_text_document("memo", "Hello")
        .with_pdf_bytes("upload", b"%PDF-1.4\n")
        .with_truncation_strategy("last_messages", 6)
        .with_vector_store_expiry_days(3)
        .with_context_backup(tmp_path / "ctx.json")
    )
    assert options.model == "m" and options.temperature == 0.2
    assert [(d.name, d.kind) for d in options.documents] == [
        ("a.pdf", "pdf"),
        ("notes.md", "text"),
        ("memo.txt", "text"),
        ("upload.pdf", "pdf"),
    ]
    assert (
        options.truncation_strategy is not None and options.truncation_strategy.last_messages == 6
    )
    assert options.context_backup == tmp_path / "ctx.json"

    with pytest.raises(ValidationError):
        options.with_temperature(3)
    with pytest.raises(ValidationError):
        options.with_max_completion_tokens(10)  # runs need at least 256
    with pytest.raises(DocumentSourceError, match="no such file"):
        options.with_document(tmp_path / "missing.pdf")

    summary = OpenAISummaryCopilotOptions.create().with_length(120).with_summary_prompt("Sum up.")
    assert summary.length == 120 and summary.summary_prompt == "Sum up."
    with pytest.raises(ValidationError):
        summary.with_length("tiny")  # type: ignore[arg-type]
    images = (
        OpenAIImageDescriptionCopilotOptions.create()
        .with_detail("high")
        .with_min_image_size(50, 5000)
    )
    assert (images.detail, images.min_image_side, images.min_image_area) == ("high", 50, 5000)
    assert OpenAIOcrCopilotOptions.create().with_local_ocr(False).use_local_ocr is False


def test_the_default_model_is_the_servers_first(client: OpenAIClient):
    assert resolve_model(client, None) == "pdf-copilot-local"
    assert resolve_model(client, "other") == "other"


def test_factory_and_client_getters_make_each_copilot(client: OpenAIClient):
    assert isinstance(client.get_chat_copilot(), ChatCopilot)
    assert isinstance(client.get_summary_copilot(), SummaryCopilot)
    assert isinstance(client.get_image_description_copilot(), ImageDescriptionCopilot)
    assert isinstance(client.get_ocr_copilot(), OcrCopilot)
    options = OpenAIChatCopilotOptions.create()
    copilot = AICopilotFactory.create_chat_copilot(client, options)
    assert copilot.options is options and not copilot.has_context
    assert isinstance(AICopilotFactory.create_summary_copilot(client), SummaryCopilot)
    assert isinstance(
        AICopilotFactory.create_image_description_copilot(client), ImageDescriptionCopilot
    )
    assert isinstance(AICopilotFactory.create_ocr_copilot(client), OcrCopilot)


def test_document_sources_know_their_kind(tmp_path: Path):
    image = tmp_path / "photo.JPG"
    image.write_bytes(b"\xff\xd8\xff")
    assert DocumentSource.from_path(image).kind == "image"
    disguised = tmp_path / "report.bin"
    disguised.write_bytes(b"%PDF-1.7\n...")
    assert DocumentSource.from_path(disguised).kind == "pdf"
    assert DocumentSource.from_text("notes.md", "x").name == "notes.md"
    with pytest.raises(DocumentSourceError, match="UTF-8"):
        DocumentSource(name="blob", kind="text", data=b"\xff\xfe\x00\xd8").read_text()


def test_seed_option_members(tmp_path: Path):
    from core import Detail, DocumentCollection, PdfDocument, TextDocument

    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    chat = (
        OpenAIChatCopilotOptions.create(lambda o: o.with_model("m"))
        .with_context_backup_json_path(tmp_path / "ctx.json")
        .with_restore_context_from_backup(True)
        .with_vector_store_expire_days(9)
    )
    assert chat.model == "m" and chat.get_options() is chat
    assert chat.context_backup_json_path == tmp_path / "ctx.json"
    assert chat.restore_context_from_backup and chat.vector_store_expire_days == 9
    assert OpenAIChatCopilotOptions.create().restore_context_from_backup is False

    chat.system_instructions = "Answer briefly."
    assert chat.instructions == "Answer briefly."

    images = (
        OpenAIImageDescriptionCopilotOptions.create()
        .with_image_description_prompt("Alt text, please.")
        .with_image_detail("low")
    )
    assert (images.image_prompt, images.detail) == ("Alt text, please.", "low")
    assert images.image_description_prompt == "Alt text, please." and images.image_detail == "low"

    ocr = (
        OpenAIOcrCopilotOptions.create()
        .with_resolution(150)
        .with_system_instructions("You transcribe.")
        .with_user_instructions("Read it.")
        .with_detail(Detail.LOW)
    )
    assert (ocr.resolution, ocr.instructions, ocr.ocr_prompt) == (150, "You transcribe.", "Read it.")
    assert ocr.detail == "low" and OpenAIOcrCopilotOptions().resolution == 300
    with pytest.raises(ValidationError):
        ocr.with_resolution(10)

    named = PdfDocument("Another_Pdf_with_images", pdf)
    unnamed = PdfDocument(document=pdf.read_bytes())
    text = TextDocument("memo", "Hello")
    assert named.name == "Another_Pdf_with_images.pdf" and named.kind == "pdf"
    assert unnamed.name.endswith(".pdf") and len(unnamed.name) > 30  # a GUID
    assert unnamed.document.startswith(b"%PDF") and text.content == "Hello"
    with pytest.raises(DocumentSourceError, match="not a PDF"):
        PdfDocument("x", b"hello")

    summary = OpenAISummaryCopilotOptions.create().with_document(named).with_documents([str(pdf)])
    collection = summary.document_collection
    assert collection.document_paths == [str(pdf)] and collection.pdf_documents == [named]
    # A DocumentCollection replaces the documents (lists add to them), as in the seed.
    summary.with_documents(DocumentCollection(text_documents=[text]))
    assert [d.name for d in summary.documents] == ["memo.txt"]
    summary.with_documents([text])
    assert len(summary.documents) == 2
