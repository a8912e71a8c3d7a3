"""The chat copilot's uploads against the real engine: progress, documents the server can't
index (kept out, named with the server's reason, deleted), and documents added to a chat."""

from __future__ import annotations

import pytest
from copilot_helpers import LIGHTHOUSE, inventory

from core import OpenAIChatCopilotOptions, OpenAIClient
from core.copilots import DocumentIndexingError, DocumentSource
from core.documents import export_document

FABRIKAM = "# Fabrikam\n\nFabrikam's headquarters moved to Oslo in 2021.\n"
# What the engine says of a PDF without any text (our OCR found none either).
NO_TEXT = "No extractable text"

Event = tuple[str, int, int]


@pytest.fixture(scope="module")
def lighthouse_pdf() -> bytes:
    return export_document("The Northcape lighthouse", LIGHTHOUSE, "pdf")


def recorder(events: list[Event]):
    return lambda done, total, stage: events.append((stage, done, total))


def assert_uploads_then_indexing(events: list[Event], total: int) -> None:
    """Every file uploaded in turn, then indexing counts that only grow, up to `total`."""
    events = [e for e in events if e[0] != "indexing pages"]  # see the per-page test
    uploading = [(d, t) for stage, d, t in events if stage == "uploading"]
    indexing = [(d, t) for stage, d, t in events if stage == "indexing"]
    assert events == [("uploading", *e) for e in uploading] + [("indexing", *e) for e in indexing]
    assert uploading == [(n, total) for n in range(1, total + 1)]
    done = [d for d, t in indexing if t == total]
    assert len(done) == len(indexing) and done == sorted(set(done)) and done[-1] == total


def test_progress_counts_uploads_then_indexing_up_to_the_total(client: OpenAIClient):
    events: list[Event] = []
    options = (
        OpenAIChatCopilotOptions.create()
        .with_text_document("lighthouse.txt", LIGHTHOUSE)
        .with_text_document("fabrikam.md", FABRIKAM)
        .with_progress(recorder(events))
    )
    copilot = client.get_chat_copilot(options)
    try:
        copilot.create_context()
    finally:
        copilot.delete_context()

    assert_uploads_then_indexing(events, total=2)


def ledger_pdf(pages: int) -> bytes:
    """A PDF of `pages` short pages of text, built directly (fpdf takes too long for thousands)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
    from hostile_pdfs import pdf, text_page

    return pdf([text_page(f"Ledger entry {i}") for i in range(1, pages + 1)])


def test_progress_tells_the_pages_read_while_a_long_pdf_is_indexed(client: OpenAIClient, tmp_path):
    path = tmp_path / "ledger.pdf"
    path.write_bytes(ledger_pdf(20_000))
    events: list[Event] = []
    options = (
        OpenAIChatCopilotOptions.create().with_document(path).with_ocr(False)
        .with_progress(recorder(events))
    )
    copilot = client.get_chat_copilot(options)
    try:
        copilot.create_context()
    finally:
        copilot.delete_context()
    pages = [(d, t) for stage, d, t in events if stage == "indexing pages"]
    assert pages and {t for _, t in pages} == {20_000}
    assert any(0 < d < 20_000 for d, _ in pages), pages  # "Reading page 312 of 20000" on screen
    assert [d for d, _ in pages] == sorted(d for d, _ in pages)


def test_a_file_the_server_rejects_is_left_out_named_and_deleted(
    client: OpenAIClient, lighthouse_pdf: bytes, blank_pdf: bytes
):
    before = inventory(client)
    options = (
        OpenAIChatCopilotOptions.create()
        .with_pdf_bytes("lighthouse.pdf", lighthouse_pdf)
        .with_pdf_bytes("blank.pdf", blank_pdf)
    )
    copilot = client.get_chat_copilot(options)
    try:
        context = copilot.create_context()
        [failed] = copilot.failed_documents
        stored = [f.id for f in client.get_vector_store_files(context.vector_store_id or "")]
        names_on_server = {f.filename for f in client.get_files()}
        answer = copilot.ask("Who was the last keeper of the Northcape lighthouse?")
    finally:
        copilot.delete_context()

    assert failed.name == "blank.pdf" and NO_TEXT in failed.reason
    assert stored == context.file_ids and len(stored) == 1
    assert "blank.pdf" not in names_on_server, "a file that failed is of no use: deleted"
    assert "Ingrid Solberg" in answer.text
    assert answer.citations and answer.citations[0].filename == "lighthouse.pdf"
    assert inventory(client) == before


def test_when_nothing_indexes_it_raises_and_leaves_nothing(client: OpenAIClient, blank_pdf: bytes):
    before = inventory(client)
    copilot = client.get_chat_copilot(
        OpenAIChatCopilotOptions.create().with_pdf_bytes("blank.pdf", blank_pdf)
    )

    with pytest.raises(DocumentIndexingError, match="blank.pdf") as caught:
        copilot.ask("What does it say?")

    assert [name for name, _ in caught.value.failures] == ["blank.pdf"]
    assert NO_TEXT in caught.value.failures[0].reason
    assert inventory(client) == before
    assert not copilot.has_context


def test_without_keeping_any_failure_undoes_the_whole_batch(client: OpenAIClient):
    before = inventory(client)
    options = (
        OpenAIChatCopilotOptions.create()
        .with_text_document("fine.txt", LIGHTHOUSE)
        .with_pdf_bytes("broken.pdf", b"%PDF-1.7\nthis is no PDF at all\n")
        .with_ocr(False)  # so the file reaches the server unread
        .with_keep_indexed_documents(False)
    )
    copilot = client.get_chat_copilot(options)

    with pytest.raises(DocumentIndexingError, match="broken.pdf") as caught:
        copilot.ask("When was the lighthouse built?")

    assert [name for name, _ in caught.value.failures] == ["broken.pdf"]
    assert "damaged" in caught.value.failures[0].reason.lower()
    assert inventory(client) == before
    assert not copilot.has_context


def test_added_documents_join_the_store_and_are_cited(client: OpenAIClient, blank_pdf: bytes):
    copilot = client.get_chat_copilot(
        OpenAIChatCopilotOptions.create().with_text_document("lighthouse.txt", LIGHTHOUSE)
    )
    events: list[Event] = []
    try:
        first = copilot.create_context()
        copilot.options.with_progress(recorder(events))
        second = copilot.add_documents(
            [
                DocumentSource.from_text("fabrikam.md", FABRIKAM),
                DocumentSource.from_pdf_bytes("blank.pdf", blank_pdf),
            ]
        )
        added_events, failed = list(events), [name for name, _ in copilot.failed_documents]
        stored = {f.id for f in client.get_vector_store_files(second.vector_store_id or "")}
        answer = copilot.ask("Where did Fabrikam's headquarters move?")
        names = copilot.document_names()

        with pytest.raises(DocumentIndexingError, match="blank-again.pdf"):
            copilot.add_documents([DocumentSource.from_pdf_bytes("blank-again.pdf", blank_pdf)])
        after_failure = copilot.context
        names_on_server = {f.filename for f in client.get_files()}
    finally:
        copilot.delete_context()

    same = ("assistant_id", "thread_id", "vector_store_id")
    assert [getattr(second, k) for k in same] == [getattr(first, k) for k in same]
    assert stored == set(second.file_ids) and len(stored) == 2
    assert failed == ["blank.pdf"]
    assert_uploads_then_indexing(added_events, total=2)
    assert "Oslo" in answer.text and answer.citations[0].filename == "fabrikam.md"
    assert names == ["lighthouse.txt", "fabrikam.md"]
    assert after_failure == second, "a batch that fails entirely leaves the chat as it was"
    assert "blank-again.pdf" not in names_on_server
