"""export_document: PDF, DOCX, Markdown and text that keep Unicode and open in real readers."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.shared import Mm
from pypdf import PdfReader

from core.documents import DocumentError, Section, _fonts, export_document, read_pdf_pages
from core.documents._fonts import FONT_CACHE_ENV, FONT_ENV, find_fonts

TITLE = "Quarterly summary — Café Société"
SECTIONS = [
    Section("Revenue", "Revenue grew 12% at the Café in Zürich.\n\nMargins held: naïve façade.",
            ["report.pdf, p. 12 — “Revenue grew 12%”", "notes.pdf, p. 3"]),
    Section(None, "A closing paragraph without a heading."),
]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.text for page in read_pdf_pages(data))


def test_pdf_opens_and_keeps_accents() -> None:
    data = export_document(TITLE, SECTIONS, "pdf")
    reader = PdfReader(BytesIO(data))
    text = _pdf_text(data)
    assert TITLE in text
    assert "Café" in text and "naïve façade" in text and "“Revenue grew 12%”" in text
    assert "A closing paragraph without a heading." in text
    assert reader.metadata is not None and reader.metadata.title == TITLE
    assert (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)) == \
        pytest.approx((595.28, 841.89), abs=0.5)


@pytest.mark.parametrize(("size", "orientation", "points"), [
    ("Letter", "landscape", (792, 612)),
    ("Legal", "portrait", (612, 1008)),
    ("A3", "portrait", (841.89, 1190.55)),
    ("A5", "landscape", (595.28, 419.53)),
])
def test_pdf_page_setup(size: str, orientation: str, points: tuple[float, float]) -> None:
    data = export_document("Setup", "Body text.", "pdf", page_size=size,  # type: ignore[arg-type]
                           orientation=orientation, margins_mm=10)  # type: ignore[arg-type]
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(points, abs=0.5)


def test_long_text_flows_onto_more_pages() -> None:
    body = "\n\n".join(f"Paragraph {n}: " + "words that wrap " * 40 for n in range(40))
    data = export_document("Long", body, "pdf")
    pages = read_pdf_pages(data)
    assert len(pages) > 3
    assert "Paragraph 39" in pages[-1].text


def test_pdf_with_cjk_text() -> None:
    fonts = find_fonts()
    if fonts.regular is None or fonts.cjk is None:
        pytest.skip("no CJK font on this machine (apt: fonts-droid-fallback, or set "
                    "PDF_COPILOT_CJK_FONT to a TrueType CJK font)")
    data = export_document("日本語の要約", "東京の売上は増加しました。中文也可以。 Café", "pdf")
    text = _pdf_text(data)
    assert "日本語の要約" in text and "東京の売上は増加しました" in text and "Café" in text


def test_core_font_fallback_replaces_what_it_cannot_show(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FONT_ENV, "helvetica")
    data = export_document("Café — “quoted”", "Ünïcödé and 日本 and ✓.", "pdf")
    text = _pdf_text(data)
    assert 'Café - "quoted"' in text  # Latin-1 stays, typography is spelled out
    assert "Ünïcödé and ?? and ?." in text


def test_characters_no_font_has_are_replaced_not_dropped() -> None:
    if find_fonts().regular is None:
        pytest.skip("no Unicode font on this machine; the core-font test covers this case")
    text = _pdf_text(export_document("Glyphs", "before \U000f0000 after", "pdf"))
    assert "before" in text and "after" in text
    assert "before  after" not in text  # something stands where the character was


def test_docx_opens_with_headings_paragraphs_and_citations() -> None:
    data = export_document(TITLE, SECTIONS, "docx", page_size="Letter", orientation="landscape",
                           margins_mm=25)
    document = docx.Document(BytesIO(data))
    styled = [(p.style.name if p.style is not None else "", p.text) for p in document.paragraphs]
    assert styled[0] == ("Title", TITLE)
    assert ("Heading 1", "Revenue") in styled
    assert ("Normal", "Revenue grew 12% at the Café in Zürich.") in styled
    assert ("List Bullet", "report.pdf, p. 12 — “Revenue grew 12%”") in styled
    assert document.core_properties.title == TITLE
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert section.page_width > section.page_height
    assert section.left_margin is not None
    assert abs(section.left_margin - Mm(25)) < Mm(0.1)  # Word stores twips


def test_markdown_layout() -> None:
    text = export_document(TITLE, SECTIONS, "md").decode("utf-8")
    assert text.startswith(f"# {TITLE}\n\n## Revenue\n\nRevenue grew 12% at the Café in Zürich.")
    assert ("Sources:\n\n- report.pdf, p. 12 — “Revenue grew 12%”\n- notes.pdf, p. 3\n"
            in text)
    assert text.endswith("A closing paragraph without a heading.\n")


def test_markdown_keeps_model_markdown_as_is() -> None:
    body = "Use **bold** and a list:\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    assert body in export_document("T", body, "md").decode("utf-8")


def test_plain_text() -> None:
    text = export_document(TITLE, SECTIONS, "txt").decode("utf-8")
    assert text.startswith(f"{TITLE}\n{'=' * len(TITLE)}\n\nRevenue\n-------\n")
    assert "Margins held: naïve façade." in text
    assert "Sources:\n- report.pdf, p. 12 — “Revenue grew 12%”\n- notes.pdf, p. 3" in text


def test_control_characters_do_not_break_docx() -> None:
    data = export_document("Bell\x07 title", "Text with \x0b vertical tab and \x00 NUL.", "docx")
    texts = [p.text for p in docx.Document(BytesIO(data)).paragraphs]
    assert texts[0] == "Bell title"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"fmt": "rtf"}, "Unknown export format"),
    ({"fmt": "pdf", "page_size": "B5"}, "Unknown page size"),
    ({"fmt": "pdf", "orientation": "sideways"}, "Unknown orientation"),
    ({"fmt": "pdf", "margins_mm": 90}, "do not fit"),
    ({"fmt": "pdf", "margins_mm": -1}, "do not fit"),
])
def test_bad_arguments_are_value_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        export_document("T", "body", **kwargs)  # type: ignore[arg-type]


def test_errors_are_document_errors() -> None:
    assert issubclass(DocumentError, Exception)


@pytest.fixture
def variable_font() -> Path:
    fonts = find_fonts()
    if not fonts.variable or fonts.regular is None:
        pytest.skip("the body font here is not a variable font (pip: fontpkg-noto-sans)")
    return fonts.regular


def _font_programs(data: bytes) -> set[bytes]:
    """The embedded font files of the PDF, by content."""
    programs = set()
    for page in PdfReader(BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            programs.add(descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data())
    return programs


def test_variable_font_instances_are_cut_once_and_kept_on_disk(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable_font: Path) -> None:
    cache = tmp_path / "fonts"
    monkeypatch.setenv(FONT_CACHE_ENV, str(cache))
    monkeypatch.setattr(_fonts, "_instances", {})
    data = export_document(TITLE, SECTIONS, "pdf")
    cut = sorted(cache.glob("*.ttf"))
    assert len(cut) == 2, "a regular and a bold instance"
    assert len(_font_programs(data)) == 2, "headings keep their bold face"
    assert "naïve façade" in _pdf_text(data)
    stamps = [path.stat().st_mtime_ns for path in cut]

    monkeypatch.setattr(_fonts, "_instances", {})  # as a new process would start
    written = []
    monkeypatch.setattr(_fonts, "_write_instance", lambda *args: written.append(args))
    assert export_document(TITLE, SECTIONS, "pdf").startswith(b"%PDF")
    assert not written and [path.stat().st_mtime_ns for path in cut] == stamps


def test_an_unwritable_font_cache_falls_back_to_a_temporary_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable_font: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(FONT_CACHE_ENV, str(blocked / "fonts"))
    monkeypatch.setattr(_fonts, "_instances", {})
    monkeypatch.setattr(_fonts, "_fallback_cache", [])
    data = export_document(TITLE, SECTIONS, "pdf")
    assert "Café" in _pdf_text(data)
    assert _fonts._fallback_cache and list(_fonts._fallback_cache[0].glob("*.ttf"))
