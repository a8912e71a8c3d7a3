"""File contents on disk, written atomically: into `.tmp` first, renamed into place when whole.

A temp file belongs to one upload in flight; whatever a crash leaves in `.tmp` (and any blob no
file row points at) is swept at the next start.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger("engine.blobs")


class TempBlob:
    """An upload being written: bytes are counted and hashed as they arrive."""

    def __init__(self, directory: Path):
        fd, name = tempfile.mkstemp(dir=directory, prefix="upload-")
        self.path = Path(name)
        self._out = os.fdopen(fd, "wb")
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._digest.update(data)
        self._out.write(data)
        self.size += len(data)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def close(self) -> None:
        if not self._out.closed:
            self._out.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


class BlobStore:
    def __init__(self, root: Path):
        self.root = root
        self.temp_dir = root / ".tmp"
        self.temp_dir.mkdir(parents=True, exist_ok=True)

    def path(self, file_id: str) -> Path:
        return self.root / file_id[-2:] / file_id

    def temp(self) -> TempBlob:
        return TempBlob(self.temp_dir)

    def commit(self, blob: TempBlob, file_id: str) -> None:
        """Move a finished upload into place under its file id."""
        blob.close()
        target = self.path(file_id)
        target.parent.mkdir(exist_ok=True)
        os.replace(blob.path, target)

    def delete(self, file_id: str) -> None:
        self.path(file_id).unlink(missing_ok=True)

    def sweep(self, known_ids: Iterable[str]) -> int:
        """Remove what a crash left behind: partial uploads in `.tmp` and blobs no file row
        names (an upload killed between its rename and its row). Only at start: an upload in
        flight would be taken for debris. Returns how many files went."""
        known = set(known_ids)
        removed = 0
        for path in self.temp_dir.iterdir():
            path.unlink(missing_ok=True)
            removed += 1
        for shard in self.root.iterdir():
            if shard == self.temp_dir or not shard.is_dir():
                continue
            for path in shard.iterdir():
                if path.name.startswith("file-") and path.name not in known:
                    path.unlink(missing_ok=True)
                    removed += 1
        if removed:
            log.info("removed %d partial or orphaned upload(s) left by an earlier run", removed)
        return removed
