"""The PDF export: fpdf2 with a Unicode font where the machine has one (see _fonts)."""

from __future__ import annotations

import logging
import re

from fpdf import FPDF

from ._fonts import FontChoice, find_fonts, static_instance
from ._outline import Block

logger = logging.getLogger(__name__)

PAGE_SIZES_MM: dict[str, tuple[float, float]] = {
    "A3": (297.0, 420.0),
    "A4": (210.0, 297.0),
    "A5": (148.0, 210.0),
    "Letter": (215.9, 279.4),
    "Legal": (215.9, 355.6),
}
BODY, CJK = "body", "cjk"
TITLE_PT, HEADING_PT, TEXT_PT, SOURCES_PT = 18, 13, 11, 9
CORE_FONT = "helvetica"
CORE_ENCODING = "latin-1"  # what fpdf2's core fonts can show
# Typography outside Latin-1, spelled the way a typewriter would, for the core font.
CORE_SUBSTITUTES = str.maketrans({
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2026": "...", "\u2022": "-",
    "\u20ac": "EUR", "\u2122": "(TM)",
})
REPLACEMENT = "\ufffd"  # shown where no font has the character, when the body font has it
BULLET = "\u2022"


# kind: (size in pt, bold, space before, space after), in mm
STYLES: dict[str, tuple[float, bool, float, float]] = {
    "title": (TITLE_PT, True, 0, 4),
    "heading": (HEADING_PT, True, 3, 1.5),
    "paragraph": (TEXT_PT, False, 0, 2.5),
    "sources": (SOURCES_PT, True, 1, 0),
    "citation": (SOURCES_PT, False, 0, 0.8),
}


def render_pdf(blocks: list[Block], size_mm: tuple[float, float], margins_mm: float) -> bytes:
    """A PDF of the blocks on pages of `size_mm` (width, height) with equal margins."""
    pdf = FPDF(orientation="P", unit="mm", format=size_mm)
    pdf.set_margins(margins_mm, margins_mm, margins_mm)
    pdf.set_auto_page_break(True, margin=margins_mm)
    pdf.set_creator("PDF Copilot")
    writer = _Writer(pdf, find_fonts())
    pdf.add_page()
    for kind, text in blocks:
        if kind == "title":
            pdf.set_title(text)
        size, bold, before, after = STYLES[kind]
        writer.block(f"{BULLET} {text}" if kind == "citation" else text, size, bold=bold,
                     before=before, after=after)
    return bytes(pdf.output())


class _Writer:
    """Writes text blocks, replacing what no loaded font can draw (fpdf2 would drop it)."""

    def __init__(self, pdf: FPDF, fonts: FontChoice):
        self.pdf = pdf
        self.unicode = fonts.regular is not None
        self.has_bold = False
        self.covered: set[int] = set()
        if fonts.regular is not None:
            self._load(fonts)
        logger.debug("PDF export fonts: %s (CJK: %s)", fonts.origin, fonts.cjk)

    def _load(self, fonts: FontChoice) -> None:
        assert fonts.regular is not None
        if fonts.variable:
            try:
                regular, bold = (static_instance(fonts.regular, w) for w in (400.0, 700.0))
            except Exception as exc:  # no cache to write: instantiate in this export (slow)
                logger.warning("font instances not cached (%s); instantiating per export", exc)
                self.pdf.add_font(BODY, "", fonts.regular, variations={"wght": 400.0})
                self.pdf.add_font(BODY, "B", fonts.regular, variations={"wght": 700.0})
            else:
                self.pdf.add_font(BODY, "", regular)
                self.pdf.add_font(BODY, "B", bold)
            self.has_bold = True
        else:
            self.pdf.add_font(BODY, "", fonts.regular, collection_font_number=0)
            if fonts.bold is not None:
                self.pdf.add_font(BODY, "B", fonts.bold, collection_font_number=0)
                self.has_bold = True
        self.covered = _codepoints(self.pdf, BODY)
        if fonts.cjk is not None:
            try:
                self.pdf.add_font(CJK, "", fonts.cjk, collection_font_number=0)
            except Exception as exc:  # a broken system font must not cost the export
                logger.warning("CJK font %s not usable: %s", fonts.cjk, exc)
            else:
                self.pdf.set_fallback_fonts([CJK], exact_match=False)
                self.covered |= _codepoints(self.pdf, CJK)

    def block(self, text: str, size: float, *, bold: bool = False, before: float = 0,
              after: float = 0) -> None:
        if before:
            self.pdf.ln(before)
        style = "B" if bold and (self.has_bold or not self.unicode) else ""
        self.pdf.set_font(BODY if self.unicode else CORE_FONT, style, size)
        self.pdf.multi_cell(0, size * 0.5, self._drawable(text), align="L",
                            new_x="LMARGIN", new_y="NEXT")
        if after:
            self.pdf.ln(after)

    def _drawable(self, text: str) -> str:
        if not self.unicode:
            text = _no_marks(text).translate(CORE_SUBSTITUTES)
            return "".join(c if _in_core_font(c) else "?" for c in text)
        replacement = REPLACEMENT if ord(REPLACEMENT) in self.covered else "?"
        return "".join(c if ord(c) in self.covered or c in "\n\t" else replacement
                       for c in _no_marks(text))


def _codepoints(pdf: FPDF, family: str) -> set[int]:
    """The characters a loaded TrueType font has glyphs for."""
    return set(getattr(pdf.fonts[family], "cmap", {}))


def _in_core_font(char: str) -> bool:
    if char in "\n\t":
        return True
    try:
        char.encode(CORE_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _no_marks(text: str) -> str:
    """Drop zero-width and bidi control characters that fonts rarely carry and readers ignore."""
    return re.sub(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]", "", text)
