"""Files: upload, retrieve, list, download, delete."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

from core.client._base import BaseClient, coerce_params, require_id
from core.client._pagination import FileListQueryParameters, Page
from core.errors import InvalidArgumentError
from core.types.files import FileObject
from core.types.shared import DeletedObject

FileInput = str | os.PathLike[str] | bytes | IO[bytes]


class FilesMixin(BaseClient):
    def upload_file(
        self, file: FileInput, *, purpose: str = "assistants", filename: str | None = None
    ) -> FileObject:
        """Upload a file (a path, bytes or a binary file object); `filename` names bytes."""
        name, content = _read(file, filename)
        # Bytes, not a stream: a retried attempt must send the same content again.
        response = self._request(
            "POST", "/files", files={"file": (name, content)}, data={"purpose": purpose}
        )
        return self._parse(response, FileObject)

    def get_file(self, file_id: str) -> FileObject:
        return self._get(f"/files/{require_id('file_id', file_id)}", FileObject)

    def get_files(
        self, query: FileListQueryParameters | None = None, /, **params: Any
    ) -> Page[FileObject]:
        query = coerce_params(FileListQueryParameters, query, params)
        return self._list("/files", FileObject, query)

    def delete_file(self, file_id: str) -> DeletedObject:
        return self._delete(f"/files/{require_id('file_id', file_id)}", DeletedObject)

    def get_file_content(self, file_id: str) -> bytes:
        """The stored bytes of a file."""
        return self._request("GET", f"/files/{require_id('file_id', file_id)}/content").content


def _read(file: FileInput, filename: str | None) -> tuple[str, bytes]:
    if isinstance(file, bytes):
        if not filename:
            raise InvalidArgumentError("uploading bytes needs filename=")
        return filename, file
    if isinstance(file, str | os.PathLike):
        path = Path(file)
        return filename or path.name, path.read_bytes()
    content = file.read()
    name = filename or Path(str(getattr(file, "name", "") or "")).name
    if not name:
        raise InvalidArgumentError("this file object has no name; pass filename=")
    return name, content
