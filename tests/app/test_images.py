"""Image descriptions screen against a real engine: gallery, edits, alt text before/after."""

from __future__ import annotations

from app_helpers import IMAGE_JPG, IMAGE_PDF, corpus_file, errors, texts

from core.documents import read_figure_alt_text

PAGE = "screens/images.py"


def test_describe_edit_and_write_alt_text(use_engine, open_page):
    pdf = corpus_file(IMAGE_PDF)
    at = open_page(PAGE)
    at.file_uploader(key="images.uploader").set_value(
        [(pdf.name, pdf.read_bytes(), "application/pdf")]).run()
    at.button(key="images.run").click().run()
    assert not errors(at), errors(at)
    found = at.session_state["images.result"]
    described = found.sources[0].described
    assert described, "the PDF has an image"
    index = described[0][0]
    assert at.text_area(key=f"images.description.0.{index}").value
    assert "Before: 0 of 0 figures" in texts(at)

    at.text_area(key=f"images.description.0.{index}").set_value("A photo edited by a person.")
    at.button(key="images.apply.0").click().run()
    assert not errors(at), errors(at)
    written = at.session_state["images.result"].sources[0].written
    report = read_figure_alt_text(written)
    assert report.figures >= 1 and report.with_alt == report.figures
    assert "After: " in texts(at)
    assert at.download_button(key="images.download.0")


def test_image_files_and_skipped_images(use_engine, open_page):
    jpg = corpus_file(IMAGE_JPG)
    at = open_page(PAGE)
    at.file_uploader(key="images.uploader").set_value([
        (jpg.name, jpg.read_bytes(), "image/jpeg"),
        ("dot.png", _tiny_png(), "image/png")]).run()
    at.button(key="images.run").click().run()
    assert not errors(at), errors(at)
    sources = at.session_state["images.result"].sources
    assert sources[0].described and sources[0].described[0][1].description
    assert sources[1].skipped and "too small" in (sources[1].skipped[0].skipped_reason or "")
    assert any("skipped" in e.label for e in at.expander)


def test_damaged_pdf_is_a_clear_error(use_engine, open_page):
    at = open_page(PAGE)
    at.file_uploader(key="images.uploader").set_value(
        [("broken.pdf", b"%PDF-1.4 nothing", "application/pdf")]).run()
    at.button(key="images.run").click().run()
    assert any(e.startswith("Describing failed") for e in errors(at)), errors(at)
    assert not at.exception


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_server_down_is_a_clear_error(server_down, open_page):
    jpg = corpus_file(IMAGE_JPG)
    at = open_page(PAGE)
    at.file_uploader(key="images.uploader").set_value([(jpg.name, jpg.read_bytes(), "image/jpeg")])
    at.run()
    at.button(key="images.run").click().run()
    assert any("cannot be reached" in e for e in errors(at)), errors(at)
