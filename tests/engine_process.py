"""A real engine process on a free loopback port, for tests that need one or several."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 30.0
SHUTDOWN_GRACE_S = 15.0  # above the engine's own grace period (8 s) for work in flight


@dataclass(frozen=True)
class EngineProcess:
    """A running `python -m engine serve` and how to reach it."""

    base_url: str  # ends in /v1, as the OpenAI SDK wants it
    api_key: str
    data_dir: Path
    process: subprocess.Popen
    stdout_path: Path
    stderr_path: Path

    @property
    def root_url(self) -> str:
        return self.base_url.removesuffix("/v1")

    def stderr_tail(self, limit: int = 4000) -> str:
        text = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        return text[-limit:]


@contextmanager
def start_engine(
    tmp_path: Path, env_extra: Mapping[str, str] | None = None
) -> Iterator[EngineProcess]:
    """Start an engine with its own data dir and key under tmp_path; stop it on exit."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    api_key = "sk-test-" + secrets.token_urlsafe(24)
    data_dir = tmp_path / "data"
    env = {**os.environ, "ENGINE_API_KEY": api_key, **(env_extra or {})}
    command = [sys.executable, "-m", "engine", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--data-dir", str(data_dir)]
    with ExitStack() as stack:
        # Files, not pipes: a chatty server must never block on a pipe nobody reads.
        stdout = stack.enter_context((tmp_path / "engine.stdout.log").open("wb"))
        stderr = stack.enter_context((tmp_path / "engine.stderr.log").open("wb"))
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
        )
        engine = EngineProcess(
            base_url=f"http://127.0.0.1:{port}/v1",
            api_key=api_key,
            data_dir=data_dir,
            process=process,
            stdout_path=Path(stdout.name),
            stderr_path=Path(stderr.name),
        )
        try:
            _wait_until_healthy(engine)
            yield engine
        finally:
            _stop(process)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(engine: EngineProcess) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    last_problem = "no answer yet"
    while time.monotonic() < deadline:
        if engine.process.poll() is not None:
            pytest.fail(
                f"engine exited with code {engine.process.returncode} before it was healthy;"
                f" stderr:\n{engine.stderr_tail()}",
                pytrace=False,
            )
        try:
            response = httpx.get(f"{engine.root_url}/health", timeout=2.0)
            if response.status_code == 200:
                return
            last_problem = f"GET /health answered {response.status_code}: {response.text[:200]}"
        except httpx.TransportError as exc:
            last_problem = f"GET /health failed: {exc!r}"
        time.sleep(0.2)
    pytest.fail(
        f"engine not healthy after {STARTUP_TIMEOUT_S:.0f} s ({last_problem}); stderr:\n"
        f"{engine.stderr_tail()}",
        pytrace=False,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=SHUTDOWN_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def in_process_engine(data_dir: Path, api_key: str) -> Iterator[Any]:
    """The real engine app (workers, SQLite, extraction children) behind Starlette's TestClient,
    an httpx.Client our own client can use as its transport: fast, no socket."""
    from fastapi.testclient import TestClient

    from engine.app import create_app
    from engine.settings import EngineSettings

    with TestClient(create_app(EngineSettings(data_dir=data_dir, api_key=api_key))) as http:
        yield http


def wait_for(check: Any, seconds: float, what: str, *, every: float = 0.05) -> Any:
    """`check()`'s first truthy result, asked every `every` s; a test failure after `seconds`."""
    import pytest

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(every)
    pytest.fail(f"gave up after {seconds:.0f} s waiting for {what}")
