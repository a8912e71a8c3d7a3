"""Files: the `file` object and its list."""

from __future__ import annotations

from typing import Literal

from core.types.shared import WireModel

FilePurpose = Literal[
    "assistants",
    "assistants_output",
    "batch",
    "batch_output",
    "fine-tune",
    "fine-tune-results",
    "vision",
    "user_data",
]
FILE_PURPOSES: tuple[str, ...] = FilePurpose.__args__  # type: ignore[attr-defined]


class FileObject(WireModel):
    id: str
    object: Literal["file"] = "file"
    bytes: int
    created_at: int
    expires_at: int | None = None
    filename: str
    purpose: FilePurpose
    status: Literal["uploaded", "processed", "error"] = "processed"
    status_details: str | None = None
