"""Multipart uploads read as they stream in, never spooled whole.

Starlette's form parser writes the whole body to a temporary file before a route can look at
it, so a size limit checked afterwards lets any client fill the disk first. Here the body is
parsed chunk by chunk (python-multipart, in a worker thread so the event loop keeps serving),
the file part goes straight into the blob store's temp folder, and the request fails with 413
the moment the file passes the limit, or before reading anything when Content-Length already
says it will. The small form fields beside the file are bounded too.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

import anyio.to_thread
from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from engine.blobs import BlobStore, TempBlob
from engine.errors import InvalidRequest, PayloadTooLarge

MB = 1024 * 1024
MAX_FIELDS = 16
MAX_FIELD_BYTES = 64 * 1024
# Multipart framing and small fields allowed on top of the file in a declared Content-Length.
FORM_OVERHEAD_BYTES = MAX_FIELDS * MAX_FIELD_BYTES
BATCH_BYTES = 1 * MB  # body bytes handed to the parsing thread at a time


class UploadAborted(Exception):
    """The client went away before the body was whole."""


@dataclass
class Upload:
    """A parsed upload: its form fields, and the file part written to a temp blob."""

    fields: dict[str, str] = field(default_factory=dict)
    filename: str | None = None
    blob: TempBlob | None = None


def too_large(max_bytes: int, param: str) -> PayloadTooLarge:
    limit = f"{max_bytes // MB} MB" if max_bytes >= MB else f"{max_bytes} bytes"
    return PayloadTooLarge(f"File is larger than the {limit} limit.", param=param,
                           code="file_too_large")


class _Form:
    """python-multipart callbacks: one file part into a temp blob, fields into a dict."""

    def __init__(self, blobs: BlobStore, file_field: str, max_bytes: int, charset: str):
        self._blobs, self._file_field, self._max_bytes = blobs, file_field, max_bytes
        self._charset = charset
        self.upload = Upload()
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._name = ""
        self._to_file = False
        self._value = bytearray()
        self.ended = False  # the closing boundary was seen

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self._part_begin, "on_header_field": self._header_field,
            "on_header_value": self._header_value_part, "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished, "on_part_data": self._part_data,
            "on_part_end": self._part_end, "on_end": self._end,
        }

    def _decode(self, raw: bytes) -> str:
        return raw.decode(self._charset, errors="replace")

    def _part_begin(self) -> None:
        self._disposition, self._name, self._to_file = b"", "", False
        self._value = bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]
        if len(self._header_name) > MAX_FIELD_BYTES:
            raise InvalidRequest("A multipart header is too long.", code="invalid_multipart")

    def _header_value_part(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]
        if len(self._header_value) > MAX_FIELD_BYTES:
            raise InvalidRequest("A multipart header is too long.", code="invalid_multipart")

    def _header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise InvalidRequest('A multipart part has no Content-Disposition "name".',
                                 code="invalid_multipart")
        self._name = self._decode(options[b"name"])
        if b"filename" in options or self._name == self._file_field:
            if self._name != self._file_field:
                raise InvalidRequest(f"Unexpected file part '{self._name[:40]}': send one file"
                                     f" as '{self._file_field}'.", param=self._name[:40])
            if self.upload.blob is not None:
                raise InvalidRequest("Send one file per upload.", param=self._file_field)
            self.upload.filename = self._decode(options.get(b"filename", b""))
            self.upload.blob = self._blobs.temp()
            self._to_file = True
        elif len(self.upload.fields) >= MAX_FIELDS:
            raise InvalidRequest(f"More than {MAX_FIELDS} form fields.", code="invalid_multipart")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._to_file:
            assert self.upload.blob is not None
            if self.upload.blob.size + (end - start) > self._max_bytes:
                raise too_large(self._max_bytes, self._file_field)
            self.upload.blob.write(data[start:end])
        else:
            self._value += data[start:end]
            if len(self._value) > MAX_FIELD_BYTES:
                raise InvalidRequest(f"Form field '{self._name[:40]}' is longer than"
                                     f" {MAX_FIELD_BYTES // 1024} KB.", param=self._name[:40])

    def _end(self) -> None:
        self.ended = True

    def _part_end(self) -> None:
        if self._to_file:
            assert self.upload.blob is not None
            self.upload.blob.close()
        else:
            self.upload.fields[self._name] = self._decode(bytes(self._value))


async def read_upload(request: Request, blobs: BlobStore, *, max_bytes: int,
                      file_field: str = "file") -> Upload:
    """Parse a multipart/form-data body as it arrives; the caller owns (and must commit or
    discard) the returned upload's blob. Raises 400/413 APIErrors, or UploadAborted."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise InvalidRequest("Send the upload as multipart/form-data.", param=file_field,
                             code="invalid_content_type")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes + FORM_OVERHEAD_BYTES:
        raise too_large(max_bytes, file_field)  # nothing read: the body is refused unread
    charset = params.get(b"charset", b"utf-8").decode("latin-1")
    try:
        charset = codecs.lookup(charset).name
    except LookupError:
        charset = "latin-1"
    form = _Form(blobs, file_field, max_bytes, charset)
    parser = MultipartParser(params[b"boundary"], form.callbacks())  # type: ignore[arg-type]
    pending: list[bytes] = []
    buffered = 0
    try:
        try:
            async for chunk in request.stream():
                pending.append(chunk)
                buffered += len(chunk)
                if buffered >= BATCH_BYTES:
                    await anyio.to_thread.run_sync(parser.write, b"".join(pending))
                    pending, buffered = [], 0
            if pending:
                await anyio.to_thread.run_sync(parser.write, b"".join(pending))
            parser.finalize()
            if not form.ended:
                raise InvalidRequest("The multipart body ended before its closing boundary.",
                                     param=file_field, code="invalid_multipart")
        except ClientDisconnect:
            raise UploadAborted from None
        except MultipartParseError as exc:
            raise InvalidRequest(f"The multipart body is malformed ({exc}).", param=file_field,
                                 code="invalid_multipart") from None
    except BaseException:
        if form.upload.blob is not None:
            form.upload.blob.discard()
        raise
    return form.upload
