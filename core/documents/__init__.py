from ._errors import DamagedDocumentError, DocumentError, EncryptedDocumentError
from ._images import PdfImage, Rect, extract_images
from ._text import PageText, read_pdf_pages
