"""Copilot options: pydantic models with the seed's fluent `with_*` methods.

Every option object starts from `create()` (or the constructor) and each `with_*` call sets a
field, validates it, and returns the same object, as in .NET:

    OpenAIChatCopilotOptions.create().with_model("gpt-4o").with_temperature(0.2).with_document(p)

`model` left None means "the first model the server lists": on our engine that is its built-in
model `pdf-copilot-local`; against OpenAI itself, name a model explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from core.copilots._errors import CopilotError
from core.copilots._sources import DocumentInput, DocumentSource, as_source
from core.types.runs import TruncationStrategy

if TYPE_CHECKING:
    from core.copilots._seed import DocumentCollection

__all__ = [
    "Detail",
    "ImageDetail",
    "OpenAIChatCopilotOptions",
    "OpenAIImageDescriptionCopilotOptions",
    "OpenAIOcrCopilotOptions",
    "OpenAISummaryCopilotOptions",
    "ProgressCallback",
    "SummaryLength",
    "TextCallback",
]

ProgressCallback = Callable[[int, int, str], None]
"""`on_progress(done, total, stage)`: called as work advances, e.g. (3, 7, "summarising")."""
ImageDetail = Literal["low", "high", "auto"]


class Detail(StrEnum):
    """The seed's image detail (OCR's `with_detail`): auto, low or high."""

    AUTO = "auto"
    LOW = "low"
    HIGH = "high"


SummaryLength = Literal["short", "medium", "long"] | Annotated[int, Field(ge=10, le=20_000)]

DEFAULT_CHAT_INSTRUCTIONS = (
    "You answer questions about the attached documents. Search them with file_search, answer "
    "only from what they say, cite the passages you use, and say so when they don't contain "
    "the answer."
)
DEFAULT_SUMMARY_PROMPT = "Summarize the text above."
DEFAULT_IMAGE_PROMPT = (
    "Describe this image in one or two sentences, for use as its alternative text in an "
    "accessible PDF. Say what it shows and any text it contains."
)
DEFAULT_OCR_PROMPT = (
    "Transcribe the text in this image exactly, line by line. Reply with the text only, or "
    "with nothing if the image holds no text."
)


class Options(BaseModel):
    """What every copilot shares: the model, its sampling and limits, and the documents."""

    model_config = ConfigDict(validate_assignment=True, arbitrary_types_allowed=True)

    model: str | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    top_p: Annotated[float, Field(ge=0, le=1)] | None = None
    max_prompt_tokens: Annotated[int, Field(ge=1)] | None = None
    max_completion_tokens: Annotated[int, Field(ge=1)] | None = None
    instructions: str | None = None
    documents: list[DocumentSource] = Field(default_factory=list)

    @classmethod
    def create(cls, config: Callable[[Self], Any] | None = None) -> Self:
        """Options with every default, ready for `with_*` calls; `config` (the seed's
        `Create(o => ...)`) may set fields first: `create(lambda o: o.with_model("m"))`."""
        options = cls()
        if config is not None:
            config(options)
        return options

    def get_options(self) -> Self:
        """The seed's GetOptions: these options."""
        return self

    @property
    def system_instructions(self) -> str | None:
        """The seed's SystemInstructions: the same as `instructions`."""
        return self.instructions

    @system_instructions.setter
    def system_instructions(self, value: str | None) -> None:
        self.instructions = value

    @property
    def document_collection(self) -> DocumentCollection:
        """The documents as the seed's DocumentCollection (paths, PDF and text documents)."""
        from core.copilots._seed import DocumentCollection

        return DocumentCollection.of(self.documents)

    def with_model(self, model: str | None) -> Self:
        self.model = model
        return self

    def with_temperature(self, temperature: float | None) -> Self:
        self.temperature = temperature
        return self

    def with_top_p(self, top_p: float | None) -> Self:
        self.top_p = top_p
        return self

    def with_max_prompt_tokens(self, tokens: int | None) -> Self:
        self.max_prompt_tokens = tokens
        return self

    def with_max_completion_tokens(self, tokens: int | None) -> Self:
        self.max_completion_tokens = tokens
        return self

    def with_instructions(self, instructions: str | None) -> Self:
        self.instructions = instructions
        return self

    def with_document(self, document: DocumentInput) -> Self:
        """Add a document: a path (PDF, image or text file) or a `DocumentSource`."""
        return self.with_documents([document])

    def with_documents(self, documents: Iterable[DocumentInput] | DocumentCollection) -> Self:
        """Add documents; a `DocumentCollection` replaces them instead (as in the seed)."""
        from core.copilots._seed import DocumentCollection

        if isinstance(documents, DocumentCollection):
            self.documents = documents.sources()
            return self
        if isinstance(documents, str | os.PathLike | DocumentSource):
            raise CopilotError("with_documents takes a list; use with_document for one")
        self.documents = [*self.documents, *(as_source(d) for d in documents)]
        return self

    def with_text_document(self, name: str, text: str) -> Self:
        return self.with_documents([DocumentSource.from_text(name, text)])

    def with_pdf_bytes(self, name: str, data: bytes) -> Self:
        return self.with_documents([DocumentSource.from_pdf_bytes(name, data)])

    def with_image_bytes(self, name: str, data: bytes) -> Self:
        return self.with_documents([DocumentSource.from_image_bytes(name, data)])


class _OcrSettings(BaseModel):
    """How pages without a text layer (scans) and image files are turned into text.

    With `ocr_scanned_pages` on (the default) each PDF's text is read here first to find such
    pages (a second or two for a 50-page filing); pages found are OCR'd, by RapidOCR on this
    machine when `use_local_ocr`, else by the model.
    """

    ocr_scanned_pages: bool = True
    use_local_ocr: bool = True
    # A page whose text layer holds fewer characters than this counts as scanned.
    text_layer_min_chars: Annotated[int, Field(ge=1)] = 16

    def with_ocr(self, enabled: bool = True, *, local: bool = True) -> Self:
        """OCR scanned pages (on by default); `local=False` asks the vision model instead."""
        self.ocr_scanned_pages = enabled
        self.use_local_ocr = local
        return self


class _Progress(BaseModel):
    on_progress: ProgressCallback | None = Field(default=None, exclude=True, repr=False)

    def with_progress(self, callback: ProgressCallback | None) -> Self:
        self.on_progress = callback
        return self


class OpenAIChatCopilotOptions(_Progress, _OcrSettings, Options):
    """Chat with documents: files → vector store → assistant with file_search → thread.

    `context_backup` names a JSON file: `save_context()` without a path writes to it, and with
    `restore_context_from_backup` the copilot resumes the context saved there (only then).

    `on_progress` hears ("uploading", files done, files) and then ("indexing", files the
    server has finished with — indexed or failed —, files), and, from a server that reports
    per-page progress (our engine), ("indexing pages", pages read, pages). `keep_indexed_documents` (default
    True) keeps the documents that indexed when others fail; False makes any failure undo the
    whole batch (see `ChatCopilot.failed_documents`).

    `server_ocr` says the server OCRs pages without text while it indexes (our engine does,
    unless `ENGINE_INGEST_OCR` is off): PDFs are then uploaded as they are, unread here, and
    only image files are OCRed on this side (a server indexes no images).
    """

    # The Assistants API wants at least 256 for a run's token limits.
    max_prompt_tokens: Annotated[int, Field(ge=256)] | None = None
    max_completion_tokens: Annotated[int, Field(ge=256)] | None = None
    assistant_name: str = "PDF Copilot"
    vector_store_expiry_days: Annotated[int, Field(ge=1, le=365)] | None = None
    context_backup: Path | None = None
    restore_context_from_backup: bool = False
    truncation_strategy: TruncationStrategy | None = None
    max_num_results: Annotated[int, Field(ge=1, le=50)] | None = None
    keep_indexed_documents: bool = True
    server_ocr: bool = False

    def with_server_ocr(self, enabled: bool = True) -> Self:
        """Leave scanned PDF pages to the server's OCR at ingestion (see the class docstring)."""
        self.server_ocr = enabled
        return self

    def with_keep_indexed_documents(self, keep: bool = True) -> Self:
        """Keep what indexed when some documents fail (True), or undo the batch (False)."""
        self.keep_indexed_documents = keep
        return self

    def with_assistant_name(self, name: str) -> Self:
        self.assistant_name = name
        return self

    def with_vector_store_expiry_days(self, days: int | None) -> Self:
        """Let the server drop the vector store after `days` without use (None: never)."""
        self.vector_store_expiry_days = days
        return self

    def with_context_backup(self, path: str | os.PathLike[str] | None) -> Self:
        self.context_backup = Path(path) if path is not None else None
        return self

    def with_context_backup_json_path(self, path: str | os.PathLike[str] | None) -> Self:
        """The seed's name of `with_context_backup`."""
        return self.with_context_backup(path)

    @property
    def context_backup_json_path(self) -> Path | None:
        return self.context_backup

    def with_restore_context_from_backup(self, restore: bool = True) -> Self:
        """Resume the context saved at `context_backup` when the copilot is made (only then)."""
        self.restore_context_from_backup = restore
        return self

    def with_vector_store_expire_days(self, days: int | None) -> Self:
        """The seed's name of `with_vector_store_expiry_days`."""
        return self.with_vector_store_expiry_days(days)

    @property
    def vector_store_expire_days(self) -> int | None:
        return self.vector_store_expiry_days

    def with_truncation_strategy(
        self,
        strategy: TruncationStrategy | Literal["auto", "last_messages"] | None,
        last_messages: int | None = None,
    ) -> Self:
        """`"auto"`, or `"last_messages"` with how many of the thread's messages a run sees."""
        if isinstance(strategy, str):
            strategy = TruncationStrategy(type=strategy, last_messages=last_messages)
        self.truncation_strategy = strategy
        return self

    def with_max_num_results(self, count: int | None) -> Self:
        """How many passages file_search may retrieve per question."""
        self.max_num_results = count
        return self


TextCallback = Callable[[str, int, int, str], None]
"""`on_text(stage, done, total, text_so_far)`: a streamed summary part as it arrives."""


class OpenAISummaryCopilotOptions(_Progress, _OcrSettings, Options):
    """A summary of documents of any length, by chat completions.

    `max_prompt_tokens` is the model's context budget per request (default: the whole document
    for the built-in model, 6,000 tokens for others, counted approximately as characters / 4);
    longer text is summarised in parts that fit, and the partial summaries are combined.
    `length` is "short" (~100 words), "medium" (~250), "long" (~500) or a word count, per
    document; it is asked for and guarded. `summary_prompt` is the request, and its focus
    ("Focus on revenue and outlook."). `on_text` follows each streamed part.
    """

    summary_prompt: str = DEFAULT_SUMMARY_PROMPT
    length: SummaryLength = "medium"
    title: str | None = None
    on_text: TextCallback | None = Field(default=None, exclude=True, repr=False)

    def with_text_stream(self, callback: TextCallback | None) -> Self:
        """Follow the summary text as it streams in: `callback(stage, done, total, text)`."""
        self.on_text = callback
        return self

    def with_summary_prompt(self, prompt: str) -> Self:
        self.summary_prompt = prompt
        return self

    def with_length(self, length: SummaryLength) -> Self:
        self.length = length
        return self

    def with_title(self, title: str | None) -> Self:
        """The title of exported summaries (default: "Summary of <document names>")."""
        self.title = title
        return self


class _ImageSettings(BaseModel):
    detail: ImageDetail = "auto"

    def with_detail(self, detail: ImageDetail | Detail) -> Self:
        self.detail = detail.value if isinstance(detail, Detail) else detail
        return self

    def with_image_detail(self, detail: ImageDetail | Detail) -> Self:
        """The seed's name: "low", "high" or "auto" (the default)."""
        return self.with_detail(detail)

    @property
    def image_detail(self) -> ImageDetail:
        return self.detail


class OpenAIImageDescriptionCopilotOptions(_Progress, _ImageSettings, Options):
    """A description of every image in PDFs and image files, for alt text.

    Images whose shorter side is below `min_image_side` pixels or whose area is below
    `min_image_area` square pixels are taken as decorative and skipped (and reported), unless
    the PDF's structure tree calls them a figure. `vision` says whether the model can see
    images (None: any model but the engine's built-in one); `ocr_images` reads the text in
    each image with local OCR, as evidence for the person writing the description.
    """

    image_prompt: str = DEFAULT_IMAGE_PROMPT
    vision: bool | None = None
    ocr_images: bool = True

    def with_vision(self, vision: bool | None) -> Self:
        """Whether the model can see images (None: all but the built-in model can)."""
        self.vision = vision
        return self

    def with_ocr_images(self, enabled: bool = True) -> Self:
        self.ocr_images = enabled
        return self
    min_image_side: Annotated[int, Field(ge=0)] = 32
    min_image_area: Annotated[int, Field(ge=0)] = 4096

    def with_image_prompt(self, prompt: str) -> Self:
        self.image_prompt = prompt
        return self

    def with_image_description_prompt(self, prompt: str) -> Self:
        """The seed's name of `with_image_prompt`."""
        return self.with_image_prompt(prompt)

    @property
    def image_description_prompt(self) -> str:
        return self.image_prompt

    def with_min_image_size(self, side: int, area: int | None = None) -> Self:
        """Skip images smaller than `side` px on their shorter side (or `area` px²)."""
        self.min_image_side = side
        if area is not None:
            self.min_image_area = area
        return self


class OpenAIOcrCopilotOptions(_Progress, _ImageSettings, Options):
    """Text of scanned PDF pages and image files, page by page.

    Pages that have a text layer keep it unless `force_ocr`. `use_local_ocr` (default) runs
    RapidOCR on this machine; otherwise the (vision) model is asked with `ocr_prompt`.
    """

    use_local_ocr: bool = True
    force_ocr: bool = False
    ocr_prompt: str = DEFAULT_OCR_PROMPT
    text_layer_min_chars: Annotated[int, Field(ge=1)] = 16
    detail: ImageDetail = "high"
    resolution: Annotated[int, Field(ge=36, le=1200)] = 300

    def with_local_ocr(self, local: bool = True) -> Self:
        self.use_local_ocr = local
        return self

    def with_force_ocr(self, force: bool = True) -> Self:
        self.force_ocr = force
        return self

    def with_ocr_prompt(self, prompt: str) -> Self:
        self.ocr_prompt = prompt
        return self

    def with_user_instructions(self, prompt: str) -> Self:
        """The seed's UserInstructions: the prompt sent with each image (`ocr_prompt`)."""
        return self.with_ocr_prompt(prompt)

    @property
    def user_instructions(self) -> str:
        return self.ocr_prompt

    def with_system_instructions(self, instructions: str | None) -> Self:
        """The seed's name of `with_instructions` for OCR: a system message to the model."""
        return self.with_instructions(instructions)

    def with_resolution(self, dpi: int) -> Self:
        """Images of scanned pages are sent at no more than `dpi` (default 300) of their size
        on the page; larger scans are scaled down first."""
        self.resolution = dpi
        return self
