"""Summary screen against a real engine: summarise, read, download; each bad file is named with
its reason while the others are summarised; errors stay readable."""

from __future__ import annotations

from app_helpers import errors, texts

PAGE = "screens/summary.py"
TEXT = " ".join(
    f"Paragraph {n}: the Contoso board approved a plan to expand recycling in region {n}."
    for n in range(60)
)


def test_summarise_and_export(use_engine, open_page, aapl_10q):
    at = open_page(PAGE)
    at.file_uploader(key="summary.uploader").set_value(
        [(aapl_10q.name, aapl_10q.read_bytes(), "application/pdf")]).run()
    at.selectbox(key="summary.length").set_value("Short (about 100 words)")
    at.slider(key="summary.temperature").set_value(0.0)
    at.button(key="summary.run").click().run()
    assert not errors(at), errors(at)
    result = at.session_state["summary.result"]
    assert result.text and len(result.text.split()) <= 130
    assert "117,154" in result.text and "(p. 4)" in result.text
    assert "117,154" in texts(at), "the summary is shown as Markdown"
    assert at.download_button(key="summary.download")
    assert result.export("pdf").startswith(b"%PDF")
    assert result.export("docx").startswith(b"PK")
    assert result.export("md").strip()


def test_summary_of_text_with_a_prompt(use_engine, open_page):
    at = open_page(PAGE)
    at.file_uploader(key="summary.uploader").set_value(
        [("board.txt", TEXT.encode(), "text/plain")]).run()
    at.text_input(key="summary.prompt").set_value("Summarize the board's plan.")
    at.button(key="summary.run").click().run()
    assert not errors(at), errors(at)
    result = at.session_state["summary.result"]
    assert result.copilot.options.summary_prompt == "Summarize the board's plan."
    assert "contoso" in result.text.lower()
    button = at.download_button(key="summary.download")
    assert button.proto.url and not button.proto.HasField("deferred_file_id"), \
        "the file is made before the button shows, so it cannot expire"


def test_an_empty_file_says_so(use_engine, open_page):
    at = open_page(PAGE)
    at.file_uploader(key="summary.uploader").set_value([("empty.pdf", b"", "application/pdf")]).run()
    at.button(key="summary.run").click().run()
    assert any("empty.pdf" in e and "empty file (0 bytes)" in e for e in errors(at)), errors(at)


def test_each_bad_file_is_named_and_the_others_summarised(use_engine, open_page):
    at = open_page(PAGE)
    at.file_uploader(key="summary.uploader").set_value([
        ("broken.pdf", b"%PDF-1.4 nothing else", "application/pdf"),
        ("board.txt", TEXT.encode(), "text/plain"),
        ("binary.txt", b"\xff\xfe\x00\x81 not text", "text/plain")]).run()
    at.button(key="summary.run").click().run()
    shown = errors(at)
    assert any(e.startswith("**broken.pdf** was not summarized:") and "damaged" in e.lower()
               for e in shown), shown
    assert any(e.startswith("**binary.txt** was not summarized:") for e in shown), shown
    result = at.session_state["summary.result"]
    assert result.names == ["board.txt"] and "contoso" in result.text.lower()
    assert not any("Summarizing failed" in e for e in shown)


def test_damaged_pdf_alone_is_named_with_its_reason(use_engine, open_page):
    at = open_page(PAGE)
    at.file_uploader(key="summary.uploader").set_value(
        [("broken.pdf", b"%PDF-1.4 nothing else", "application/pdf")]).run()
    at.button(key="summary.run").click().run()
    assert any(e.startswith("**broken.pdf** was not summarized") for e in errors(at)), errors(at)
    assert not at.exception


def test_server_down_is_a_clear_error(server_down, open_page):
    at = open_page(PAGE)
    at.file_uploader(key="summary.uploader").set_value(
        [("board.txt", TEXT.encode(), "text/plain")]).run()
    at.button(key="summary.run").click().run()
    assert any("Summarizing failed" in e and "cannot be reached" in e for e in errors(at)), \
        errors(at)
