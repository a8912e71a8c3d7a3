"""A PDF page as an image, with a quoted passage highlighted by its characters' boxes (PDFium).

pypdfium2 renders the page and gives its text with every character's box, so the passage a
citation quotes is found in the page's own text and marked where it is drawn. The quote may have
been extracted by another reader (spacing, line breaks, ligatures, case differ), so matching
ignores whitespace and compares NFKC-folded characters; when the whole quote is not on the page,
the longest runs of it that are are marked.

PDFium is not thread-safe (one Streamlit process serves sessions from several threads), so every
call into it holds `PDFIUM_LOCK`.
"""

from __future__ import annotations

import ctypes
import difflib
import io
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops, ImageDraw

from ._errors import DamagedDocumentError, EncryptedDocumentError
from ._open import PASSWORD_MESSAGE

PDFIUM_LOCK = threading.RLock()
DEFAULT_WIDTH_PX = 1000  # a page beside its quote on a laptop screen
MAX_WIDTH_PX = 2400
MAX_ASPECT = 4.0  # a page taller than 4 widths is rendered at the height of 4 widths
HIGHLIGHT_RGB = (253, 224, 71)  # a highlighter's yellow, multiplied into the page
MIN_RUN = 6  # the shortest run of a quote (in non-space characters) marked on its own
MAX_MATCH_CHARS = 60_000  # longer page texts are only searched for the whole quote
IGNORED = {"\u00ad", "\u0002", "\ufffe", "\ufeff", "\u200b", "\u200c", "\u200d"}

PdfInput = bytes | Path | str


@dataclass(frozen=True)
class RenderedPage:
    """One page as PNG, with what was found of the quote on it."""

    number: int  # 1-based
    page_count: int
    png: bytes
    width: int
    height: int
    text: str  # the page's text as PDFium reads it
    highlights: int  # rectangles drawn; 0 when the quote is not on this page
    matched_chars: int  # non-space characters of the quote found on the page
    quote_chars: int  # non-space characters in the quote


def count_pdf_pages(source: PdfInput) -> int:
    """How many pages the PDF has (PDFium reads only its page tree)."""
    with _document(source) as document:
        count = len(document)
    if count == 0:
        raise DamagedDocumentError("The PDF is damaged: it has no pages.")
    return count


def render_page(source: PdfInput, number: int, *, quote: str = "",
                width_px: int = DEFAULT_WIDTH_PX, trim_margins: bool = False) -> RenderedPage:
    """Page `number` (1-based) as a PNG `width_px` wide, `quote` highlighted where it is found.

    `trim_margins` crops the blank border around what the page draws (keeping a thin margin),
    so the text is larger when the image is shown at a given width.

    Raises EncryptedDocumentError or DamagedDocumentError for a PDF PDFium cannot open,
    ValueError for a page the document does not have or an unusable width.
    """
    if not 16 <= width_px <= MAX_WIDTH_PX:
        raise ValueError(f"width_px must be between 16 and {MAX_WIDTH_PX}, not {width_px}")
    with _document(source) as document:
        count = len(document)
        if not 1 <= number <= count:
            raise ValueError(f"The document has no page {number} (it has {count}).")
        try:
            page = document[number - 1]
        except pdfium.PdfiumError as exc:
            raise DamagedDocumentError(f"Page {number} could not be read ({exc}).") from exc
        try:
            return _render(page, number, count, quote, width_px, trim_margins)
        finally:
            page.close()


@contextmanager
def _document(source: PdfInput) -> Iterator[pdfium.PdfDocument]:
    with PDFIUM_LOCK:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise _open_error(exc) from exc
        try:
            yield document
        finally:
            document.close()


def _open_error(exc: pdfium.PdfiumError) -> Exception:
    code = getattr(exc, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return EncryptedDocumentError(PASSWORD_MESSAGE)
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return EncryptedDocumentError("The PDF uses an encryption method PDFium cannot open.")
    if code == pdfium_c.FPDF_ERR_FORMAT:
        return DamagedDocumentError("The PDF is damaged: it is not in PDF format or is corrupted.")
    return DamagedDocumentError(f"The PDF could not be opened ({exc}).")


def _render(page: pdfium.PdfPage, number: int, count: int, quote: str, width_px: int,
            trim_margins: bool) -> RenderedPage:
    width_pt, height_pt = page.get_size()
    if width_pt <= 0 or height_pt <= 0:
        raise DamagedDocumentError(f"Page {number} has no area ({width_pt} × {height_pt} pt).")
    scale = min(width_px / width_pt, MAX_ASPECT * width_px / height_pt)
    size = (max(1, round(width_pt * scale)), max(1, round(height_pt * scale)))
    textpage = page.get_textpage()
    try:
        text = _text(textpage)
        spans, matched, wanted = find_quote(text, quote)
        boxes = [_device_rect(page, rect, size) for start, end in spans
                 for rect in _rects(textpage, start, end)]
    finally:
        textpage.close()
    bitmap = page.render(scale=scale, may_draw_forms=True)
    try:
        image = bitmap.to_pil().convert("RGB")
    finally:
        bitmap.close()
    if boxes:
        image = _highlight(image, boxes)
    if trim_margins:
        image = _trimmed(image)
    size = image.size
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return RenderedPage(number, count, out.getvalue(), size[0], size[1], text, len(boxes),
                        matched, wanted)


def _trimmed(image: Image.Image) -> Image.Image:
    """The image without its blank (white) border, a margin of 2% of its width kept."""
    content = ImageChops.difference(image, Image.new("RGB", image.size, (255, 255, 255)))
    box = content.convert("L").point(lambda value: 255 if value > 12 else 0).getbbox()
    if box is None:
        return image
    pad = max(4, image.size[0] // 50)
    left, top, right, bottom = box
    return image.crop((max(0, left - pad), max(0, top - pad), min(image.size[0], right + pad),
                       min(image.size[1], bottom + pad)))


def find_quote(page_text: str, quote: str) -> tuple[list[tuple[int, int]], int, int]:
    """Character spans (start, end) of `page_text` that carry `quote`, and how much was found.

    Returns (spans, non-space quote characters found, non-space quote characters). Whitespace
    is ignored and characters are compared NFKC-folded; without the whole quote, the runs of
    at least MIN_RUN characters that the quote and the page share, in the quote's order.
    """
    wanted, _ = _folded(quote)
    if not wanted:
        return [], 0, 0
    folded, origin = _folded(page_text)
    found = folded.find(wanted)
    if found >= 0:
        return [(origin[found], origin[found + len(wanted) - 1] + 1)], len(wanted), len(wanted)
    if len(folded) > MAX_MATCH_CHARS or len(wanted) < MIN_RUN:
        return [], 0, len(wanted)
    matcher = difflib.SequenceMatcher(None, folded, wanted, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= MIN_RUN]
    spans = [(origin[b.a], origin[b.a + b.size - 1] + 1) for b in blocks]
    return spans, sum(b.size for b in blocks), len(wanted)


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` without whitespace, NFKC case-folded, and the index in `text` of each character."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isspace() or char in IGNORED:
            continue
        for folded in unicodedata.normalize("NFKC", char).casefold():
            if not folded.isspace():
                chars.append(folded)
                origin.append(index)
    return "".join(chars), origin


def _text(textpage: pdfium.PdfTextPage) -> str:
    """The page's text, one Python character per PDFium character index (so spans map back)."""
    codes = (pdfium_c.FPDFText_GetUnicode(textpage, index)
             for index in range(textpage.count_chars()))
    return "".join(chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"
                   for code in codes)


def _rects(textpage: pdfium.PdfTextPage, start: int, end: int) -> list[tuple[float, ...]]:
    """PDFium's rectangles (one per run of characters on a line) for characters start…end-1."""
    count = textpage.count_rects(start, end - start)
    return [textpage.get_rect(index) for index in range(count)]


def _device_rect(page: pdfium.PdfPage, rect: tuple[float, ...], size: tuple[int, int]
                 ) -> tuple[int, int, int, int]:
    """A rectangle in page space (left, bottom, right, top) as pixels of the rendered image."""
    left, bottom, right, top = rect
    corners = [_to_device(page, x, y, size) for x, y in ((left, bottom), (right, top))]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _to_device(page: pdfium.PdfPage, x: float, y: float, size: tuple[int, int]
               ) -> tuple[int, int]:
    device_x, device_y = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDF_PageToDevice(page, 0, 0, size[0], size[1], 0, x, y,
                               ctypes.byref(device_x), ctypes.byref(device_y))
    return device_x.value, device_y.value


def _highlight(image: Image.Image, boxes: list[tuple[int, int, int, int]]) -> Image.Image:
    """The boxes marked as a highlighter would: yellow multiplied in, so the text stays dark."""
    mask = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(mask)
    pad = max(1, image.size[0] // 500)
    for left, top, right, bottom in boxes:
        draw.rectangle((left - pad, top - pad, right + pad, bottom + pad), fill=255)
    tinted = ImageChops.multiply(image, Image.new("RGB", image.size, HIGHLIGHT_RGB))
    image.paste(tinted, mask=mask)
    return image

