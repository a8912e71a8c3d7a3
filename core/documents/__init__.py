"""PDF work: text per page, images with placement, alt text and document export with pypdf;
page images with the cited passage highlighted with PDFium."""

from ._alt_text import write_alt_texts
from ._errors import DamagedDocumentError, DocumentError, EncryptedDocumentError
from ._export import export_document
from ._fonts import prepare_fonts as prepare_export_fonts
from ._images import PdfImage, Rect, extract_images
from ._open import count_pages
from ._outline import Section
from ._render import PageRenderer, RenderedPage, count_pdf_pages, render_page
from ._structure import Bookmark, FigureReport, read_bookmarks, read_figure_alt_text
from ._text import PageText, read_pdf_pages

__all__ = [
    "Bookmark",
    "DamagedDocumentError",
    "DocumentError",
    "EncryptedDocumentError",
    "FigureReport",
    "PageText",
    "PageRenderer",
    "PdfImage",
    "RenderedPage",
    "Rect",
    "Section",
    "count_pages",
    "count_pdf_pages",
    "export_document",
    "extract_images",
    "prepare_export_fonts",
    "read_bookmarks",
    "read_figure_alt_text",
    "read_pdf_pages",
    "render_page",
    "write_alt_texts",
]
