"""Files: upload, retrieve, list, download, delete."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

from core.client._base import BaseClient, coerce_params, require_id
from core.client._pagination import FileListQueryParameters, PageSpec
from core.client._steps import Steps, api, api_paged
from core.errors import InvalidArgumentError
from core.types.files import FileObject
from core.types.shared import DeletedObject

FileInput = str | os.PathLike[str] | bytes | IO[bytes]


def _path(file_id: str) -> str:
    return f"/files/{require_id('file_id', file_id)}"


class FilesMixin(BaseClient):
    @api
    def upload_file(
        self,
        file: FileInput,
        file_name: str | None = None,
        file_bytes: bytes | None = None,
        /,
        *,
        purpose: str = "assistants",
        filename: str | None = None,
    ) -> Steps[FileObject]:
        """Upload a file: `upload_file(path_or_bytes_or_file, purpose=..., filename=...)`, or
        the seed's order `upload_file(purpose, file_name, file_bytes)`."""
        if file_name is not None or file_bytes is not None:
            if not isinstance(file, str) or not file.strip():
                raise InvalidArgumentError("purpose must be a non-empty string")
            if not isinstance(file_name, str) or not file_name.strip():
                raise InvalidArgumentError("file_name must be a non-empty string")
            if not isinstance(file_bytes, bytes | bytearray):
                raise InvalidArgumentError("file_bytes must be bytes")
            purpose, name, content = file, file_name, bytes(file_bytes)
        else:
            name, content = _read(file, filename)
        # Bytes, not a stream: a retried attempt must send the same content again.
        response = yield from self._request_op(
            "POST", "/files", files={"file": (name, content)}, data={"purpose": purpose}
        )
        return self._parse(response, FileObject)

    @api
    def get_file(self, file_id: str) -> Steps[FileObject]:
        return (yield from self._get_op(_path(file_id), FileObject))

    @api_paged
    def get_files(
        self, query: FileListQueryParameters | str | None = None, /, **params: Any
    ) -> Steps[PageSpec[FileObject]]:
        """List files; `get_files("assistants")` (the seed's form) filters by purpose."""
        if isinstance(query, str):
            query, params = None, {"purpose": query, **params}
        query = coerce_params(FileListQueryParameters, query, params)
        return (yield from self._list_op("/files", FileObject, query))

    @api
    def delete_file(self, file_id: str) -> Steps[DeletedObject]:
        return (yield from self._delete_op(_path(file_id), DeletedObject))

    @api
    def get_file_content(self, file_id: str) -> Steps[bytes]:
        """The stored bytes of a file."""
        return (yield from self._request_op("GET", f"{_path(file_id)}/content")).content


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
