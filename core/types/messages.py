"""Messages: the `thread.message` object, its content and annotations, deltas and requests.

`FileCitation` carries three extension fields beyond the spec (`quote`, `filename`, `pages`):
the engine fills them so a citation can name its file, page(s) and quoted text; other servers
leave them out and they read as None.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from core.types.assistants import CodeInterpreterTool, WireModel
from core.types.shared import DeletedObject, Metadata, StrictParams

MessageRole = Literal["user", "assistant"]
MessageStatus = Literal["in_progress", "incomplete", "completed"]
ImageDetail = Literal["auto", "low", "high"]


# --- annotations -----------------------------------------------------------------------------


class FileCitation(WireModel):
    file_id: str
    quote: str | None = None
    filename: str | None = None
    pages: list[int] | None = None


class FileCitationAnnotation(WireModel):
    type: Literal["file_citation"] = "file_citation"
    text: str
    file_citation: FileCitation
    start_index: Annotated[int, Field(ge=0)]
    end_index: Annotated[int, Field(ge=0)]


class FilePath(WireModel):
    file_id: str


class FilePathAnnotation(WireModel):
    type: Literal["file_path"] = "file_path"
    text: str
    file_path: FilePath
    start_index: Annotated[int, Field(ge=0)]
    end_index: Annotated[int, Field(ge=0)]


Annotation = Annotated[FileCitationAnnotation | FilePathAnnotation, Field(discriminator="type")]


# --- content ---------------------------------------------------------------------------------


class Text(WireModel):
    value: str
    annotations: list[Annotation] = Field(default_factory=list)


class TextContent(WireModel):
    type: Literal["text"] = "text"
    text: Text


class ImageFile(WireModel):
    file_id: str
    detail: ImageDetail | None = None


class ImageFileContent(WireModel):
    type: Literal["image_file"] = "image_file"
    image_file: ImageFile


class ImageUrl(WireModel):
    url: str
    detail: ImageDetail | None = None


class ImageUrlContent(WireModel):
    type: Literal["image_url"] = "image_url"
    image_url: ImageUrl


class RefusalContent(WireModel):
    type: Literal["refusal"] = "refusal"
    refusal: str


MessageContent = Annotated[
    ImageFileContent | ImageUrlContent | TextContent | RefusalContent,
    Field(discriminator="type"),
]


class TextContentParam(WireModel):
    type: Literal["text"] = "text"
    text: str


MessageContentParam = Annotated[
    ImageFileContent | ImageUrlContent | TextContentParam, Field(discriminator="type")
]


# --- attachments -----------------------------------------------------------------------------


class FileSearchToolTypeOnly(WireModel):
    type: Literal["file_search"] = "file_search"


AttachmentTool = Annotated[
    CodeInterpreterTool | FileSearchToolTypeOnly, Field(discriminator="type")
]


class Attachment(WireModel):
    file_id: str
    tools: list[AttachmentTool] = Field(default_factory=list)


# --- the message -----------------------------------------------------------------------------


class MessageIncompleteDetails(WireModel):
    reason: Literal["content_filter", "max_tokens", "run_cancelled", "run_expired", "run_failed"]


class Message(WireModel):
    id: str
    object: Literal["thread.message"] = "thread.message"
    created_at: int
    thread_id: str
    status: MessageStatus
    incomplete_details: MessageIncompleteDetails | None
    completed_at: int | None
    incomplete_at: int | None
    role: MessageRole
    content: list[MessageContent]
    assistant_id: str | None
    run_id: str | None
    attachments: list[Attachment] | None
    metadata: Metadata | None

    @property
    def text(self) -> str:
        """The message's text parts joined by blank lines (images and refusals left out)."""
        return "\n\n".join(
            part.text.value for part in self.content if isinstance(part, TextContent)
        )

    @property
    def annotations(self) -> list[FileCitationAnnotation | FilePathAnnotation]:
        """Every annotation of every text part, in order."""
        return [a for p in self.content if isinstance(p, TextContent) for a in p.text.annotations]


class MessageDeleted(DeletedObject):
    object: Literal["thread.message.deleted"] = "thread.message.deleted"


class MessageCreateParams(StrictParams):
    role: MessageRole
    content: str | Annotated[list[MessageContentParam], Field(min_length=1)]
    attachments: list[Attachment] | None = None
    metadata: Metadata | None = None


class MessageUpdateParams(StrictParams):
    metadata: Metadata | None = None


# --- streaming deltas ------------------------------------------------------------------------


class FileCitationDelta(WireModel):
    file_id: str | None = None
    quote: str | None = None
    filename: str | None = None
    pages: list[int] | None = None


class FileCitationAnnotationDelta(WireModel):
    index: int
    type: Literal["file_citation"] = "file_citation"
    text: str | None = None
    file_citation: FileCitationDelta | None = None
    start_index: int | None = None
    end_index: int | None = None


class FilePathAnnotationDelta(WireModel):
    index: int
    type: Literal["file_path"] = "file_path"
    text: str | None = None
    file_path: FilePath | None = None
    start_index: int | None = None
    end_index: int | None = None


AnnotationDelta = Annotated[
    FileCitationAnnotationDelta | FilePathAnnotationDelta, Field(discriminator="type")
]


class TextDelta(WireModel):
    value: str | None = None
    annotations: list[AnnotationDelta] | None = None


class TextDeltaContent(WireModel):
    index: int
    type: Literal["text"] = "text"
    text: TextDelta | None = None


class ImageFileDeltaContent(WireModel):
    index: int
    type: Literal["image_file"] = "image_file"
    image_file: ImageFile | None = None


class ImageUrlDeltaContent(WireModel):
    index: int
    type: Literal["image_url"] = "image_url"
    image_url: ImageUrl | None = None


class RefusalDeltaContent(WireModel):
    index: int
    type: Literal["refusal"] = "refusal"
    refusal: str | None = None


MessageDeltaContent = Annotated[
    TextDeltaContent | ImageFileDeltaContent | ImageUrlDeltaContent | RefusalDeltaContent,
    Field(discriminator="type"),
]


class MessageDeltaBody(WireModel):
    role: MessageRole | None = None
    content: list[MessageDeltaContent] | None = None


class MessageDelta(WireModel):
    id: str
    object: Literal["thread.message.delta"] = "thread.message.delta"
    delta: MessageDeltaBody

    @property
    def text(self) -> str:
        """The text this delta appends."""
        parts = self.delta.content or []
        return "".join(
            p.text.value or "" for p in parts if isinstance(p, TextDeltaContent) and p.text
        )
