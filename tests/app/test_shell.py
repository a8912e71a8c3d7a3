"""The app's frame: settings, the embedded engine, the sidebar's server status, a dead server."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from app_helpers import errors, texts

from app import services
from core.embedded import EngineStartError, start_embedded_engine
from core.settings import AppSettings

PAGES = ["screens/chat.py", "screens/summary.py", "screens/images.py", "screens/admin.py"]


def test_settings_read_environment_then_secrets_file(clean_env, tmp_path: Path):
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('base_url = "http://example.invalid/v1"\napi_key = "sk-from-file"\n'
                       'upstream_models = ["gpt-4o-mini"]\nadmin_password = "pw"\n')
    settings = AppSettings()
    assert settings.base_url == "http://example.invalid/v1"
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "sk-from-file"
    assert "sk-from-file" not in repr(settings)
    assert settings.engine_environment() == {"ENGINE_UPSTREAM_MODELS": '["gpt-4o-mini"]'}
    clean_env.setenv("PDF_COPILOT_BASE_URL", "http://env.invalid/v1")
    assert AppSettings().base_url == "http://env.invalid/v1"


def test_nothing_configured_means_the_embedded_engine(clean_env, tmp_path: Path):
    clean_env.setenv("PDF_COPILOT_ENGINE_DATA_DIR", str(tmp_path / "engine"))
    assert AppSettings().uses_embedded_engine
    connection = services.connection()
    try:
        assert connection.embedded
        health = httpx.get(connection.base_url.removesuffix("/v1") + "/health", timeout=5)
        assert health.status_code == 200
        unauthorised = httpx.get(connection.base_url + "/models", timeout=5)
        assert unauthorised.status_code == 401, "the embedded engine must require its key"
        assert services.connection() == connection, "started once per server process"
    finally:
        services._embedded_engine(str((tmp_path / "engine").resolve()), (), 60.0).stop()
        services._embedded_engine.clear()


def test_embedded_engine_start_failure_is_reported(tmp_path: Path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the data folder should be")
    with pytest.raises((EngineStartError, OSError)):
        start_embedded_engine(blocked, startup_timeout=20)


def test_sidebar_names_server_and_model(use_engine, open_page):
    at = open_page()
    sidebar = "\n".join(str(e.value) for e in at.sidebar.markdown) + texts(at)
    assert use_engine.base_url in sidebar
    assert "Answering" in [s.value for s in at.sidebar.success]
    assert at.sidebar.selectbox(key="sidebar.model").value == "pdf-copilot-local"
    assert use_engine.api_key not in repr(at.get("markdown")) + sidebar


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_errors(use_engine, open_page, page):
    at = open_page(page)
    assert not errors(at)
    assert at.title


def test_server_down_is_said_in_the_sidebar(server_down, open_page):
    at = open_page()
    assert not at.exception
    sidebar_errors = [e.value for e in at.sidebar.error]
    assert any("cannot be reached" in e for e in sidebar_errors), sidebar_errors
    assert "sk-nobody-listens" not in texts(at) + "\n".join(sidebar_errors)


# (AppTest drops the main script's sidebar after switch_page, so pages are checked on their own
# messages; the browser test sees the sidebar on every page.)
@pytest.mark.parametrize("page", PAGES)
def test_server_down_leaves_every_page_working(server_down, open_page, page):
    at = open_page(page)
    assert not at.exception
    assert at.title


def test_broken_embedded_engine_is_a_clear_message(clean_env, open_page, tmp_path: Path):
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")
    clean_env.setenv("PDF_COPILOT_ENGINE_DATA_DIR", str(blocked))
    clean_env.setenv("PDF_COPILOT_ENGINE_STARTUP_TIMEOUT_SECONDS", "20")
    at = open_page()
    assert not at.exception
    assert any("No server to talk to" in e for e in errors(at)), errors(at)
    assert any("did not start" in e.value for e in at.sidebar.error)


def test_no_screen_logs_a_deprecation_warning(use_engine, open_page, engine_client,
                                              monkeypatch: pytest.MonkeyPatch):
    """Streamlit logs every deprecated call (use_container_width=…) through this logger."""
    from streamlit import deprecation_util

    warned: list[str] = []
    monkeypatch.setattr(deprecation_util._LOGGER, "warning",
                        lambda message, *args, **kwargs: warned.append(str(message)))
    file = engine_client.upload_file(b"Deprecation check.", filename="deprecation.txt")
    engine_client.create_vector_store_and_wait_to_complete(name="deprecation", file_ids=[file.id])
    for page in PAGES:
        at = open_page(page)
        if page.endswith("admin.py"):
            for section in ["Assistants", "Threads", "Files", "Vector stores", "Clean-up"]:
                at.segmented_control(key="admin.section").set_value(section).run()
                assert not errors(at), (section, errors(at))
    assert not warned, warned
