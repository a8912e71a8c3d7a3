"""A cited page rendered by PDFium with its quoted passage highlighted where it is drawn."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from core.documents import (
    DamagedDocumentError,
    EncryptedDocumentError,
    PageRenderer,
    Section,
    count_pdf_pages,
    export_document,
    render_page,
)
from core.documents._render import find_quote

SENTENCE = "The Northcape lighthouse was built in 1871 from granite quarried on the island."
OTHER = "Keepers lived in the stone cottage beside the tower until the light was automated."


@pytest.fixture(scope="module")
def two_pages() -> bytes:
    body = [Section("First part", SENTENCE + " " + OTHER, []),
            Section("Second part", "\n\n".join(["Filler paragraph about the weather."] * 60), [])]
    data = export_document("Lighthouse", body, "pdf")
    assert count_pdf_pages(data) >= 2
    return data


def _image(data: bytes) -> Image.Image:
    return Image.open(BytesIO(data)).convert("RGB")


def _highlighted(image: Image.Image) -> list[tuple[int, int]]:
    """Pixels of the highlighter's yellow (white or grey text multiplied by it)."""
    width, height = image.size
    pixels = image.load()
    return [(x, y) for y in range(0, height, 2) for x in range(0, width, 2)
            if (p := pixels[x, y])[2] < 120 and p[0] > 150 and p[1] > 120 and p[0] - p[2] > 100]


def _dark_inside(image: Image.Image, points: list[tuple[int, int]]) -> int:
    """Text pixels (dark) within the highlighted area's bounding box."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    box = image.crop((min(xs), min(ys), max(xs) + 1, max(ys) + 1)).convert("L")
    return sum(box.histogram()[:90])


def test_the_quote_is_highlighted_on_its_text(two_pages: bytes):
    plain = render_page(two_pages, 1, width_px=800)
    marked = render_page(two_pages, 1, quote=SENTENCE, width_px=800)
    assert plain.width == marked.width == 800 and plain.page_count >= 2
    assert not _highlighted(_image(plain.image)), "no highlight without a quote"
    points = _highlighted(_image(marked.image))
    assert marked.highlights >= 1 and len(points) > 200
    assert marked.matched_chars == marked.quote_chars
    assert _dark_inside(_image(marked.image), points) > 100, "the highlight covers the text"
    assert "Northcape lighthouse" in marked.text


def test_the_quote_is_found_despite_spacing_case_and_line_breaks(two_pages: bytes):
    sloppy = SENTENCE.upper().replace(" ", "\n  ", 3)
    rendered = render_page(two_pages, 1, quote=sloppy)
    assert rendered.highlights and rendered.matched_chars == rendered.quote_chars


def test_part_of_a_quote_is_highlighted_when_the_rest_is_elsewhere(two_pages: bytes):
    mixed = SENTENCE + " and then a clause that is nowhere in this document at all."
    rendered = render_page(two_pages, 1, quote=mixed)
    assert rendered.highlights
    assert 0.5 < rendered.matched_chars / rendered.quote_chars < 1


def test_a_quote_not_on_the_page_marks_nothing(two_pages: bytes):
    rendered = render_page(two_pages, 2, quote=SENTENCE)
    assert rendered.highlights == 0 and rendered.matched_chars == 0
    assert not _highlighted(_image(rendered.image))


def test_a_rotated_page_is_highlighted_where_its_text_is_drawn(two_pages: bytes):
    writer = PdfWriter(clone_from=PdfReader(BytesIO(two_pages)))
    writer.pages[0].rotate(90)
    out = BytesIO()
    writer.write(out)
    rendered = render_page(out.getvalue(), 1, quote=SENTENCE, width_px=800)
    assert rendered.height < rendered.width, "a landscape image of the turned page"
    points = _highlighted(_image(rendered.image))
    assert points and _dark_inside(_image(rendered.image), points) > 100


def test_find_quote_maps_back_to_the_page_text():
    page = "Net income\r\n$ 29,998 $ 34,630\r\nOther ﬁnancial income"
    spans, found, wanted = find_quote(page, "net income $29,998 $34,630 other financial")
    assert found == wanted and page[spans[0][0]:spans[0][1]].endswith("ﬁnancial")
    assert find_quote(page, "") == ([], 0, 0)


def test_bad_requests_are_clear_errors(two_pages: bytes):
    with pytest.raises(ValueError, match="no page 99"):
        render_page(two_pages, 99)
    with pytest.raises(ValueError, match="width_px"):
        render_page(two_pages, 1, width_px=100_000)
    with pytest.raises(DamagedDocumentError, match="damaged"):
        render_page(b"%PDF-1.7\nnot really a pdf", 1)
    with pytest.raises(DamagedDocumentError):
        count_pdf_pages(b"")


def test_a_password_protected_pdf_says_so(two_pages: bytes):
    writer = PdfWriter(clone_from=PdfReader(BytesIO(two_pages)))
    writer.encrypt("secret", algorithm="AES-128")
    out = BytesIO()
    writer.write(out)
    with pytest.raises(EncryptedDocumentError, match="password"):
        render_page(out.getvalue(), 1)


def test_trimmed_margins_keep_the_text_and_its_highlight(two_pages: bytes):
    full = render_page(two_pages, 1, quote=SENTENCE, width_px=800)
    trimmed = render_page(two_pages, 1, quote=SENTENCE, width_px=800, trim_margins=True)
    assert trimmed.width < full.width and trimmed.height < full.height
    assert (trimmed.width, trimmed.height) == _image(trimmed.image).size
    assert _highlighted(_image(trimmed.image))


def test_the_renderer_child_draws_the_same_page(two_pages: bytes):
    renderer = PageRenderer()
    try:
        isolated = renderer.render(two_pages, 1, quote=SENTENCE, width_px=600)
        count = renderer.count_pages(two_pages)
        again = renderer.render(two_pages, 2, width_px=600)  # the document is not sent again
        with pytest.raises(ValueError, match="no page 9"):
            renderer.render(two_pages, 9)
        with pytest.raises(DamagedDocumentError, match="damaged"):
            renderer.render(b"%PDF-1.7\nnot really a pdf", 1)
    finally:
        renderer.close()
    local = render_page(two_pages, 1, quote=SENTENCE, width_px=600)
    assert (isolated.text, isolated.highlights, isolated.width) == \
        (local.text, local.highlights, local.width)
    assert again.number == 2 and again.page_count == local.page_count == count


def test_a_page_that_takes_too_long_costs_the_child_not_the_caller(two_pages: bytes):
    renderer = PageRenderer(timeout_seconds=0.001)
    try:
        renderer.start()
        with pytest.raises(DamagedDocumentError, match="took more than 0.001 s to be drawn"):
            renderer.render(two_pages, 1)
        renderer._timeout = 60.0
        assert renderer.render(two_pages, 1).number == 1, "a new child draws the next page"
    finally:
        renderer.close()


def test_a_dead_child_is_replaced(two_pages: bytes):
    renderer = PageRenderer()
    try:
        renderer.render(two_pages, 1, width_px=200)
        renderer._process.kill()  # as a crash inside PDFium would end it
        renderer._process.join()
        assert renderer.render(two_pages, 2, width_px=200).number == 2
    finally:
        renderer.close()


def test_the_memory_limit_is_a_clear_error(two_pages: bytes):
    renderer = PageRenderer(memory_limit_mb=300)
    try:
        with pytest.raises(DamagedDocumentError, match="300 MB"):
            renderer.render(two_pages + b"\n%" + b"x" * 120_000_000, 1)
    finally:
        renderer.close()
