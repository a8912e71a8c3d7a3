"""Fixtures for the app's tests: a real engine (started by the app's own launcher) and AppTest.

Each test runs in its own working directory with only the `PDF_COPILOT_*` variables it sets,
so a developer's secrets file or environment never leaks in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from app_helpers import AAPL_10Q, APP_SCRIPT, RUN_TIMEOUT
from streamlit.testing.v1 import AppTest

from core import OpenAIClient
from core.embedded import EmbeddedEngine, start_embedded_engine


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedEngine]:
    started = start_embedded_engine(tmp_path_factory.mktemp("app-engine"))
    yield started
    started.stop()


@pytest.fixture
def engine_client(engine: EmbeddedEngine) -> Iterator[OpenAIClient]:
    with OpenAIClient(api_key=engine.api_key, base_url=engine.base_url) as client:
        yield client


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No PDF_COPILOT_* from outside, and a working directory without a secrets file."""
    for name in list(os.environ):
        if name.startswith("PDF_COPILOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


@pytest.fixture
def use_engine(clean_env: pytest.MonkeyPatch, engine: EmbeddedEngine) -> EmbeddedEngine:
    """Point the app at the test engine through its settings, as a deployment would."""
    clean_env.setenv("PDF_COPILOT_BASE_URL", engine.base_url)
    clean_env.setenv("PDF_COPILOT_API_KEY", engine.api_key)
    return engine


@pytest.fixture
def open_page() -> Callable[..., AppTest]:
    """`open_page("screens/chat.py")`: the app run once, then switched to that page and run."""

    def open_(page: str | None = None, **query_params: str) -> AppTest:
        at = AppTest.from_file(str(APP_SCRIPT), default_timeout=RUN_TIMEOUT)
        at.query_params.update(query_params)
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_


@pytest.fixture(scope="session")
def aapl_10q() -> Path:
    if not AAPL_10Q.is_file():
        pytest.skip(f"corpus file not found: {AAPL_10Q}")
    return AAPL_10Q


@pytest.fixture
def server_down(clean_env: pytest.MonkeyPatch) -> str:
    """The app configured for a server that is not there (a closed loopback port)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    clean_env.setenv("PDF_COPILOT_BASE_URL", url)
    clean_env.setenv("PDF_COPILOT_API_KEY", "sk-nobody-listens")
    return url
