"""The shared resources of a Streamlit server process: settings, the engine, the client.

The embedded engine and the client live in `st.cache_resource`, so every session of one server
process shares them and the engine starts once. Their cache keys are the connection settings,
so a changed configuration (a test, a new secrets file) gets its own engine or client.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from app.errors import log, user_message
from core import OpenAIClient
from core.documents import PageRenderer, prepare_export_fonts
from core.embedded import EmbeddedEngine, start_embedded_engine
from core.errors import OpenAIError
from core.settings import LOCAL_MODEL, AppSettings

STATUS_TTL_SECONDS = 15


@dataclass(frozen=True)
class Connection:
    """Where the app's client talks to."""

    base_url: str
    api_key: str | None = field(repr=False)
    embedded: bool
    admin_key: str | None = field(default=None, repr=False)
    server: str = ""  # a stable name of the server (the embedded one's port changes)

    @property
    def display_url(self) -> str:
        """The URL without any user:password part, safe to show."""
        parts = urlsplit(self.base_url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@dataclass(frozen=True)
class ServerStatus:
    ok: bool
    models: tuple[str, ...] = ()
    problem: str | None = None


def settings() -> AppSettings:
    """The settings, read anew on every rerun (environment and secrets file are cheap to read)."""
    return AppSettings()


@st.cache_resource(show_spinner="Starting the local engine…")
def _embedded_engine(
    data_dir: str, env: tuple[tuple[str, str], ...], timeout: float
) -> EmbeddedEngine:
    return start_embedded_engine(Path(data_dir), env=dict(env), startup_timeout=timeout)


def connection(app_settings: AppSettings | None = None) -> Connection:
    """The configured server, or the embedded engine (started on first use)."""
    app_settings = app_settings or settings()
    if not app_settings.uses_embedded_engine:
        key = app_settings.api_key.get_secret_value() if app_settings.api_key else None
        admin = app_settings.admin_key.get_secret_value() if app_settings.admin_key else None
        return Connection(str(app_settings.base_url), key, embedded=False, admin_key=admin,
                          server=str(app_settings.base_url))
    engine = _embedded_engine(
        str(app_settings.engine_data_dir.resolve()),
        tuple(sorted(app_settings.engine_environment().items())),
        app_settings.engine_startup_timeout_seconds,
    )
    if not engine.is_running():  # it died: start another on the next rerun
        _embedded_engine.clear()
    return Connection(engine.base_url, engine.api_key, embedded=True,
                      admin_key=engine.admin_key or None,
                      server=f"embedded:{engine.data_dir}")


@st.cache_resource(show_spinner=False)
def _client(base_url: str, api_key: str | None, project: str | None = None) -> OpenAIClient:
    return OpenAIClient(api_key=api_key, base_url=base_url, project=project)


class NoIsolation(RuntimeError):
    """A shared deployment without the admin key that would give each user their project."""


def user_key(current: Connection, app_settings: AppSettings | None = None) -> str | None:
    """The key of this session's user: their own project's in a shared deployment, the
    configured (default project's) key for the single local user."""
    from app import auth
    from app.accounts import UserProjects

    app_settings = app_settings or settings()
    if not auth.shared(app_settings):
        return current.api_key
    user = auth.current_user(app_settings)
    if user is None:
        raise NoIsolation("nobody is signed in")
    if not current.admin_key:
        raise NoIsolation("this deployment is shared but has no admin key for its server, so"
                          " users can't get projects of their own: set admin_key")
    projects = UserProjects(app_settings.user_projects_file, current.server)
    return projects.credentials(user, admin_client(current)).api_key


def user_project(current: Connection, app_settings: AppSettings | None = None) -> str | None:
    """The project id of this session's user in a shared deployment (None otherwise)."""
    from app import auth
    from app.accounts import UserProjects

    app_settings = app_settings or settings()
    user = auth.current_user(app_settings)
    if not auth.shared(app_settings) or user is None or not current.admin_key:
        return None
    projects = UserProjects(app_settings.user_projects_file, current.server)
    return projects.credentials(user, admin_client(current)).project_id


def admin_client(current: Connection, project: str | None = None) -> OpenAIClient:
    """A client with the server's admin key (acting in `project` when given)."""
    if not current.admin_key:
        raise NoIsolation("no admin key for this server")
    return _client(current.base_url, current.admin_key, project)


def client() -> OpenAIClient:
    """The client every page uses: the signed-in user's project."""
    current = connection()
    return _client(current.base_url, user_key(current))


def require_client() -> OpenAIClient:
    """The client, or a clear error and the end of this run when there is no server to use."""
    try:
        return client()
    except Exception as exc:
        st.error(f"No server to talk to: {user_message(exc)}", icon=":material/cloud_off:")
        st.stop()
        raise  # st.stop() raises; this line is for type checkers


@st.cache_data(ttl=STATUS_TTL_SECONDS, show_spinner=False)
def server_status(base_url: str, api_key: str | None) -> ServerStatus:
    """Whether the server answers, and its models (one quick try, no retries)."""
    with OpenAIClient(
        api_key=api_key, base_url=base_url, http_request_max_retries=0, timeout=5.0
    ) as probe:
        try:
            models = tuple(model.id for model in probe.get_models())
        except OpenAIError as exc:
            return ServerStatus(ok=False, problem=user_message(exc))
    return ServerStatus(ok=True, models=models)


def server_ocrs_at_ingestion() -> bool:
    """Whether the server OCRs scanned pages itself while indexing: our engine does (it is
    the one serving the built-in model), so the app sends PDFs as they are."""
    try:
        current = connection()
    except Exception:
        return False
    if current.embedded:
        return True
    return LOCAL_MODEL in server_status(current.base_url, current.api_key).models


def default_model(app_settings: AppSettings, status: ServerStatus) -> str:
    """The configured model, else the built-in one when served, else the server's first."""
    if app_settings.model:
        return app_settings.model
    if LOCAL_MODEL in status.models or not status.models:
        return LOCAL_MODEL
    return status.models[0]


@st.cache_resource(show_spinner=False)
def page_renderer() -> PageRenderer:
    """The process's renderer of cited pages: a child process, bounded in time and memory."""
    return PageRenderer()


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Once per process, in the background when the app starts: the export fonts and the
    page renderer's child, so neither the first download nor the first cited page waits.

    Cutting a variable font's instances takes seconds the first time on a machine (then they
    are on disk); starting the renderer's child takes a second or two.
    """
    renderer = page_renderer()

    def work() -> None:
        prepare_export_fonts()
        try:
            renderer.start()
        except Exception as exc:  # the first page will try again and say why
            log.warning("page renderer did not start: %s", exc)

    thread = threading.Thread(target=work, name="app-warm-up", daemon=True)
    thread.start()
    return thread
