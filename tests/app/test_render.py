"""Rendering helpers: dollar signs, and the cited passage found and marked in its page."""

from __future__ import annotations

import re

from app.render import escape_markdown, find_passage, highlighted_page_html

PAGE = (
    "Net sales by region\nAmericas $ 49,278 $ 51,496 (4)%\n"
    "Americas net sales decreased during the first quarter of 2023 compared to the same\n"
    "quarter in 2022 due primarily to lower net sales of iPhone and Mac.\nEurope\n"
)
QUOTE = (
    "Americas net sales decreased during the first quarter of 2023 compared to the same"
    " quarter in 2022"
)


def test_dollars_are_not_math():
    assert escape_markdown("from $3.5 to $4 billion") == r"from \$3\.5 to \$4 billion"


def test_passage_is_found_across_line_breaks_and_marked():
    start, end = find_passage(PAGE, QUOTE) or (0, 0)
    assert PAGE[start:end].startswith("Americas net sales")
    assert PAGE[start:end].endswith("2022")
    rendered = highlighted_page_html(PAGE, QUOTE)
    assert "<mark" in rendered and "Americas $ 49,278" in rendered


def test_html_in_pages_is_escaped_and_missing_quotes_show_the_page():
    rendered = highlighted_page_html("<script>alert(1)</script> text", "not there")
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert "<mark" not in rendered


HOSTILE = [
    "![x](http://127.0.0.1:9/track.png)",
    "![f](https:127.0.0.1:9).pdf",
    "[click](javascript:alert(1)) <img src=x onerror=alert(1)> <a href='http://e.vil'>a</a>",
    "# Heading\n> quote\n- item\n1. one\n---",
    "http://127.0.0.1:9/bare www.example.com mail@example.com <http://x.y>",
    ":material/home: :red[red] $x^2$ ~~gone~~ `code` **bold** _it_ | a | b |",
]


def test_inert_escapes_every_markdown_punctuation_mark():
    from app.render import inert

    for text in HOSTILE:
        escaped = inert(text)
        # Every ASCII punctuation mark is preceded by a backslash, so CommonMark takes each one
        # literally: no image, link, autolink, HTML, heading, list, math, icon or colour.
        for i, char in enumerate(escaped):
            if char in "!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~":
                assert escaped[i - 1] == "\\", (text, i)
        # What a reader sees is the text as it was, its line breaks as hard breaks.
        assert re.sub(r"\\(.)", r"\1", escaped) == text.replace("\n", "  \n")


def test_inert_keeps_line_breaks_so_a_quoted_list_stays_one_quote_a_line():
    from app.render import inert

    assert inert("From the documents:\n- first\n- second") == (
        "From the documents\\:  \n\\- first  \n\\- second")


def test_structured_inert_keeps_sections_and_bullets_but_no_links():
    from app.render import structured_inert

    shown = structured_inert("## Results [x](http://127.0.0.1:9/t)\n- Revenue ![i](http://e/i.png)"
                             "\n1. <b>bold</b>\n**Lead**: text")
    lines = shown.split("\n")
    assert lines.pop() == "**Lead**\\: text"  # bold stays bold
    assert lines[0].startswith("## ") and lines[1].startswith("- ") and lines[2].startswith("1. ")
    # Every punctuation mark after the structure is escaped: no link, image or HTML forms.
    for line in lines:
        body = line.split(" ", 1)[1]
        for i, char in enumerate(body):
            if char in "!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~":
                assert body[i - 1] == "\\", (line, i)
