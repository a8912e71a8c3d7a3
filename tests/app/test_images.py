"""Image descriptions screen against a real engine: every figure with its evidence, a person's
words written (nothing else), decorative images, the veraPDF figure failure fixed on screen,
bad files named with their reasons."""

from __future__ import annotations

from app_helpers import CORPUS, IMAGE_JPG, IMAGE_PDF, corpus_file, errors, texts

from core.documents import read_figure_alt_text
from core.documents._figures import find_figures

PAGE = "screens/images.py"
VERAPDF_FAIL = CORPUS / "verapdf-alt-text" / "PDF_UA-1" / "7.3 Graphics" / "7.3-t01-fail-a.pdf"


def _open_with(open_page, *uploads):
    at = open_page(PAGE)
    at.file_uploader(key="images.uploader").set_value(list(uploads)).run()
    at.button(key="images.run").click().run()
    return at


def test_a_person_writes_the_alt_text_and_only_that_is_written(use_engine, open_page):
    pdf = corpus_file(IMAGE_PDF)
    at = _open_with(open_page, (pdf.name, pdf.read_bytes(), "application/pdf"))
    assert not errors(at), errors(at)
    found = at.session_state["images.result"]
    index = found.sources[0].described[0][0]
    assert "Before: 0 of 0 figures" in texts(at)
    assert "Lorem ipsum" in texts(at), "the text next to the image is shown"
    assert "cannot see images" in texts(at)
    area = at.text_area(key=f"images.description.0.{index}")
    assert "pixels" not in area.value and "colour" not in area.value

    at.button(key="images.apply.0").click().run()  # nothing accepted yet
    assert read_figure_alt_text(at.session_state["images.result"].sources[0].written).figures == 0

    at.text_area(key=f"images.description.0.{index}").set_value("A photo edited by a person.")
    at.run()
    assert at.radio(key=f"images.choice.0.{index}").value == "Write this alt text", \
        "editing the text chooses to write it"
    at.button(key="images.apply.0").click().run()
    assert not errors(at), errors(at)
    written = at.session_state["images.result"].sources[0].written
    report = read_figure_alt_text(written)
    assert report.figures == 1 and report.with_alt == 1
    assert "After: 1 of 1 figures have alt text — 1 written, 0 marked decorative" in texts(at)
    assert at.download_button(key="images.download.0")

    at.radio(key=f"images.choice.0.{index}").set_value("Decorative (no alt text)").run()
    at.button(key="images.apply.0").click().run()
    written = at.session_state["images.result"].sources[0].written
    assert read_figure_alt_text(written).figures == 0
    assert [f.artifact for f in find_figures(written)] == [True]


def test_the_verapdf_figure_failure_is_fixed_on_the_screen(use_engine, open_page):
    pdf = corpus_file(VERAPDF_FAIL)
    at = _open_with(open_page, (pdf.name, pdf.read_bytes(), "application/pdf"))
    assert not errors(at), errors(at)
    source = at.session_state["images.result"].sources[0]
    assert len(source.described) == 1 and not source.skipped, "a 75×16 tagged figure is listed"
    assert "tagged figure · 75×16 px" in texts(at)
    assert "Before: 0 of 1 figures" in texts(at)
    index = source.described[0][0]
    at.text_area(key=f"images.description.0.{index}").set_value("Logo of Dual lab").run()
    at.button(key="images.apply.0").click().run()
    report = read_figure_alt_text(at.session_state["images.result"].sources[0].written)
    assert report.passes and report.with_alt == 1
    assert "After: 1 of 1 figures have alt text" in texts(at)


def test_image_files_and_skipped_images(use_engine, open_page):
    jpg = corpus_file(IMAGE_JPG)
    at = _open_with(open_page, (jpg.name, jpg.read_bytes(), "image/jpeg"),
                    ("dot.png", _tiny_png(), "image/png"))
    assert not errors(at), errors(at)
    sources = at.session_state["images.result"].sources
    assert sources[0].described and sources[0].described[0][1].description is None
    assert sources[1].skipped and "too small" in (sources[1].skipped[0].skipped_reason or "")
    assert any("skipped" in e.label for e in at.expander)


def test_each_bad_file_is_named_and_the_others_shown(use_engine, open_page):
    pdf = corpus_file(IMAGE_PDF)
    at = _open_with(open_page, ("broken.pdf", b"%PDF-1.4 nothing", "application/pdf"),
                    (pdf.name, pdf.read_bytes(), "application/pdf"),
                    ("photo.png", b"not an image at all", "image/png"))
    shown = errors(at)
    assert any(e.startswith("**broken.pdf** was left out:") and "could not be read" in e
               for e in shown), shown
    assert any(e.startswith("**photo.png** was left out:") and "not a readable image" in e
               for e in shown), shown
    assert [s.source.name for s in at.session_state["images.result"].sources] == [pdf.name]
    assert not any("Describing failed" in e for e in shown)


def test_damaged_pdf_alone_is_named(use_engine, open_page):
    at = _open_with(open_page, ("broken.pdf", b"%PDF-1.4 nothing", "application/pdf"))
    assert any(e.startswith("**broken.pdf** was left out") for e in errors(at)), errors(at)
    assert not at.exception


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_with_the_built_in_model_the_figures_are_found_without_the_server(server_down,
                                                                          open_page):
    jpg = corpus_file(IMAGE_JPG)
    at = open_page(PAGE)
    at.file_uploader(key="images.uploader").set_value([(jpg.name, jpg.read_bytes(), "image/jpeg")])
    at.run()
    at.button(key="images.run").click().run()
    # Only the sidebar says the server is down; describing needed no server.
    page_errors = [e for e in errors(at) if not e.startswith("Not answering")]
    assert not page_errors, page_errors
    assert at.session_state["images.result"].sources[0].described
