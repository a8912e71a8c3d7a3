"""Chat screen with scanned PDFs: the engine OCRs them while indexing; the app sends them as is."""

from __future__ import annotations

from app_helpers import errors, texts
from scans import scanned_pdf

from app.conversation import open_conversation
from core import OpenAIClient
from core.copilots import DocumentSource
from core.settings import LOCAL_MODEL

PAGE = "screens/chat.py"
SCAN = [("The harbour master logged", "eleven ships on Tuesday."),
        ("Second page", "The lighthouse keeper slept", "through the storm.")]


def upload(at, *files: tuple[str, bytes, str]):
    uploader = next(u for u in at.get("file_uploader") if u.label.startswith("PDF, text"))
    uploader.set_value(list(files))
    at.run()
    return at


def test_a_scan_is_ocred_by_the_engine_and_answers_cite_its_page(
        use_engine, open_page, engine_client: OpenAIClient):
    at = upload(open_page(PAGE), ("harbour-scan.pdf", scanned_pdf(SCAN), "application/pdf"))
    assert not errors(at), errors(at)
    assert "**harbour-scan.pdf**: 2 pages, indexed" in texts(at), texts(at)
    # Sent as it is: no OCR companion made on the app's side.
    names = [f.filename for f in engine_client.get_files(limit=100)]
    assert "harbour-scan.pdf" in names
    assert not [n for n in names if n.startswith("harbour-scan.pdf.")], names

    at.chat_input(key="chat.prompt").set_value("What did the lighthouse keeper do?").run()
    assert not errors(at), errors(at)
    answer = at.session_state["chat.history"][-1]
    assert "slept" in answer.text, answer.text
    assert answer.citations and answer.citations[0].filename == "harbour-scan.pdf"
    assert answer.citations[0].page == 2, answer.citations


def test_a_scan_ocr_finds_no_text_in_says_so(use_engine, open_page):
    at = upload(open_page(PAGE), ("blank-scan.pdf", scanned_pdf([()]), "application/pdf"))
    problems = errors(at)
    assert [p for p in problems if "blank-scan.pdf** could not be indexed" in p
            and "OCR found no text" in p], problems
    assert "run OCR first" not in " ".join(problems)


def test_the_engines_per_page_progress_covers_the_ocr(engine_client: OpenAIClient):
    heard: list[tuple[str, int, int]] = []
    source = DocumentSource.from_pdf_bytes("two-page-scan.pdf", scanned_pdf(SCAN))
    copilot = open_conversation(engine_client, [source], model=LOCAL_MODEL, server_ocr=True,
                                on_progress=lambda done, total, stage: heard.append(
                                    (stage, done, total)))
    try:
        assert [s for s, _, _ in heard][:1] == ["uploading"], heard  # nothing read here first
        assert ("indexing", 1, 1) in heard, heard
        pages = [(done, total) for stage, done, total in heard if stage == "indexing pages"]
        assert pages and all(total == 2 for _, total in pages), heard
        assert copilot.failed_documents == []
    finally:
        copilot.delete_context()
