"""The extraction child's main loop: requests in over a pipe, page texts out."""

from __future__ import annotations

import logging
import resource
import signal
from multiprocessing.connection import Connection
from pathlib import Path

from ._document import ExtractionError
from .extract import extract_document  # imports pypdf before "ready", off any file's clock


def serve(conn: Connection, memory_limit_mb: int) -> None:
    """Answer (path, filename) requests until the pipe closes; exit after a MemoryError."""
    limit = memory_limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # Ctrl-C is the parent's business; it stops us by closing the pipe or killing us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Broken files make pypdf log by the thousand, errors it recovers from included; what
    # matters about a file travels back through the pipe.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    conn.send("ready")
    while True:
        try:
            data_path, filename = conn.recv()
        except EOFError:
            return
        try:
            doc = extract_document(Path(data_path), filename)
            reply: tuple[object, ...] = (
                "ok",
                [(page.number, page.text) for page in doc.pages],
                doc.page_count,
            )
        except ExtractionError as exc:
            reply = ("error", exc.code, exc.message)
        except MemoryError:
            reply = ("memory",)
        except Exception as exc:  # extract_document should not raise anything else; be sure
            reply = ("error", "server_error", f"Extraction failed unexpectedly ({exc!r:.200}).")
        try:
            conn.send(reply)
        except MemoryError:
            reply = ("memory",)
            conn.send(reply)
        if reply[0] == "memory":
            return
