"""Text of a document page by page: the PDF's text layer, or OCR where a page has none."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

from PIL import Image

from core.client import OpenAIClient
from core.copilots import _ocr
from core.copilots._common import complete, image_data_url, image_message
from core.copilots._errors import DocumentSourceError, OcrUnavailableError
from core.copilots._options import ImageDetail
from core.copilots._sources import DocumentSource
from core.documents import DocumentError, PdfImage, extract_images, read_pdf_pages

__all__ = ["PageContent", "TextMethod", "TextRecognizer", "read_pages"]

TextMethod = Literal["text_layer", "local_ocr", "vision_model", "text"]


@dataclass(frozen=True)
class PageContent:
    """A page's text and where it came from; `error` says why OCR of the page failed."""

    number: int
    text: str
    method: TextMethod
    error: str | None = None


class TextRecognizer:
    """Reads the text in images: RapidOCR on this machine, or a vision model."""

    def __init__(
        self,
        client: OpenAIClient,
        *,
        local: bool,
        model: Callable[[], str],
        prompt: str,
        detail: ImageDetail = "high",
        max_completion_tokens: int | None = None,
    ) -> None:
        self._client = client
        self.local = local
        self._model = model
        self._prompt = prompt
        self._detail = detail
        self._max_completion_tokens = max_completion_tokens

    @property
    def method(self) -> TextMethod:
        return "local_ocr" if self.local else "vision_model"

    def recognize(self, data: bytes, mime: str | None = None) -> str:
        """The text of one encoded image."""
        if self.local:
            return _ocr.recognize_text(data)
        message = image_message(self._prompt, image_data_url(data, mime), self._detail)
        settings = {"max_completion_tokens": self._max_completion_tokens}
        return complete(self._client, model=self._model(), messages=[message], settings=settings)

    def recognize_page(self, images: list[PdfImage]) -> str:
        """The text of a page's images, topmost first (PDF y grows upwards)."""
        ordered = sorted(images, key=lambda i: (-i.rect.y1, i.rect.x0) if i.rect else (0, 0))
        texts = [self.recognize(image.data, image.mime) for image in ordered]
        return "\n".join(t for t in texts if t.strip())


def read_pages(
    source: DocumentSource,
    recognizer: TextRecognizer | None,
    *,
    min_chars: int,
    force: bool = False,
    on_page: Callable[[int, int], None] | None = None,
) -> list[PageContent]:
    """Every page's text; with a recognizer, pages with a thin text layer are OCR'd.

    Text documents are one page; an image file is one page, read only by the recognizer.
    """
    if source.kind == "text":
        return [PageContent(1, source.read_text(), "text")]
    if source.kind == "image":
        if recognizer is None:
            raise DocumentSourceError(source.name, "an image has no text without OCR")
        read = partial(recognizer.recognize, source.read_bytes())
        return [_recognized(1, "", read, recognizer)]
    data = source.read_bytes()
    try:
        pages = read_pdf_pages(data)
    except DocumentError as exc:
        raise DocumentSourceError(source.name, str(exc)) from exc
    scanned = [p.number for p in pages if force or len(p.text.strip()) < min_chars]
    if recognizer is None or not scanned:
        return [PageContent(p.number, p.text, "text_layer") for p in pages]
    images = _images_by_page(source, data, set(scanned))
    result = []
    for done, page in enumerate(pages, start=1):
        if page.number in scanned and images.get(page.number):
            read = partial(recognizer.recognize_page, images[page.number])
            result.append(_recognized(page.number, page.text, read, recognizer))
        else:
            result.append(PageContent(page.number, page.text, "text_layer"))
        if on_page is not None:
            on_page(done, len(pages))
    return result


def _images_by_page(
    source: DocumentSource, data: bytes, numbers: set[int]
) -> dict[int, list[PdfImage]]:
    try:
        images = extract_images(data)
    except DocumentError as exc:
        raise DocumentSourceError(source.name, f"its images could not be read ({exc})") from exc
    by_page: defaultdict[int, list[PdfImage]] = defaultdict(list)
    for image in images:
        if image.page in numbers:
            by_page[image.page].append(image)
    return by_page


def _recognized(
    number: int, text_layer: str, read: Callable[[], str], recognizer: TextRecognizer
) -> PageContent:
    """OCR one page; a failure is kept on the page, except when OCR can't run at all."""
    try:
        text = read()
    except OcrUnavailableError:
        raise
    except Exception as exc:  # an unreadable image or a failed request spoils this page only
        return PageContent(
            number, text_layer, recognizer.method, error=str(exc) or type(exc).__name__
        )
    return PageContent(number, text if text.strip() else text_layer, recognizer.method)


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of an encoded image, or None when it can't be decoded."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.width, image.height
    except Exception:
        return None
