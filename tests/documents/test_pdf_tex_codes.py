"""Text of PDFs whose fonts have no Unicode map (TeX's papers): ligatures, quotes and dashes
passed through as control codes, and words broken over two lines, are read as the words."""

from __future__ import annotations

from pdf_bytes import assemble

from core.pdf import find_quote, open_pdfium, page_chars, page_text


def one_page(content: bytes, encoding: bytes = b"") -> bytes:
    return assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica " + encoding + b">>",
    ])


# Byte 034 is T1's "fi", 033 its "ff", 020/021 its quotes, 025 its en dash; a font without a
# Unicode map passes them through as U+001C, U+001B…
LIGATURES = one_page(b"BT /F1 12 Tf 72 700 Td (The method is de\\034ned and the \\034rst "
                     b"e\\033ect is \\020quoted\\021, ages 50\\02559.) Tj ET")
BROKEN = one_page(b"BT /F1 12 Tf 72 700 Td (The results were pre-) Tj 0 -14 Td "
                  b"(sented to Schwarz-) Tj 0 -14 Td (Weiss painters.) Tj ET",
                  b"/Encoding /WinAnsiEncoding ")


def text_of(data: bytes) -> str:
    document = open_pdfium(data)
    try:
        return page_text(document, 0)
    finally:
        document.close()


def test_teX_ligatures_quotes_and_dashes_are_read_as_text() -> None:
    assert text_of(LIGATURES) == ("The method is defined and the first effect is “quoted”, "
                                  "ages 50–59.")
    # The character boxes read the same, so a quote from the text is found on the page.
    assert page_chars(LIGATURES, 1).text == text_of(LIGATURES)
    assert len(find_quote(LIGATURES, 1, "the first effect is “quoted”")) == 1


def test_a_word_broken_over_two_lines_is_whole_and_a_compound_keeps_its_hyphen() -> None:
    text = text_of(BROKEN)
    assert "were presented to" in text and "Schwarz-Weiss" in text
    assert find_quote(BROKEN, 1, "The results were presented to")
