"""The seed's copilot classes, documents and result shapes (Aspose.Pdf.AI), over our copilots.

- Documents: `PdfDocument(name, document)`, `TextDocument(name, content)`, `DocumentCollection`
  (all `DocumentSource`s, so every copilot option takes them).
- Copilots: `OpenAIChatCopilot` is `ChatCopilot`; `OpenAISummaryCopilot`,
  `OpenAIImageDescriptionCopilot` and `OpenAIOcrCopilot` extend our copilots with the seed's
  result shapes: a summary document, one `ImageDescriptionResult` per source with its
  `image_descriptions`, a list of `TextRecognitionResult` with `ocr_details` and usage.
  `AICopilotFactory` and `OpenAIClient.get_*_copilot` return these.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from core.client import OpenAIClient
from core.copilots._chat import ChatCopilot
from core.copilots._common import (
    ExportFormat,
    SaveFormat,
    collect_usage,
    complete,
    image_data_url,
    image_message,
    output_format,
    report,
    write_atomically,
)
from core.copilots._common import _usage_sink as usage_sink
from core.copilots._errors import CopilotError, DocumentSourceError
from core.copilots._images import ImageDescriptionCopilot
from core.copilots._images import ImageDescriptionResult as _FoundImage
from core.copilots._ocr_copilot import OcrCopilot
from core.copilots._options import (
    OpenAIImageDescriptionCopilotOptions,
    OpenAIOcrCopilotOptions,
    OpenAISummaryCopilotOptions,
)
from core.copilots._recognition import TextRecognizer, read_pages
from core.copilots._sources import DocumentSource, _named
from core.copilots._summary import SummaryCopilot
from core.documents import PdfImage, Rect
from core.types.chat import CompletionUsage

__all__ = [
    "AICopilotException",
    "DocumentCollection",
    "ImageDescription",
    "ImageDescriptionResult",
    "OcrDetail",
    "OpenAIChatCopilot",
    "OpenAIImageDescriptionCopilot",
    "OpenAIOcrCopilot",
    "OpenAISummaryCopilot",
    "PageInfo",
    "PdfDocument",
    "TextDocument",
    "SummaryDocument",
    "TextRecognitionResult",
]

AICopilotException = CopilotError
OpenAIChatCopilot = ChatCopilot

_PDF_MAGIC = b"%PDF-"


# --- documents -------------------------------------------------------------------------------


class PdfDocument(DocumentSource):
    """The seed's PdfDocument: a `name` (a new GUID when not given) and the PDF `document`.

    `document` is a path, the PDF's bytes, or a pypdf reader/writer.
    """

    def __init__(self, name: str | None = None, document: Any = None, **data: Any) -> None:
        if data:  # pydantic's own construction (copies, validation)
            super().__init__(name=name, **data) if name is not None else super().__init__(**data)
            return
        label = _named(name or str(uuid.uuid4()), ".pdf")
        if document is None:
            raise DocumentSourceError(label, "a PdfDocument needs its document")
        if isinstance(document, str | os.PathLike):
            path = Path(document)
            if not path.is_file():
                raise DocumentSourceError(str(path), "no such file")
            super().__init__(name=label, kind="pdf", path=path)
            return
        if isinstance(document, bytes | bytearray):
            content = bytes(document)
        elif hasattr(document, "write"):
            buffer = io.BytesIO()
            document.write(buffer)
            content = buffer.getvalue()
        elif hasattr(document, "pages"):  # a pypdf PdfReader
            from pypdf import PdfWriter

            buffer = io.BytesIO()
            PdfWriter(clone_from=document).write(buffer)
            content = buffer.getvalue()
        else:
            raise DocumentSourceError(label, f"can't read a PDF from {type(document).__name__}")
        if _PDF_MAGIC not in content[:1024]:
            raise DocumentSourceError(label, "is not a PDF")
        super().__init__(name=label, kind="pdf", data=content)

    @property
    def document(self) -> bytes:
        """The PDF's bytes."""
        return self.read_bytes()


class TextDocument(DocumentSource):
    """The seed's TextDocument: a `name` and its text `content`."""

    def __init__(self, name: str | None = None, content: str | None = None, **data: Any) -> None:
        if data:
            super().__init__(name=name, **data) if name is not None else super().__init__(**data)
            return
        if content is None:
            raise DocumentSourceError(name or "text", "a TextDocument needs its content")
        super().__init__(name=_named(name or str(uuid.uuid4()), ".txt"), kind="text", text=content)

    @property
    def content(self) -> str:
        return self.read_text()


class DocumentCollection(BaseModel):
    """The seed's input bag: `document_paths`, `pdf_documents`, `text_documents`."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    document_paths: list[str] = Field(default_factory=list)
    pdf_documents: list[DocumentSource] = Field(default_factory=list)
    text_documents: list[DocumentSource] = Field(default_factory=list)

    @classmethod
    def of(cls, sources: Iterable[DocumentSource]) -> DocumentCollection:
        collection = cls()
        for source in sources:
            if source.path is not None and not isinstance(source, PdfDocument | TextDocument):
                collection.document_paths.append(str(source.path))
            elif source.kind == "text":
                collection.text_documents.append(source)
            else:
                collection.pdf_documents.append(source)
        return collection

    def sources(self) -> list[DocumentSource]:
        """Every document, paths first, as copilot options hold them."""
        return [
            *(DocumentSource.from_path(p) for p in self.document_paths),
            *self.pdf_documents,
            *self.text_documents,
        ]


@dataclass(frozen=True)
class PageInfo:
    """The page setup of a summary document (the seed's Aspose.Pdf.PageInfo, in our terms)."""

    page_size: str = "A4"
    is_landscape: bool = False
    margin_mm: float = 20.0

    def as_options(self) -> dict[str, Any]:
        return {
            "page_size": self.page_size,
            "orientation": "landscape" if self.is_landscape else "portrait",
            "margins_mm": self.margin_mm,
        }


# --- summary ---------------------------------------------------------------------------------


class SummaryDocument(bytes):
    """A summary as a PDF (the seed returns a PDF document): the file's bytes, with `save()`,
    its `page_count`, and `as_pdf_document()` to hand it to another copilot."""

    def save(self, path: str | os.PathLike[str]) -> Path:
        return write_atomically(Path(path), bytes(self))

    @property
    def page_count(self) -> int:
        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(self)).pages)

    def as_pdf_document(self, name: str = "summary.pdf") -> PdfDocument:
        return PdfDocument(name, bytes(self))


class OpenAISummaryCopilot(SummaryCopilot):
    """The seed's summary copilot: the document comes with `page_info`, and saves take a
    `SaveFormat` (a path without a suffix gets a PDF)."""

    def __init__(
        self, client: OpenAIClient, options: OpenAISummaryCopilotOptions | None = None
    ) -> None:
        super().__init__(client, options)

    @property
    def has_context(self) -> bool:
        return self._summary is not None

    def get_summary_document(
        self,
        page_info: PageInfo | None = None,
        *,
        page_size: str = "A4",
        orientation: str = "portrait",
        margins_mm: float = 20.0,
    ) -> SummaryDocument:
        """The summary as a PDF document, laid out by `page_info` (or the keywords)."""
        setup = (
            page_info.as_options()
            if page_info is not None
            else {"page_size": page_size, "orientation": orientation, "margins_mm": margins_mm}
        )
        return SummaryDocument(super().get_summary_document(**setup))

    def save_summary(
        self,
        path: str | Path,
        format: ExportFormat | SaveFormat | None = None,
        *,
        page_size: str = "A4",
        orientation: str = "portrait",
        margins_mm: float = 20.0,
        page_info: PageInfo | None = None,
    ) -> Path:
        """Write the summary; `format` (a SaveFormat) else the suffix decides, else PDF."""
        path = Path(path)
        setup = (
            page_info.as_options()
            if page_info is not None
            else {"page_size": page_size, "orientation": orientation, "margins_mm": margins_mm}
        )
        return super().save_summary(path, output_format(path, format), **setup)


# --- image descriptions ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImageDescription(_FoundImage):
    """One image of a source, with the seed's names: `page_number`, `rectangle`,
    `image_bytes`, `description` (None when it was skipped or failed; see `skipped_reason`,
    `error`)."""

    @property
    def page_number(self) -> int | None:
        return self.page

    @property
    def rectangle(self) -> Rect | None:
        return self.rect

    @property
    def image_bytes(self) -> bytes:
        return self.image

    @classmethod
    def of(cls, found: _FoundImage) -> ImageDescription:
        return cls(**{f.name: getattr(found, f.name) for f in fields(found)})


@dataclass(frozen=True)
class ImageDescriptionResult:
    """The images of one source (a PDF or an image file) and their descriptions."""

    source: DocumentSource
    image_descriptions: list[ImageDescription] = field(default_factory=list)

    @property
    def file_path(self) -> Path | None:
        """The source's path, when it was given by path."""
        return self.source.path

    @property
    def pdf_document(self) -> DocumentSource | None:
        """The source when it is a PDF given in memory (a `PdfDocument`)."""
        return self.source if self.is_pdf_document else None

    @property
    def is_pdf_document(self) -> bool:
        return self.source.kind == "pdf" and self.source.path is None

    @property
    def is_pdf_document_path(self) -> bool:
        return self.source.kind == "pdf" and self.source.path is not None


class OpenAIImageDescriptionCopilot(ImageDescriptionCopilot):
    """The seed's image description copilot: one `ImageDescriptionResult` per source."""

    def __init__(
        self, client: OpenAIClient, options: OpenAIImageDescriptionCopilotOptions | None = None
    ) -> None:
        super().__init__(client, options)

    @property
    def has_context(self) -> bool:
        return self._results is not None

    def get_image_descriptions(self) -> list[ImageDescriptionResult]:  # type: ignore[override]
        """Per source, in the options' order: its images (page order) and descriptions."""
        flat = ImageDescriptionCopilot.get_image_descriptions(self)
        results = []
        for source in self.options.documents:
            mine = [ImageDescription.of(r) for r in flat if r.source == source.name]
            results.append(ImageDescriptionResult(source, mine))
        return results

    def get_image_description_list(self) -> list[_FoundImage]:
        """Every image of every source in one list (the shape `ImageDescriptionCopilot` has)."""
        return ImageDescriptionCopilot.get_image_descriptions(self)


# --- OCR -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OcrDetail:
    """One page: `page_number` (1-based), `success`, `extracted_text`, `error_message`, `usage`
    (tokens of the model's requests for it; zero when read locally or from the text layer)."""

    page_number: int
    success: bool
    extracted_text: str
    error_message: str | None = None
    usage: CompletionUsage = field(default_factory=lambda: _usage([]))
    method: str = "text_layer"

    def __lt__(self, other: OcrDetail) -> bool:
        return self.page_number < other.page_number


@dataclass(frozen=True)
class TextRecognitionResult:
    """The pages of one source: `source_identifier`, `ocr_details`, `overall_success`,
    `summary_error_message`, `total_usage`."""

    source_identifier: str
    ocr_details: list[OcrDetail]

    @property
    def overall_success(self) -> bool:
        return all(d.success for d in self.ocr_details)

    @property
    def summary_error_message(self) -> str | None:
        failed = [f"page {d.page_number}: {d.error_message}" for d in self.ocr_details if not d.success]
        return "; ".join(failed) or None

    @property
    def total_usage(self) -> CompletionUsage:
        return _usage([d.usage for d in self.ocr_details])

    @property
    def text(self) -> str:
        return "\n\n".join(d.extracted_text for d in self.ocr_details if d.extracted_text.strip())


def _usage(parts: list[CompletionUsage]) -> CompletionUsage:
    return CompletionUsage(
        prompt_tokens=sum(p.prompt_tokens for p in parts),
        completion_tokens=sum(p.completion_tokens for p in parts),
        total_tokens=sum(p.total_tokens for p in parts),
    )


class _SeedRecognizer(TextRecognizer):
    """The OCR options' `resolution` and system instructions applied to each request."""

    def __init__(self, *args: Any, resolution: int, system: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._resolution = resolution
        self._system = system

    def recognize(self, data: bytes, mime: str | None = None) -> str:
        if self.local or not self._system:
            return super().recognize(data, mime)
        messages = [
            {"role": "system", "content": self._system},
            image_message(self._prompt, image_data_url(data, mime), self._detail),
        ]
        settings = {"max_completion_tokens": self._max_completion_tokens}
        return complete(self._client, model=self._model(), messages=messages, settings=settings)

    def recognize_page(self, images: list[PdfImage]) -> str:
        return super().recognize_page([scaled(i, self._resolution) for i in images])


def scaled(image: PdfImage, dpi: int) -> PdfImage:
    """The image, scaled down to at most `dpi` of its size on the page (PNG when scaled)."""
    if image.rect is None:
        return image
    width_in = abs(image.rect.x1 - image.rect.x0) / 72
    height_in = abs(image.rect.y1 - image.rect.y0) / 72
    limit = (max(int(width_in * dpi), 1), max(int(height_in * dpi), 1))
    if image.width <= limit[0] and image.height <= limit[1]:
        return image
    try:
        with Image.open(io.BytesIO(image.data)) as opened:
            opened.thumbnail(limit)
            buffer = io.BytesIO()
            opened.save(buffer, format="PNG")
            size = opened.size
    except Exception:  # an image Pillow can't decode goes as it is
        return image
    return PdfImage(
        page=image.page, name=image.name, rect=image.rect, width=size[0], height=size[1],
        data=buffer.getvalue(), mime="image/png",
    )  # fmt: skip


class OpenAIOcrCopilot(OcrCopilot):
    """The seed's OCR copilot: a `TextRecognitionResult` per source, page details with usage."""

    def __init__(self, client: OpenAIClient, options: OpenAIOcrCopilotOptions | None = None):
        super().__init__(client, options)
        self._last: list[TextRecognitionResult] | None = None

    @property
    def has_context(self) -> bool:
        return self._last is not None

    def get_text_recognition_result(self) -> list[TextRecognitionResult]:  # type: ignore[override]
        options = self.options
        if not options.documents:
            raise CopilotError("the OCR copilot has no documents")
        recognizer = _SeedRecognizer(
            self._client,
            local=options.use_local_ocr,
            model=self.resolved_model,
            prompt=options.ocr_prompt,
            detail=options.detail,
            max_completion_tokens=options.max_completion_tokens,
            resolution=options.resolution,
            system=options.instructions,
        )
        results = []
        for done, source in enumerate(options.documents, start=1):
            results.append(self._recognize(source, recognizer))
            report(options.on_progress, done, len(options.documents), "recognising")
        self._last = results
        return results

    def _recognize(self, source: DocumentSource, recognizer: TextRecognizer) -> TextRecognitionResult:
        spent: list[CompletionUsage] = []
        per_page: list[CompletionUsage] = []
        seen = 0

        def on_page(done: int, total: int) -> None:
            nonlocal seen
            per_page.append(_usage(spent[seen:]))
            seen = len(spent)

        token = collect_usage(spent)
        try:
            contents = read_pages(
                source, recognizer, min_chars=self.options.text_layer_min_chars,
                force=self.options.force_ocr, on_page=on_page,
            )  # fmt: skip
        except DocumentSourceError as exc:
            return TextRecognitionResult(source.name, [OcrDetail(1, False, "", exc.reason)])
        finally:
            usage_sink.reset(token)
        if len(per_page) != len(contents):  # no OCR ran page by page (text layer, an image)
            per_page = [_usage(spent)] + [_usage([])] * (len(contents) - 1)
        details = [
            OcrDetail(c.number, c.error is None, c.text, c.error, usage, c.method)
            for c, usage in zip(contents, per_page, strict=True)
        ]
        return TextRecognitionResult(source.name, sorted(details))
