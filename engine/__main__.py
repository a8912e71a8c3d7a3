"""`python -m engine serve --host 127.0.0.1 --port 8765 --data-dir DIR`.

SIGTERM or SIGINT (Ctrl-C) stops the engine gracefully: it takes no new work at once, lets
requests, files being indexed and runs in flight finish within ENGINE_SHUTDOWN_GRACE_SECONDS,
and leaves the rest to resume at the next start. A second Ctrl-C quits at once (which loses
nothing either: the next start resumes from the database).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import logging
import os
import re
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from engine.settings import EngineSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m engine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="Serve the OpenAI-compatible API.")
    serve.add_argument("--host", default="127.0.0.1", help="Interface to bind (default: loopback).")
    serve.add_argument("--port", type=int, default=8765, help="TCP port (default: 8765).")
    serve.add_argument("--data-dir", type=Path, default=None,
                       help="Database and blobs folder (default: $ENGINE_DATA_DIR or ./engine-data).")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return parser


_KEY_IN_URL = re.compile(r"((?:api[_-]?key|apikey|key|access_token|token)=)[^&\s\"]*", re.I)


class RedactKeys(logging.Filter):
    """Access-log lines never carry a key: `?api_key=…` values become `***` (such requests are
    refused anyway, but their request line is still logged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_KEY_IN_URL.sub(r"\1***", a) if isinstance(a, str) else a
                                for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _KEY_IN_URL.sub(r"\1***", record.msg)
        return True


def log_config() -> dict[str, Any]:
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_keys"] = {"()": RedactKeys}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_keys")
    return config


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.umask(0o077)  # blobs, the database and its journals: the owner's only
    import uvicorn

    from engine.app import create_app

    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    settings = EngineSettings(**overrides)  # type: ignore[arg-type]
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    app = create_app(settings)
    print(f"PDF Copilot engine serving http://{args.host}:{args.port}/v1"
          f" (docs: http://{args.host}:{args.port}/docs, data: {settings.data_dir.resolve()})",
          flush=True)
    state = app.state.engine

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            # The engine's workers stop taking work at the signal, while uvicorn drains the
            # open requests, not after it. Off the signal handler: that takes locks.
            threading.Thread(target=state.begin_shutdown, name="shutdown", daemon=True).start()
            super().handle_exit(sig, frame)

    config = uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level,
                            log_config=log_config(),
                            timeout_graceful_shutdown=max(1, int(settings.shutdown_grace_seconds)))
    server = Server(config)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the SIGINT it handled
        server.run()
    return 0 if server.started else 3  # uvicorn's own code for a failed start


if __name__ == "__main__":
    sys.exit(main())
