"""Small things every copilot needs: the default model, progress reports, image payloads."""

from __future__ import annotations

import base64
import io
import logging
import os
import tempfile
from collections.abc import Mapping
from contextvars import ContextVar
from enum import Enum, StrEnum
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from PIL import Image

from core.client import OpenAIClient
from core.copilots._errors import CopilotError, CopilotResponseError
from core.copilots._options import ImageDetail, Options, ProgressCallback
from core.errors import OpenAIError
from core.types.chat import CompletionUsage

__all__ = [
    "Copilot",
    "SaveFormat",
    "complete",
    "image_data_url",
    "image_message",
    "output_format",
    "report",
    "resolve_model",
    "write_atomically",
]

log = logging.getLogger("core.copilots")

ExportFormat = Literal["pdf", "docx", "md", "txt"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("pdf", "docx", "md", "txt")

# The image types chat-completions servers accept in a data URL; others are converted to PNG.
_WIRE_MIMES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})




class SaveFormat(StrEnum):
    """The seed's SaveFormat, for the formats we write: PDF (the default), DOCX, Markdown, text."""

    PDF = "pdf"
    DOCX = "docx"
    DOC_X = "docx"
    MARKDOWN = "md"
    TXT = "txt"


OptionsT = TypeVar("OptionsT", bound=Options)


class Copilot(Generic[OptionsT]):
    """What every copilot holds: the client, its options, and the model it settled on."""

    def __init__(self, client: OpenAIClient, options: OptionsT) -> None:
        self._client = client
        self.options = options
        self._model: str | None = None

    @property
    def has_context(self) -> bool:
        """The seed's HasContext: True once the copilot holds work it can reuse (a chat's
        server-side context; a summary, descriptions or recognised text computed)."""
        return False

    def resolved_model(self) -> str:
        """The model of this copilot's requests: options.model, else the server's first."""
        if self._model is None:
            self._model = resolve_model(self._client, self.options.model)
        return self._model


def resolve_model(client: OpenAIClient, model: str | None) -> str:
    """`model`, or when None the first model the server lists (the engine's built-in one)."""
    if model:
        return model
    try:
        models = client.get_models()
    except OpenAIError as exc:
        raise CopilotError(f"could not list the server's models to pick one: {exc}") from exc
    if not models:
        raise CopilotError("the server lists no models; set the copilot's model option")
    return models[0].id


def report(callback: ProgressCallback | None, done: int, total: int, stage: str) -> None:
    """Tell the caller how far the work is; a failing callback never stops the work."""
    if callback is None:
        return
    try:
        callback(done, total, stage)
    except Exception:
        log.warning("the progress callback failed at %s %d/%d", stage, done, total, exc_info=True)


def image_data_url(data: bytes, mime: str | None = None) -> str:
    """A `data:` URL of the image, converted to PNG when the type isn't one servers accept."""
    if mime not in _WIRE_MIMES:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image: Image.Image = opened
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
        data, mime = buffer.getvalue(), "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def image_message(prompt: str, url: str, detail: ImageDetail) -> dict[str, Any]:
    """A user message holding the prompt and the image, prompt first."""
    return {
        "role": "user",
        "content": [
            {"type": "text", "text": prompt},
            {"type": "image_url", "image_url": {"url": url, "detail": detail}},
        ],
    }


def complete(
    client: OpenAIClient,
    *,
    model: str,
    messages: list[dict[str, Any]],
    settings: Mapping[str, Any],
) -> str:
    """The text of one chat completion; `settings` are temperature, top_p and token limits."""
    fields = {k: v for k, v in settings.items() if v is not None}
    try:
        completion = client.create_completion(model=model, messages=messages, **fields)
    except OpenAIError as exc:
        raise CopilotResponseError(f"the chat completion failed: {exc}") from exc
    if (sink := _usage_sink.get()) is not None and completion.usage is not None:
        sink.append(completion.usage)
    if not completion.choices:
        raise CopilotResponseError(f"the completion {completion.id} has no choices")
    return (completion.choices[0].message.content or "").strip()


_usage_sink: ContextVar[list[CompletionUsage] | None] = ContextVar("usage_sink", default=None)


def collect_usage(sink: list[CompletionUsage] | None) -> Any:
    """Make `complete()` append each completion's usage to `sink` (None stops); returns the
    token to pass to `_usage_sink.reset`."""
    return _usage_sink.set(sink)


def write_atomically(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file, so a failure leaves no partial file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def output_format(path: Path, fmt: str | None) -> ExportFormat:
    """The export format: `fmt` (a name or a `SaveFormat`), else the path's suffix ("md" for
    .markdown), else PDF for a path without a suffix, as the seed saves by default."""
    if isinstance(fmt, Enum):
        fmt = str(fmt.value)
    if not fmt and not path.suffix:
        return "pdf"
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    chosen = {"markdown": "md", "text": "txt"}.get(chosen, chosen)
    for known in EXPORT_FORMATS:
        if chosen == known:
            return known
    raise CopilotError(
        f"can't tell the format of {path.name!r}: pass format= one of {', '.join(EXPORT_FORMATS)}"
    )
