"""File contents on disk, written atomically (temp file, then rename)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from engine.errors import InvalidRequest, PayloadTooLarge

_COPY_CHUNK = 1024 * 1024


class BlobStore:
    def __init__(self, root: Path):
        self.root = root
        self._tmp = root / ".tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)

    def path(self, file_id: str) -> Path:
        return self.root / file_id[-2:] / file_id

    def save(self, file_id: str, source: BinaryIO, *, max_bytes: int) -> tuple[int, str]:
        """Copy an upload into place; returns (size, sha256). Nothing is left behind on error."""
        digest, size = hashlib.sha256(), 0
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp)
        try:
            with os.fdopen(fd, "wb") as out:
                while block := source.read(_COPY_CHUNK):
                    size += len(block)
                    if size > max_bytes:
                        raise PayloadTooLarge(
                            f"File is larger than the {max_bytes // (1024 * 1024)} MB limit.",
                            param="file",
                            code="file_too_large",
                        )
                    digest.update(block)
                    out.write(block)
            if size == 0:
                raise InvalidRequest("File is empty.", param="file", code="empty_file")
            target = self.path(file_id)
            target.parent.mkdir(exist_ok=True)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return size, digest.hexdigest()

    def delete(self, file_id: str) -> None:
        self.path(file_id).unlink(missing_ok=True)
