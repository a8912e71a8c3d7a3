"""Chat screen against a real engine: index, ask, cite, reload by URL, save/restore/delete."""

from __future__ import annotations

import json

import pytest
from app_helpers import PASSWORD_PDF, corpus_file, errors, shown, texts

from app.conversation import Turn, export_conversation
from core import OpenAIClient
from core.copilots import Citation
from core.documents import export_document

PAGE = "screens/chat.py"
QUESTION = "Why did Americas net sales decrease during the first quarter of 2023?"
NOTE = ("# Contoso field notes\n\nThe Contoso warehouse in Lyon stores 4,200 pallets of"
        " recycled paper. Revenue was $3.5 million in 2023, up from $2.9 million.\n")


def upload(at, *files: tuple[str, bytes, str]):
    """Choose files: indexing starts with no button to press."""
    uploader = next(u for u in at.get("file_uploader") if u.label.startswith("PDF, text"))
    uploader.set_value(list(files))
    at.run()
    return at


def ask(at, question: str):
    at.chat_input(key="chat.prompt").set_value(question).run()
    return at


def test_index_ask_and_cite(use_engine, open_page, aapl_10q, engine_client: OpenAIClient,
                            monkeypatch: pytest.MonkeyPatch):
    from streamlit import deprecation_util

    warned: list[str] = []
    monkeypatch.setattr(deprecation_util._LOGGER, "warning",
                        lambda message, *args, **kwargs: warned.append(str(message)))
    at = upload(open_page(PAGE), (aapl_10q.name, aapl_10q.read_bytes(), "application/pdf"))
    assert not errors(at), errors(at)
    assert "46 pages, indexed" in texts(at) and "Indexed 1 document" in texts(at)
    thread_id = at.query_params.get("thread")
    assert thread_id and str(thread_id).startswith("thread")

    ask(at, QUESTION)
    assert not errors(at), errors(at)
    turns: list[Turn] = at.session_state["chat.history"]
    answer = turns[-1]
    assert answer.role == "assistant" and answer.text
    assert answer.citations and all(c.page for c in answer.citations)
    assert answer.citations[0].filename == aapl_10q.name
    chips = at.pills(key="chat.citation.1")
    assert shown(chips.format_func(0)).startswith(f"[1] {aapl_10q.name}, p. ")
    assert not at.image, "no page is rendered before a chip is chosen"
    chips.set_value(0).run()
    assert not errors(at), errors(at)
    assert at.image, "the chosen citation shows its page image"
    cited = answer.citations[0].page
    assert f"**Page {cited} of 46**" in texts(at) and "(the cited page)" in texts(at)
    assert "highlighted on the page" in texts(at), texts(at)
    at.button(key="chat.citation_next.1").click().run()
    assert f"**Page {cited + 1} of 46**" in texts(at) and "cited page" not in texts(at)
    at.button(key="chat.citation_prev.1").click().run()
    assert f"**Page {cited} of 46**" in texts(at)
    assert not warned, warned
    messages = list(engine_client.get_thread_messages(str(thread_id)))
    assert [m.role for m in messages] == ["assistant", "user"]


def test_reload_with_thread_in_url_reopens_the_conversation(use_engine, open_page):
    at = upload(open_page(PAGE), ("notes.md", NOTE.encode(), "text/markdown"))
    ask(at, "How many pallets does the Lyon warehouse store?")
    thread_id = str(at.query_params["thread"])

    reopened = open_page(PAGE, thread=thread_id)
    assert not errors(reopened), errors(reopened)
    turns: list[Turn] = reopened.session_state["chat.history"]
    assert [t.role for t in turns] == ["user", "assistant"]
    assert "4,200" in turns[1].text
    ask(reopened, "What was the revenue in 2023?")
    assert not errors(reopened)
    assert len(reopened.session_state["chat.history"]) == 4
    shown_markdown = "\n".join(m.value for m in reopened.markdown)
    assert "\\$3" in shown_markdown, "$ must be escaped"
    assert "$3.5" in shown(shown_markdown)


def test_unknown_thread_in_url_is_a_clear_error(use_engine, open_page):
    at = open_page(PAGE, thread="thread_gone")
    assert any("no longer exists" in e for e in errors(at))
    assert at.chat_input(key="chat.prompt").disabled


def test_bad_pdfs_are_left_out_with_the_reason(use_engine, open_page):
    password_pdf = corpus_file(PASSWORD_PDF)
    at = upload(open_page(PAGE),
                ("broken.pdf", b"%PDF-1.7\nthis is not really a pdf", "application/pdf"),
                (password_pdf.name, password_pdf.read_bytes(), "application/pdf"),
                ("empty.pdf", b"", "application/pdf"),
                ("notes.md", NOTE.encode(), "text/markdown"))
    problems = errors(at)
    assert any("broken.pdf** is left out: The PDF is damaged" in e for e in problems), problems
    assert any("empty.pdf** is left out: empty file (0 bytes)" in e for e in problems), problems
    assert any(password_pdf.name in e and "password" in e for e in problems), problems
    assert "Indexed 1 of 4 document" in texts(at)


def test_a_file_the_server_cannot_index_is_named_and_the_conversation_starts(
        use_engine, open_page, blank_pdf: bytes):
    notes_pdf = export_document("Contoso field notes", NOTE.lstrip("# "), "pdf")
    at = upload(open_page(PAGE), ("contoso.pdf", notes_pdf, "application/pdf"),
                ("blank.pdf", blank_pdf, "application/pdf"))
    problems = errors(at)
    assert [e for e in problems if "blank.pdf** could not be indexed: No extractable text" in e]
    assert len(problems) == 1, problems
    assert "**contoso.pdf**: 1 page, indexed" in texts(at)
    assert "Indexed 1 of 2 document" in texts(at)
    assert str(at.query_params.get("thread", "")).startswith("thread")
    assert not at.chat_input(key="chat.prompt").disabled
    assert "searching contoso.pdf" in texts(at)
    ask(at, "How many pallets does the Lyon warehouse store?")
    answer = at.session_state["chat.history"][-1]
    assert "4,200" in answer.text and answer.citations[0].filename == "contoso.pdf"


def test_save_restore_and_delete_context(use_engine, open_page, engine_client: OpenAIClient):
    at = upload(open_page(PAGE), ("notes.md", NOTE.encode(), "text/markdown"))
    ask(at, "Where is the Contoso warehouse?")
    context = at.session_state["chat.copilot"].context.to_json()
    assert set(context) == {"assistant_id", "thread_id", "file_ids", "vector_store_id"}

    restored = open_page(PAGE)
    restored.file_uploader(key="chat.restore_uploader").set_value(
        ("context.json", json.dumps(context).encode(), "application/json")).run()
    restored.button(key="chat.restore").click().run()
    assert not errors(restored), errors(restored)
    assert len(restored.session_state["chat.history"]) == 2
    assert restored.query_params["thread"] == context["thread_id"]

    restored.button(key="chat.delete_context").click().run()
    assert not errors(restored)
    assert "chat.copilot" not in restored.session_state
    with pytest.raises(Exception, match="404|No such|not found"):
        engine_client.get_thread(context["thread_id"])
    assert context["file_ids"][0] not in [f.id for f in engine_client.get_files(limit=100)]


def test_restoring_garbage_is_a_clear_error(use_engine, open_page):
    at = open_page(PAGE)
    at.file_uploader(key="chat.restore_uploader").set_value(
        ("context.json", b"{not json", "application/json")).run()
    at.button(key="chat.restore").click().run()
    assert any("Restoring the context failed" in e for e in errors(at))


def test_new_conversation_clears_the_url(use_engine, open_page):
    at = upload(open_page(PAGE), ("notes.md", NOTE.encode(), "text/markdown"))
    assert "thread" in at.query_params
    at.button(key="chat.new").click().run()
    assert "thread" not in at.query_params
    assert at.chat_input(key="chat.prompt").disabled


def test_server_down_while_indexing_is_a_clear_error(server_down, open_page):
    at = upload(open_page(PAGE), ("notes.md", NOTE.encode(), "text/markdown"))
    assert any("cannot be reached" in e for e in errors(at)), errors(at)
    assert not at.exception


@pytest.mark.parametrize("fmt, magic", [("pdf", b"%PDF"), ("docx", b"PK"), ("md", b"#")])
def test_conversation_export(fmt, magic):
    turns = [Turn("user", "What was revenue?"),
             Turn("assistant", "Revenue was $3.5 million [1].",
                  [Citation("file-1", "notes.md", 1, "Revenue was $3.5 million")])]
    data = export_conversation(turns, fmt, "Conversation")
    assert data.startswith(magic)
    if fmt == "md":
        assert "notes.md" in data.decode() and "$3.5 million" in data.decode()


def test_more_documents_join_the_same_conversation(use_engine, open_page, engine_client):
    at = upload(open_page(PAGE), ("notes.md", NOTE.encode(), "text/markdown"))
    first = at.session_state["chat.copilot"].context
    extra = "# Fabrikam\n\nFabrikam's headquarters moved to Oslo in 2021.\n"
    upload(at, ("fabrikam.md", extra.encode(), "text/markdown"))
    assert not errors(at), errors(at)
    second = at.session_state["chat.copilot"].context
    assert (second.thread_id, second.assistant_id) == (first.thread_id, first.assistant_id)
    assert at.query_params["thread"] == first.thread_id
    stored = {f.id for f in engine_client.get_vector_store_files(second.vector_store_id)}
    assert len(stored) == 2
    assert "searching notes.md, fabrikam.md" in texts(at)
    ask(at, "Where did Fabrikam's headquarters move?")
    answer = at.session_state["chat.history"][-1]
    assert "Oslo" in answer.text and answer.citations[0].filename == "fabrikam.md"


def test_the_download_is_made_when_its_box_opens(use_engine, open_page):
    at = upload(open_page(PAGE), ("notes.md", NOTE.encode(), "text/markdown"))
    ask(at, "How many pallets does the Lyon warehouse store?")
    assert not at.get("download_button") or all(
        b.proto.label != "Download conversation" for b in at.get("download_button")), \
        "nothing is exported while the box is closed"
    at.session_state["chat.export_popover"] = True
    at.run()
    button = next(b for b in at.get("download_button") if b.proto.label ==
                  "Download conversation")
    assert not button.proto.HasField("deferred_file_id"), "no deferred file that can expire"
    assert button.proto.url, "the file is made before the button shows"
    at.radio(key="chat.export_format").set_value("Markdown").run()
    assert not errors(at)


def test_a_download_that_cannot_be_made_says_why(use_engine, open_page,
                                                 monkeypatch: pytest.MonkeyPatch):
    from app import chat_views
    from core.documents import DocumentError

    def broken(*args, **kwargs):
        raise DocumentError("The PDF document could not be made (no room left on the device).")

    at = upload(open_page(PAGE), ("notes.md", NOTE.encode(), "text/markdown"))
    ask(at, "Where is the Contoso warehouse?")
    monkeypatch.setattr(chat_views, "export_conversation", broken)  # a full disk, say
    chat_views._exported.clear()
    at.session_state["chat.export_popover"] = True
    at.run()
    assert any(e.startswith("The PDF file could not be made: The PDF document could not be made"
                            " (no room left") for e in errors(at)), errors(at)
    assert all(b.proto.label != "Download conversation" for b in at.get("download_button"))
