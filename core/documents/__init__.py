"""PDF work with pypdf: text per page, images with placement, alt text, and document export."""

from ._alt_text import write_alt_texts
from ._errors import DamagedDocumentError, DocumentError, EncryptedDocumentError
from ._export import export_document
from ._images import PdfImage, Rect, extract_images
from ._open import count_pages
from ._outline import Section
from ._structure import Bookmark, FigureReport, read_bookmarks, read_figure_alt_text
from ._text import PageText, read_pdf_pages

__all__ = [
    "Bookmark",
    "DamagedDocumentError",
    "DocumentError",
    "EncryptedDocumentError",
    "FigureReport",
    "PageText",
    "PdfImage",
    "Rect",
    "Section",
    "count_pages",
    "export_document",
    "extract_images",
    "read_bookmarks",
    "read_figure_alt_text",
    "read_pdf_pages",
    "write_alt_texts",
]
