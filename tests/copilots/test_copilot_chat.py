"""The chat copilot against the real engine: answers with cited pages, streaming, exports,
saved and restored context, and cleanup that leaves nothing behind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from copilot_helpers import AAPL, AMERICAS, LIGHTHOUSE, inventory, make_client
from starlette.testclient import TestClient

from core import AICopilotFactory, OpenAIChatCopilotOptions, OpenAIClient
from core.copilots import ChatCopilot, CopilotContextError, DocumentSourceError
from core.errors import NotFoundError

AMERICAS_QUESTION = "Why did Americas net sales decrease during the first quarter of 2023?"


def page_holding(pdf: Path, sentence: str) -> int:
    """The 1-based page whose text holds `sentence` (whitespace normalised), found with pypdf."""
    from pypdf import PdfReader

    wanted = " ".join(sentence.split())
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        if wanted in " ".join((page.extract_text() or "").split()):
            return number
    raise AssertionError(f"{sentence!r} is on no page of {pdf.name}")


@pytest.fixture(scope="module")
def aapl_chat(client: OpenAIClient, aapl: Path) -> Iterator[ChatCopilot]:
    options = OpenAIChatCopilotOptions.create().with_document(aapl).with_temperature(0.2)
    copilot = client.get_chat_copilot(options)
    yield copilot
    copilot.delete_context()


@pytest.fixture(scope="module")
def americas_page(aapl: Path) -> int:
    return page_holding(aapl, AMERICAS)


def test_the_answer_cites_the_page_that_holds_it(aapl_chat: ChatCopilot, americas_page: int):
    answer = aapl_chat.ask(AMERICAS_QUESTION)

    assert "lower net sales of iPhone and Mac" in answer.text
    assert "[1]" in answer.text and "【" not in answer.text, "markers read [n]"
    cited = [c for c in answer.citations if c.quote and "Americas net sales decreased" in c.quote]
    assert cited and cited[0].filename == AAPL and cited[0].page == americas_page
    assert f"{AAPL}, p. {americas_page} — “Americas net sales" in cited[0].format()
    page_text = aapl_chat.cited_page_text(cited[0]) or ""
    assert "Americas net sales decreased" in " ".join(page_text.split())
    assert aapl_chat.get_response("How many shares did the Company repurchase?")


def test_stream_response_yields_text_as_it_arrives(aapl_chat: ChatCopilot, americas_page: int):
    pieces = list(aapl_chat.stream_response(AMERICAS_QUESTION))

    assert len(pieces) > 3, "the answer arrives in pieces"
    answer = aapl_chat.last_answer
    assert answer is not None and "".join(pieces) == answer.text
    assert any(c.page == americas_page for c in answer.citations)


def test_save_response_writes_questions_answers_and_citations(
    aapl_chat: ChatCopilot, americas_page: int, tmp_path: Path
):
    import docx
    from pypdf import PdfReader

    md = aapl_chat.save_response(AMERICAS_QUESTION, tmp_path / "answers.md")
    text = md.read_text(encoding="utf-8")
    assert AMERICAS_QUESTION in text and f"{AAPL}, p. {americas_page}" in text

    word = aapl_chat.save_response([AMERICAS_QUESTION], tmp_path / "answers.docx")
    paragraphs = "\n".join(p.text for p in docx.Document(str(word)).paragraphs)
    assert AMERICAS_QUESTION in paragraphs and f"p. {americas_page}" in paragraphs

    pdf = aapl_chat.save_response(AMERICAS_QUESTION, tmp_path / "answers.bin", format="pdf")
    pdf_text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(pdf).pages).split())
    assert "Americas net sales" in pdf_text and f"p. {americas_page}" in pdf_text


class WithoutCitationExtensions(httpx.BaseTransport):
    """The engine's answers as a server without our extension fields would send them."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        if "application/json" not in response.headers.get("content-type", ""):
            return httpx.Response(
                response.status_code, headers=response.headers, content=response.content
            )
        data = _strip(json.loads(response.content))
        return httpx.Response(response.status_code, json=data)


def _strip(value: object) -> object:
    if isinstance(value, dict):
        citation = value.get("file_citation")
        if isinstance(citation, dict):
            value["file_citation"] = {"file_id": citation["file_id"]}
        return {k: _strip(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def test_pages_are_found_in_the_document_when_the_server_sends_none(
    aapl_chat: ChatCopilot, engine_http: TestClient, americas_page: int, tmp_path: Path
):
    backup = aapl_chat.save_context(tmp_path / "context.json")
    with make_client(transport=WithoutCitationExtensions(engine_http._transport)) as plain:
        options = (
            OpenAIChatCopilotOptions.create()
            .with_context_backup(backup)
            .with_restore_context_from_backup()
        )
        copilot = AICopilotFactory.create_chat_copilot(plain, options)
        answer = copilot.ask(AMERICAS_QUESTION)
        assert copilot.delete_context(include_restored=False) == []

    cited = [c for c in answer.citations if c.quote and c.quote.startswith("Americas net sales")]
    assert cited, answer.citations
    assert cited[0].filename == AAPL and cited[0].page == americas_page


def test_a_restored_context_continues_the_same_thread(client: OpenAIClient, tmp_path: Path):
    backup = tmp_path / "chat.json"
    options = (
        OpenAIChatCopilotOptions.create()
        .with_text_document("lighthouse", LIGHTHOUSE)
        .with_context_backup(backup)
        .with_vector_store_expiry_days(7)
    )
    first = client.get_chat_copilot(options)
    assert not first.has_context
    first.ask("When was the Northcape lighthouse built?")
    first.save_context()
    saved = json.loads(backup.read_text())
    assert set(saved) == {"assistant_id", "thread_id", "file_ids", "vector_store_id"}
    assert client.get_vector_store(saved["vector_store_id"]).expires_after is not None

    # A backup path alone only says where save_context writes: nothing is restored.
    unasked = client.get_chat_copilot(OpenAIChatCopilotOptions.create().with_context_backup(backup))
    assert not unasked.has_context
    second = client.get_chat_copilot(
        OpenAIChatCopilotOptions.create()
        .with_context_backup_json_path(backup)
        .with_restore_context_from_backup(True)
    )
    assert second.has_context and second.context == first.context
    answer = second.ask("Who was the last keeper?")
    assert "Ingrid Solberg" in answer.text
    assert answer.citations[0].filename == "lighthouse.txt"

    thread = [m.text for m in client.get_thread_messages(saved["thread_id"], order="asc")]
    assert len(thread) == 4
    assert thread[0] == "When was the Northcape lighthouse built?" and "1871" in thread[1]
    assert thread[2] == "Who was the last keeper?"
    history = second.get_history()
    assert [role for role, _ in history] == ["user", "assistant", "user", "assistant"]
    assert history[1][1].citations and "[1]" in history[1][1].text
    assert history[1][1].citations[0].filename == "lighthouse.txt"

    second.delete_context()
    with pytest.raises(NotFoundError):
        client.get_thread(saved["thread_id"])
    with pytest.raises(CopilotContextError, match="no longer exists"):
        client.get_chat_copilot(
            OpenAIChatCopilotOptions.create()
            .with_context_backup(backup)
            .with_restore_context_from_backup()
        )
    backup.unlink()
    with pytest.raises(CopilotContextError, match="no context backup"):
        client.get_chat_copilot(
            OpenAIChatCopilotOptions.create()
            .with_context_backup(backup)
            .with_restore_context_from_backup()
        )


def test_delete_context_leaves_no_orphans(client: OpenAIClient):
    before = inventory(client)
    copilot = client.get_chat_copilot(
        OpenAIChatCopilotOptions.create().with_text_document("lighthouse.md", LIGHTHOUSE)
    )
    context = copilot.create_context()
    assert inventory(client) != before

    deleted = copilot.delete_context()

    assert set(deleted) == {
        context.assistant_id,
        context.thread_id,
        context.vector_store_id,
        *context.file_ids,
    }
    assert inventory(client) == before
    assert not copilot.has_context
    with pytest.raises(NotFoundError):
        client.get_thread(context.thread_id or "")


def test_a_damaged_pdf_is_refused_before_anything_is_created(client: OpenAIClient):
    before = inventory(client)
    options = OpenAIChatCopilotOptions.create().with_pdf_bytes("broken", b"%PDF-1.7\nnope\n")
    with pytest.raises(DocumentSourceError, match="broken.pdf"):
        client.get_chat_copilot(options).ask("Anything?")
    assert inventory(client) == before


def ask_about_the_scan(client: OpenAIClient, options: OpenAIChatCopilotOptions):
    """The answer about the scanned ferry, the files uploaded for it, its cited page's text."""
    copilot = client.get_chat_copilot(options)
    try:
        answer = copilot.ask("Where did the ferry Aurora dock?")
        files = [client.get_file(f).filename for f in copilot.context.file_ids]
        page_text = copilot.cited_page_text(answer.citations[0])
    finally:
        copilot.delete_context()
    return answer, files, page_text


def test_a_scanned_pdf_becomes_searchable_through_ocr(client: OpenAIClient, scanned_pdf: Path):
    answer, files, page_text = ask_about_the_scan(
        client, OpenAIChatCopilotOptions.create().with_document(scanned_pdf))

    assert files == ["harbour-scan.pdf.ocr.txt"], "a PDF without text is searched by its OCR text"
    assert "pier 7" in answer.text
    assert answer.citations[0].filename == "harbour-scan.pdf" and answer.citations[0].page == 1
    assert "pier 7" in (page_text or "")


def test_with_server_ocr_a_scanned_pdf_goes_as_it_is_and_the_server_ocrs_it(
        client: OpenAIClient, scanned_pdf: Path):
    answer, files, page_text = ask_about_the_scan(
        client, OpenAIChatCopilotOptions.create().with_document(scanned_pdf).with_server_ocr())

    assert files == ["harbour-scan.pdf"], "uploaded unread: the engine OCRs it while indexing"
    assert "pier 7" in answer.text
    assert answer.citations[0].filename == "harbour-scan.pdf" and answer.citations[0].page == 1
    assert "pier 7" in (page_text or ""), "the scanned page's text is the server's OCR"
