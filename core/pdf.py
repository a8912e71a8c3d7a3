"""Opening and reading untrusted PDFs, for the engine's extraction workers and for core/documents.

Two libraries, each for what it does best:

- **PDFium** (pypdfium2, the engine of Chrome's PDF viewer) reads text, page by page, about 16
  times faster than pypdf, counts pages without reading them, and gives each character's box;
- **pypdf** opens what PDFium refuses (some damaged files it repairs), and reads the objects
  PDFium does not expose (structure trees, annotations, form fields).

Every failure of either library becomes a `DocumentError` whose message is a sentence for the
person who gave the file:

    DocumentError                 a PDF could not be used; the message says why
    ├── EncryptedDocumentError    the PDF needs a password we do not have
    ├── DamagedDocumentError      the file is not a readable PDF; says which part broke
    └── UnsupportedFilterError    a stream uses a filter (compression) neither library decodes

Highlighting a quote on a rendered page:

    boxes = find_quote(path, page_number=12, quote="Total net sales 117,154")
    # [Box(left, bottom, right, top), ...] in PDF points, origin bottom-left, one per line;
    # on an image rendered at `scale` px/pt: (left*scale, (height-top)*scale, right*scale,
    # (height-bottom)*scale), height = page_chars(...).height or page.get_height()

`page_chars` gives the page's text with one box per character for other uses. PDFium is not
thread-safe: every call into it here holds one process-wide lock.
"""

from __future__ import annotations

import ctypes
import re
import threading
import traceback
import unicodedata
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.errors import DependencyError, LimitReachedError

__all__ = [
    "Box",
    "DamagedDocumentError",
    "DocumentError",
    "EncryptedDocumentError",
    "PDFIUM_FILTERS",
    "PageChars",
    "PageText",
    "PdfSource",
    "UnsupportedFilterError",
    "attachments_locked",
    "count_pages",
    "find_quote",
    "iter_page_texts",
    "missing_decoder",
    "open_pdf",
    "open_pdfium",
    "page_chars",
    "page_count",
    "page_text",
    "pdf_limits",
    "pdfium_lock",
    "pypdf_page_texts",
    "read_pages",
]

PdfSource = Path | str | bytes

# pypdf caps every parsed array at 100,000 elements. Real filings exceed it: some 10-Qs keep their
# structure tree's /IDTree as one flat /Names array of ~110,000 elements, so the default reader
# fails before page 1. Ten times the default admits them while a hostile array stays bounded.
ARRAY_ELEMENT_LIMIT = 1_000_000
PASSWORD_MESSAGE = "The PDF is password-protected; use a copy without a password."
DETAIL_CHARS = 200
# The stream filters PDFium decodes (its own codecs); a stream filtered otherwise reads as nothing.
PDFIUM_FILTERS = frozenset({
    "/FlateDecode", "/Fl", "/LZWDecode", "/LZW", "/ASCII85Decode", "/A85", "/ASCIIHexDecode",
    "/AHx", "/RunLengthDecode", "/RL", "/CCITTFaxDecode", "/CCF", "/DCTDecode", "/DCT",
    "/JPXDecode", "/JBIG2Decode", "/BrotliDecode", "/Crypt",
})
_UNSUPPORTED_FILTER = re.compile(r"Unsupported filter /?([A-Za-z0-9]+)")

_locked_attachments: weakref.WeakSet[PdfReader] = weakref.WeakSet()
pdfium_lock = threading.RLock()
"""Held around every PDFium call of this process (PDFium keeps global state)."""


class DocumentError(Exception):
    """A PDF could not be read or written; `str(error)` is a sentence for the person who gave it."""


class EncryptedDocumentError(DocumentError):
    """The PDF is encrypted and does not open with an empty password."""


class DamagedDocumentError(DocumentError):
    """The file is damaged or not a PDF; the message names the part that failed where it can."""


class UnsupportedFilterError(DocumentError):
    """The PDF is sound but a stream it needs uses a filter we have no decoder for."""


@dataclass(frozen=True)
class PageText:
    """The text of one page; `number` is 1-based."""

    number: int
    text: str
    problem: str | None = None  # why the page yielded no text, when it failed to be read


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, origin at the page's bottom-left (PDF's own coordinates).

    To draw it on a page rendered at `scale` pixels per point (image origin top-left):
    x0 = left * scale, y0 = (page_height - top) * scale, x1 = right * scale,
    y1 = (page_height - bottom) * scale.
    """

    left: float
    bottom: float
    right: float
    top: float


@dataclass(frozen=True)
class PageChars:
    """A page's text as PDFium reads it, with `boxes[i]` the box of `text[i]`.

    Characters PDFium adds itself (spaces and line breaks between words and lines) have no
    box of their own: theirs is None. `width` and `height` are the page's size in points.
    """

    text: str
    boxes: list[Box | None]
    width: float
    height: float


# -- errors -------------------------------------------------------------------------------------


@contextmanager
def reading(where: str) -> Iterator[None]:
    """Turn any parser failure inside the block into a DamagedDocumentError that names `where`."""
    try:
        yield
    except (DocumentError, MemoryError):
        raise
    except Exception as exc:
        if _caused_by_memory(exc):
            # pypdf wraps some MemoryErrors in its own errors: the file may be fine, the
            # process ran out of room.
            raise MemoryError from exc
        raise damaged(where, exc) from exc


def damaged(where: str, exc: BaseException) -> DocumentError:
    if (name := missing_decoder(exc)) is not None:
        return UnsupportedFilterError(
            f"The PDF uses the {name} stream filter, which this engine cannot decode ({where})."
        )
    if isinstance(exc, LimitReachedError):  # a decompression bomb, or a giant array
        return DamagedDocumentError(
            f"The PDF is too large to read safely: {where} ({detail(exc)})."
        )
    return DamagedDocumentError(f"The PDF is damaged: {where} ({detail(exc)}).")


def detail(exc: BaseException) -> str:
    """The exception in one short line, for people reporting a bad file."""
    text = " ".join(str(exc).split()) or "no details"
    if len(text) > DETAIL_CHARS:
        text = text[: DETAIL_CHARS - 1] + "…"
    return f"{type(exc).__name__}: {text}"


def missing_decoder(exc: BaseException) -> str | None:
    """The filter (e.g. "BrotliDecode") pypdf had no decoder for, when that is what `exc` says."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return None
        message = str(seen)
        if isinstance(seen, NotImplementedError) and (found := _UNSUPPORTED_FILTER.search(message)):
            return found.group(1)
        if isinstance(seen, NotImplementedError) and "/Crypt filter" in message:
            return "Crypt"
        if isinstance(seen, DependencyError):
            if "BrotliDecode" in message:
                return "BrotliDecode"
            if "jbig2dec" in message:
                return "JBIG2Decode"
        seen = seen.__cause__ or seen.__context__
    return None


def _caused_by_memory(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):  # cause chains are short; never loop on a cycle
        if seen is None:
            return False
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


# -- pypdf --------------------------------------------------------------------------------------


@contextmanager
def pdf_limits() -> Iterator[None]:
    """pypdf parses lazily, so every read of a reader's objects must happen inside this block."""
    with apply_configuration(array_maximum_element_count=ARRAY_ELEMENT_LIMIT):
        yield


def open_pdf(source: PdfSource) -> PdfReader:
    """A pypdf reader past the cross-reference table, decrypted with the empty password if needed.

    Call it inside `pdf_limits()`.
    """
    stream: BytesIO | Path = BytesIO(bytes(source)) if isinstance(source, bytes) else _path(source)
    with reading("the file could not be opened as a PDF"):
        try:
            reader = PdfReader(stream)
        except OSError as exc:
            raise DocumentError(f"The file could not be read ({detail(exc)}).") from exc
        except Exception as exc:
            if _raised_decrypting(exc):  # e.g. an RC4 key length the cipher refuses
                raise DamagedDocumentError(
                    f"The PDF is damaged: its encryption settings are invalid, so it cannot be"
                    f" decrypted ({detail(exc)})."
                ) from exc
            raise
    with reading("its encryption settings could not be read"):
        try:
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                if not _attachments_only_encrypted(reader):
                    raise EncryptedDocumentError(PASSWORD_MESSAGE)
                # Only the attachments need the password: the document's own strings and
                # streams are stored in the clear (crypt filter /Identity), so the reader may
                # read them as they are. pypdf has no public switch for that.
                reader._encryption = None
                _locked_attachments.add(reader)
        except DependencyError as exc:  # pypdf's word for a cipher it cannot run
            raise EncryptedDocumentError(
                f"The PDF uses an encryption method we cannot open ({detail(exc)})."
            ) from exc
    return reader


def _raised_decrypting(exc: BaseException) -> bool:
    """Whether pypdf's encryption code raised `exc` (its settings are what is broken)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return any(Path(frame.filename).name == "_encryption.py" or "_crypt_providers" in frame.filename
               for frame in frames)


def attachments_locked(reader: PdfReader) -> bool:
    """Whether `open_pdf` opened the PDF without its attachments' password (see below)."""
    return reader in _locked_attachments


def _attachments_only_encrypted(reader: PdfReader) -> bool:
    """Whether the PDF encrypts only its embedded files (/EFF), its own content in the clear."""
    encryption = getattr(reader, "_encryption", None)
    if encryption is None or getattr(encryption, "V", 0) < 4:
        return False
    return (encryption.StmF == "/Identity" and encryption.StrF == "/Identity"
            and encryption.EFF != "/Identity")


def page_count(reader: PdfReader) -> int:
    """How many pages a pypdf reader's page tree holds; a PDF without pages is damaged."""
    with reading("the page tree could not be read"):
        count = len(reader.pages)
    if count == 0:
        raise DamagedDocumentError("The PDF is damaged: it has no pages.")
    return count


def _path(source: Path | str) -> Path:
    path = Path(source)
    if not path.is_file():
        raise DocumentError(f"No PDF file at {path}.")
    return path


# -- PDFium -------------------------------------------------------------------------------------


def open_pdfium(source: PdfSource) -> pdfium.PdfDocument:
    """A PDFium document, opened with the empty password when it is encrypted.

    Raises EncryptedDocumentError for a real password, DamagedDocumentError when PDFium cannot
    read the file (pypdf may still: see `iter_page_texts`). Hold `pdfium_lock` while using it.
    """
    data: Path | bytes = source if isinstance(source, bytes) else _path(source)
    with pdfium_lock:
        try:
            return pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            code = getattr(exc, "err_code", None)
            if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY) and not _has_encrypt(
                data
            ):
                # PDFium's last error outlives the call that set it: a later file that fails
                # without setting one (a PDF of no pages, say) inherits "Incorrect password".
                raise DamagedDocumentError("The PDF is damaged: PDFium could not open it.") from exc
            if code == pdfium_c.FPDF_ERR_PASSWORD:
                raise _second_opinion(data) from exc
            if code == pdfium_c.FPDF_ERR_SECURITY:
                raise EncryptedDocumentError(
                    "The PDF uses an encryption method we cannot open."
                ) from exc
            raise damaged("PDFium could not open it", exc) from exc
        except OSError as exc:
            raise DocumentError(f"The file could not be read ({detail(exc)}).") from exc


def _second_opinion(data: Path | bytes) -> DocumentError:
    """What to say of an encrypted PDF PDFium would not open with the empty password.

    pypdf decides: it needs a password too (password-protected), or it finds the encryption
    settings broken (damaged, saying so), or it opens the file (damaged for PDFium only: the
    callers then read it with pypdf).
    """
    try:
        with pdf_limits():
            open_pdf(data)
    except EncryptedDocumentError as exc:
        return exc
    except DamagedDocumentError as exc:
        if "encryption settings" in str(exc):
            return exc
    except (DocumentError, MemoryError):
        pass
    else:
        return DamagedDocumentError("The PDF is damaged: PDFium could not decrypt it.")
    return EncryptedDocumentError(PASSWORD_MESSAGE)


def _has_encrypt(data: Path | bytes) -> bool:
    """Whether the file names an /Encrypt dictionary (trailers and xref streams are never
    compressed, so an encrypted PDF has the key in plain bytes)."""
    try:
        return b"/Encrypt" in (data if isinstance(data, bytes) else data.read_bytes())
    except OSError:
        return True  # can't tell: trust PDFium


def page_text(document: pdfium.PdfDocument, index: int) -> str:
    """The text of page `index` (0-based) as PDFium reads it, with plain newlines."""
    with pdfium_lock:
        page = document[index]
        try:
            textpage = page.get_textpage()
            try:
                return pdf_text(textpage.get_text_range())
            finally:
                textpage.close()
        finally:
            page.close()


def count_pages(source: PdfSource) -> int:
    """The number of pages, read from the page tree only (no text is extracted).

    PDFium first; pypdf when PDFium refuses the file. Raises DocumentError.
    """
    try:
        document = open_pdfium(source)
    except EncryptedDocumentError:
        raise
    except DamagedDocumentError:
        with pdf_limits():
            return page_count(open_pdf(source))
    with pdfium_lock:
        try:
            count = len(document)
        finally:
            document.close()
    if count == 0:
        raise DamagedDocumentError("The PDF is damaged: it has no pages.")
    return count


def iter_page_texts(source: PdfSource) -> Iterator[PageText]:
    """Text of every page in order, read by PDFium, or by pypdf when PDFium refuses the file.

    A page that fails is yielded empty. Raises EncryptedDocumentError for a PDF that needs a
    password, DamagedDocumentError when neither library can open the file.
    """
    try:
        document = open_pdfium(source)
    except EncryptedDocumentError:
        raise
    except DamagedDocumentError:
        yield from pypdf_page_texts(source)
        return
    try:
        with pdfium_lock:
            count = len(document)
        for index in range(count):
            try:
                text = page_text(document, index)
            except pdfium.PdfiumError:
                text = ""
            yield PageText(index + 1, text)
    finally:
        with pdfium_lock:
            document.close()


def read_pages(source: PdfSource) -> list[PageText]:
    """Every page's text (see `iter_page_texts`); DamagedDocumentError if no page is readable."""
    return list(iter_page_texts(source))


def pypdf_page_texts(source: PdfSource) -> Iterator[PageText]:
    """Text of every page read by pypdf; a page that fails is yielded empty, unless all do."""
    with pdf_limits():
        # When pypdf cannot open it either, its reason names the part that broke.
        reader = open_pdf(source)
        count = page_count(reader)
        failures = 0
        for index in range(count):
            try:
                text = pdf_text(reader.pages[index].extract_text())
            except MemoryError:
                raise
            except Exception as exc:
                if _caused_by_memory(exc):
                    raise MemoryError from exc
                failures += 1
                if failures == count:
                    raise damaged(f"no page could be read; page {index + 1} failed", exc) from exc
                name = missing_decoder(exc)
                problem = (f"uses the {name} stream filter, which this engine cannot decode"
                           if name else "damaged, could not be read")
                yield PageText(index + 1, "", problem)
                continue
            yield PageText(index + 1, text)


def clean_text(text: str) -> str:
    """Text safe to store, with plain newlines: no NULs, no lone surrogates, no PDFium markers."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    # PDFium marks a hyphen at a line's end with U+0002 (character by character) or U+FFFE (in
    # a page's text, the two lines joined): a word broken over two lines ("pre\ufffesented")
    # is whole again; a compound keeps its hyphen ("Schwarz-Weiß").
    text = _BROKEN_WORD.sub("", text)
    text = text.replace("\x02", "-").replace("\ufffe", "-")
    return text.encode("utf-8", errors="replace").decode("utf-8")


_BROKEN_WORD = re.compile(r"(?<=[^\W\d_])[\x02\ufffe]\n?(?=[^\W\d_A-Z])")

# TeX's fonts without a Unicode map: PDFium and pypdf pass their ligatures, quotes and dashes
# through as control codes (T1 encoding 0x1B–0x1F and OT1 0x0B, 0x0C, 0x0E, 0x0F: ff fi fl
# ffi ffl; T1's quotes 0x10/0x11 and dashes 0x15/0x16), which str.split() takes for
# whitespace: "de\x1cned" was read "de ned", "\x1crst" "rst". A code is read as a ligature
# only beside a letter and as punctuation only where punctuation stands: the same codes stand
# alone on their lines for a formula's big brackets. (OT1's fl, 0x0D, is a carriage return.)
_TEX_TEXT = {"\x0b": "ff", "\x0c": "fi", "\x0e": "ffi", "\x0f": "ffl",
             "\x1b": "ff", "\x1c": "fi", "\x1d": "fl", "\x1e": "ffi", "\x1f": "ffl",
             "\x10": "“", "\x11": "”", "\x15": "–", "\x16": "—"}
_CONTROL_CODE = re.compile(r"[\x0b-\x1f]")
_TEX_CODE = re.compile(
    r"[\x0b\x0c\x0e\x0f\x1b-\x1f](?=[^\W\d_])|(?<=[^\W\d_])[\x0b\x0c\x0e\x0f\x1b-\x1f]"
    r"|(?<![^\s(\[])\x10(?=[^\W_])|(?<=[^\s])\x11(?![^\W_])"
    r"|(?<=\d)\x15(?=\d)|(?<=[^\W_])\x16(?=[^\W_])|(?<= )[\x15\x16](?= )")


def tex_codes(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each control code in `text` that stands for a TeX ligature, quote
    or dash."""
    return [(m.start(), _TEX_TEXT[m.group()]) for m in _TEX_CODE.finditer(text)]


def pdf_text(text: str) -> str:
    """A page's extracted text, clean (see clean_text), with TeX's control codes read."""
    if _CONTROL_CODE.search(text):  # most pages have none: one scan in C
        text = _TEX_CODE.sub(lambda m: _TEX_TEXT[m.group()], text)
    return clean_text(text)


# -- character boxes ----------------------------------------------------------------------------


def page_chars(source: PdfSource | pdfium.PdfDocument, page_number: int) -> PageChars:
    """Page `page_number`'s (1-based) text with the box of each character (see PageChars).

    `source` may be a document already open with `open_pdfium` (it is left open), which saves
    parsing the file again when the same page is also rendered.
    """
    own = not isinstance(source, pdfium.PdfDocument)
    document = source if isinstance(source, pdfium.PdfDocument) else open_pdfium(source)
    with pdfium_lock:
        try:
            if not 1 <= page_number <= len(document):
                raise DocumentError(f"The PDF has no page {page_number}.")
            page = document[page_number - 1]
            try:
                width, height = page.get_size()
                textpage = page.get_textpage()
                try:
                    return _chars(textpage, width, height)
                finally:
                    textpage.close()
            finally:
                page.close()
        finally:
            if own:
                document.close()


def _chars(textpage: pdfium.PdfTextPage, width: float, height: float) -> PageChars:
    chars: list[str] = []
    boxes: list[Box | None] = []
    left, right = ctypes.c_double(), ctypes.c_double()
    bottom, top = ctypes.c_double(), ctypes.c_double()
    for index in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        char = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"
        if char == "\r":
            continue  # PDFium ends lines with \r\n; keep the \n
        box = None
        if not pdfium_c.FPDFText_IsGenerated(textpage, index) and pdfium_c.FPDFText_GetCharBox(
            textpage, index, left, right, bottom, top
        ):
            box = Box(left.value, bottom.value, right.value, top.value)
        chars.append(char)
        boxes.append(box)
    return _read_codes(chars, boxes, width, height)


def _read_codes(chars: list[str], boxes: list[Box | None], width: float,
                height: float) -> PageChars:
    """The page's characters as pdf_text reads them (TeX's codes as letters, a word broken
    over two lines whole), each keeping the box of the character it came from."""
    raw = "".join(chars)
    replaced = dict(tex_codes(raw))
    broken = {i for m in _BROKEN_WORD.finditer(raw) for i in range(m.start(), m.end())}
    text: list[str] = []
    kept: list[Box | None] = []
    for index, char in enumerate(chars):
        if index in broken:
            continue
        read = replaced.get(index, "-" if char in "\x02\ufffe" else char)
        text.append(read)
        kept.extend([boxes[index]] * len(read))
    return PageChars("".join(text), kept, width, height)


def find_quote(source: PdfSource | pdfium.PdfDocument, page_number: int, quote: str) -> list[Box]:
    """The boxes covering `quote` on page `page_number` (1-based), one per line it spans.

    Matching ignores differences in whitespace, line breaks and letter case, so a quote taken
    from extracted text (by PDFium or by pypdf) is found. Empty when the quote is not on the
    page. Boxes are in PDF points, origin bottom-left (see Box). `source` may be an open
    PDFium document (see page_chars).
    """
    chars = page_chars(source, page_number)
    return quote_boxes(chars, quote)


def quote_boxes(chars: PageChars, quote: str) -> list[Box]:
    """The line boxes of `quote` within an already read page (see find_quote)."""
    wanted = _comparable(quote)
    if not wanted:
        return []
    # The page's comparable characters and, for each, its index in chars.text.
    kept: list[str] = []
    where: list[int] = []
    for index, char in enumerate(chars.text):
        folded = _comparable(char)
        if folded:
            kept.extend(folded)
            where.extend([index] * len(folded))
    at = "".join(kept).find(wanted)
    if at < 0:
        return []
    covered = [chars.boxes[i] for i in sorted(set(where[at : at + len(wanted)]))]
    return _line_boxes([box for box in covered if box is not None])


def _comparable(text: str) -> str:
    """Text without whitespace, case-folded and NFKC-normalised (ligatures become letters)."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _line_boxes(boxes: list[Box]) -> list[Box]:
    """Character boxes merged into one box per line (a new line where text moves down)."""
    lines: list[Box] = []
    for box in boxes:
        if lines:
            last = lines[-1]
            height = max(last.top - last.bottom, box.top - box.bottom, 1.0)
            same_line = abs((box.bottom + box.top) / 2 - (last.bottom + last.top) / 2) < height / 2
            if same_line and box.left >= last.left - height:
                lines[-1] = Box(min(last.left, box.left), min(last.bottom, box.bottom),
                                max(last.right, box.right), max(last.top, box.top))
                continue
        lines.append(box)
    return lines
