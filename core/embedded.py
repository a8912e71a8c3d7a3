"""The embedded engine: `python -m engine serve` as a child process on a free loopback port.

The app starts one per server process when no server is configured. It gets a random bearer
key for its default project and a random admin key (with which the app provisions a project per
signed-in user), both in its environment, never on its command line. It logs to
`<data dir>/engine.log` and is stopped when the interpreter exits.
"""

from __future__ import annotations

import atexit
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

__all__ = ["EmbeddedEngine", "EngineStartError", "start_embedded_engine"]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LOG_NAME = "engine.log"
_START_ATTEMPTS = 3  # another process may take the free port between our probe and its bind
_STOP_GRACE_SECONDS = 15.0  # above the engine's own grace for work in flight (8 s)


class EngineStartError(RuntimeError):
    """The embedded engine could not start; the message's first line says why, its log follows."""

    @property
    def reason(self) -> str:
        return str(self).split("\n", 1)[0].rstrip(":")


@dataclass
class EmbeddedEngine:
    """A running engine child process and how to reach it."""

    base_url: str  # …/v1
    api_key: str = field(repr=False)  # the default project's key
    data_dir: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    admin_key: str = field(default="", repr=False)  # manages per-user projects and keys

    @property
    def root_url(self) -> str:
        return self.base_url.removesuffix("/v1")

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_NAME

    def is_running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Terminate the engine and wait for it (then kill it if it will not stop)."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_embedded_engine(
    data_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    startup_timeout: float = 60.0,
) -> EmbeddedEngine:
    """Start an engine on `data_dir`, wait until /health answers, and stop it at exit.

    `env` adds variables for the engine (the upstream model settings, say).
    """
    data_dir = Path(data_dir).resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EngineStartError(f"the data folder {data_dir} can't be used ({exc.strerror})") from exc
    problem = ""
    for _ in range(_START_ATTEMPTS):
        engine = _spawn(data_dir, env or {})
        try:
            _wait_until_healthy(engine, startup_timeout)
        except EngineStartError as exc:
            engine.stop()
            problem = str(exc)
            if "address already in use" in problem.lower():
                continue
            raise
        atexit.register(engine.stop)
        return engine
    raise EngineStartError(problem)


def _spawn(data_dir: Path, extra_env: Mapping[str, str]) -> EmbeddedEngine:
    port = _free_port()
    api_key = "sk-embedded-" + secrets.token_urlsafe(24)
    admin_key = "sk-admin-embedded-" + secrets.token_urlsafe(24)
    child_env = {**os.environ, **extra_env, "ENGINE_API_KEY": api_key,
                 "ENGINE_ADMIN_KEY": admin_key}
    command = [sys.executable, "-m", "engine", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--data-dir", str(data_dir), "--log-level", "warning"]
    # A file, not a pipe: nobody reads the engine's output, and a full pipe would block it.
    with (data_dir / LOG_NAME).open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return EmbeddedEngine(
        base_url=f"http://127.0.0.1:{port}/v1", api_key=api_key, data_dir=data_dir,
        process=process, admin_key=admin_key,
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_healthy(engine: EmbeddedEngine, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if engine.process.poll() is not None:
            raise EngineStartError(
                f"the embedded engine exited with code {engine.process.returncode}"
                f" before it was ready:\n{_log_tail(engine.log_path)}"
            )
        try:
            if httpx.get(f"{engine.root_url}/health", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise EngineStartError(
        f"the embedded engine did not answer within {timeout:.0f} s:\n{_log_tail(engine.log_path)}"
    )


def _log_tail(path: Path, limit: int = 2000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-limit:]
    except OSError:
        return "(no log)"
