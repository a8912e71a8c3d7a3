"""A PDF page as an image, with a quoted passage highlighted by its characters' boxes (PDFium).

pypdfium2 renders the page and gives its text with every character's box, so the passage a
citation quotes is found in the page's own text and marked where it is drawn. The quote may have
been extracted by another reader (spacing, line breaks, ligatures, case differ), so matching
ignores whitespace and compares NFKC-folded characters; when the whole quote is not on the page,
the longest runs of it that are are marked.

PDFium is not thread-safe (one Streamlit process serves sessions from several threads), so every
call into it holds `PDFIUM_LOCK`. `PageRenderer` runs the rendering in a child process bounded
in time and memory, for documents from outside (the app renders every cited page through it).
"""

from __future__ import annotations

import ctypes
import difflib
import hashlib
import io
import sys
import threading
import types
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.context import ForkServerContext, SpawnContext
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageChops, ImageDraw

from ._errors import DamagedDocumentError, DocumentError, EncryptedDocumentError
from ._open import PASSWORD_MESSAGE

PDFIUM_LOCK = threading.RLock()
DEFAULT_WIDTH_PX = 1000  # a page beside its quote on a laptop screen
MAX_WIDTH_PX = 2400
MAX_ASPECT = 4.0  # a page taller than 4 widths is rendered at the height of 4 widths
JPEG_QUALITY = 88
HIGHLIGHT_RGB = (253, 224, 71)  # a highlighter's yellow, multiplied into the page
MIN_RUN = 6  # the shortest run of a quote (in non-space characters) marked on its own
MAX_MATCH_CHARS = 60_000  # longer page texts are only searched for the whole quote
IGNORED = {"\u00ad", "\u0002", "\ufffe", "\ufeff", "\u200b", "\u200c", "\u200d"}

PdfInput = bytes | Path | str


@dataclass(frozen=True)
class RenderedPage:
    """One page as a JPEG image, with what was found of the quote on it."""

    number: int  # 1-based
    page_count: int
    image: bytes  # JPEG: 5-15x quicker to encode than PNG for a full page, crisp at 4:4:4
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
    """Page `number` (1-based) as a JPEG `width_px` wide, `quote` highlighted where it is found.

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
    bitmap = page.render(scale=scale, may_draw_forms=True, rev_byteorder=True)  # RGB order
    try:
        image = bitmap.to_pil()
        if image.mode != "RGB":
            image = image.convert("RGB")
    finally:
        bitmap.close()
    size = image.size  # PDFium's own rounding of the page's size: the boxes map onto it
    textpage = page.get_textpage()
    try:
        text = _text(textpage)
        spans, matched, wanted = find_quote(text, quote)
        boxes = [_device_rect(page, rect, size) for start, end in spans
                 for rect in _rects(textpage, start, end)]
    finally:
        textpage.close()
    if boxes:
        image = _highlight(image, boxes)
    if trim_margins:
        image = _trimmed(image)
    size = image.size
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, subsampling=0)
    return RenderedPage(number, count, out.getvalue(), size[0], size[1], text, len(boxes),
                        matched, wanted)


def _trimmed(image: Image.Image) -> Image.Image:
    """The image without its blank (white) border, a margin of 2% of its width kept."""
    factor = 4  # the border is found on a quarter-size grey copy: cheap, and exact enough
    small = image.convert("L").reduce(factor)
    box = small.point(lambda value: 255 if value < 243 else 0).getbbox()
    if box is None:
        return image
    pad = max(4, image.size[0] // 50)
    left, top, right, bottom = (value * factor for value in box)
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
    """The boxes marked as a highlighter would: yellow multiplied in, so the text stays dark.

    Only the region the boxes cover is tinted (a full-page multiply costs as much as the render).
    """
    pad = max(1, image.size[0] // 500)
    padded = [(max(0, left - pad), max(0, top - pad), min(image.size[0], right + pad + 1),
               min(image.size[1], bottom + pad + 1)) for left, top, right, bottom in boxes]
    region = (min(b[0] for b in padded), min(b[1] for b in padded),
              max(b[2] for b in padded), max(b[3] for b in padded))
    if region[2] <= region[0] or region[3] <= region[1]:
        return image
    size = (region[2] - region[0], region[3] - region[1])
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    for left, top, right, bottom in padded:
        draw.rectangle((left - region[0], top - region[1], right - region[0] - 1,
                        bottom - region[1] - 1), fill=255)
    part = image.crop(region)
    tinted = ImageChops.multiply(part, Image.new("RGB", size, HIGHLIGHT_RGB))
    image.paste(tinted, region[:2], mask=mask)
    return image


class PageRenderer:
    """`render_page` in a child process, bounded in time and memory.

    PDFium is C++: a hostile page can make it loop, exhaust memory or crash. In a child, that
    costs the child (killed after `timeout_seconds`, or dead), and the caller gets a
    DocumentError saying so; the next page starts a new child. The child keeps the last few
    documents open by digest, so a document crosses the pipe once, not on every page. One
    request at a time (PDFium is single-threaded anyway); thread-safe.
    """

    def __init__(self, *, timeout_seconds: float = 20.0, memory_limit_mb: int = 1536,
                 kept_documents: int = 4):
        import multiprocessing

        # Never fork the threaded app server: a forkserver (or spawn) starts clean children.
        self._context: ForkServerContext | SpawnContext = (
            multiprocessing.get_context("forkserver")
            if "forkserver" in multiprocessing.get_all_start_methods()
            else multiprocessing.get_context("spawn"))
        self._timeout = timeout_seconds
        self._memory_limit_mb = memory_limit_mb
        self._kept = kept_documents
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Any = None
        self._known: list[str] = []  # digests the child holds, most recent last

    def render(self, data: bytes, number: int, *, quote: str = "",
               width_px: int = DEFAULT_WIDTH_PX, trim_margins: bool = False) -> RenderedPage:
        """As `render_page`, in the child; DocumentError when the child gives up or dies."""
        page: RenderedPage = self._ask(data, ("render", number, quote, width_px, trim_margins),
                                       f"Page {number}", "drawn")
        return page

    def count_pages(self, data: bytes) -> int:
        """As `count_pdf_pages`, in the child (which then holds the document for its pages)."""
        count: int = self._ask(data, ("count",), "The PDF", "opened")
        return count

    def _ask(self, data: bytes, request: tuple[object, ...], what: str, done: str) -> Any:
        digest = hashlib.sha256(data).hexdigest()
        with self._lock:
            conn = self._child()
            try:
                conn.send((digest, None if digest in self._known else data, *request))
                if not conn.poll(self._timeout):
                    self._stop()
                    raise DamagedDocumentError(
                        f"{what} took more than {self._timeout:g} s to be {done}: it is too"
                        " complex or damaged.")
                kind, value = conn.recv()
            except (EOFError, OSError):
                code = self._stop(grace_seconds=1.0)
                raise DamagedDocumentError(
                    f"{what} could not be {done}: the renderer stopped (exit code {code}); the"
                    f" file is too large for {self._memory_limit_mb} MB or damaged.") from None
            if kind == "memory":
                self._stop()
                raise DamagedDocumentError(
                    f"{what} needs more than {self._memory_limit_mb} MB to be {done}.")
            self._known = [*(known for known in self._known if known != digest),
                           digest][-self._kept:]
        if kind == "ok":
            return value
        error_type, message = value
        raise {"encrypted": EncryptedDocumentError, "value": ValueError}.get(
            error_type, DamagedDocumentError)(message)

    def start(self) -> None:
        """Start the child now (it takes a second or two), so the first page does not wait."""
        with self._lock:
            self._child()

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _child(self) -> Any:
        if self._process is not None and self._process.is_alive():
            return self._conn
        self._stop()
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(theirs, self._memory_limit_mb,
                                                              self._kept),
                                        name="pdf-page-renderer", daemon=True)
        main = sys.modules.get("__main__")
        # The child needs only this module: not the parent's main script (a Streamlit page).
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            process.start()
        finally:
            if main is not None:
                sys.modules["__main__"] = main
        theirs.close()
        self._process, self._conn, self._known = process, ours, []
        if not (ours.poll(60) and ours.recv() == "ready"):
            code = self._stop()
            raise DocumentError(f"The page renderer did not start (exit code {code}).")
        return ours

    def _stop(self, grace_seconds: float = 0.0) -> int | None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        self._known = []
        if conn is not None:
            conn.close()
        if process is None:
            return None
        process.join(timeout=grace_seconds)
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        return process.exitcode  # type: ignore[no-any-return]


def _serve(conn: Any, memory_limit_mb: int, kept: int) -> None:
    """The renderer child: (digest, data or None, request…) in, (kind, value) out."""
    import resource
    import signal

    limit = memory_limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us by closing the pipe
    documents: dict[str, bytes] = {}
    conn.send("ready")
    while True:
        try:
            digest, data, kind, *arguments = conn.recv()
        except EOFError:
            return
        except MemoryError:  # the document alone does not fit under the limit
            conn.send(("memory", None))
            return
        if data is not None:
            documents.pop(digest, None)
            documents[digest] = data
            while len(documents) > kept:
                documents.pop(next(iter(documents)))
        reply: tuple[str, object]
        try:
            source = documents[digest]
            if kind == "count":
                reply = ("ok", count_pdf_pages(source))
            else:
                number, quote, width_px, trim = arguments
                reply = ("ok", render_page(source, number, quote=quote, width_px=width_px,
                                           trim_margins=trim))
        except MemoryError:
            reply = ("memory", None)
        except EncryptedDocumentError as exc:
            reply = ("error", ("encrypted", str(exc)))
        except ValueError as exc:
            reply = ("error", ("value", str(exc)))
        except KeyError:
            reply = ("error", ("damaged", "The renderer lost the document; try again."))
        except Exception as exc:
            reply = ("error", ("damaged", str(exc)))
        conn.send(reply)
        if reply[0] == "memory":
            return
