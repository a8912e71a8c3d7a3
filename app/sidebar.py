"""The sidebar every screen shares: which server and model, and whether they answer."""

from __future__ import annotations

import streamlit as st

from app import auth, services
from app.errors import user_message
from app.render import inert
from app.state import Sidebar
from core.settings import LOCAL_MODEL


def _who(app_settings) -> None:
    """Who is signed in (and a way out), or that this is a single-user, local-only app."""
    if not auth.shared(app_settings):
        st.caption(":material/person: Single-user mode: no sign-in, reachable from this computer"
                   " only (127.0.0.1). To share it, add accounts (`python -m app users add NAME`)"
                   " or an identity provider.")
        return
    user = auth.current_user(app_settings)
    if user is None:
        return
    role = " · admin" if user.is_admin else ""
    st.caption(f":material/person: Signed in as **{inert(user.label)}**{role}")
    if st.button("Sign out", key=Sidebar.SIGN_OUT, icon=":material/logout:"):
        auth.sign_out(app_settings)


def render_sidebar() -> None:
    """Who, server, status and the model picker; the picked model is `current_model()`."""
    app_settings = services.settings()
    with st.sidebar:
        _who(app_settings)
        st.subheader("Server")
        try:
            current = services.connection(app_settings)
        except Exception as exc:
            st.error(f"Not connected: {user_message(exc)}", icon=":material/cloud_off:")
            return
        where = "Local engine (embedded)" if current.embedded else current.display_url
        st.caption(f"{where}  \n`{current.display_url}`" if current.embedded else where)
        status = services.server_status(current.base_url, current.api_key)
        if not status.ok:
            st.error(f"Not answering: {status.problem}", icon=":material/cloud_off:")
            st.session_state.setdefault(Sidebar.MODEL, app_settings.model or LOCAL_MODEL)
            return
        st.success("Answering", icon=":material/cloud_done:")
        models = list(status.models) or [services.default_model(app_settings, status)]
        if st.session_state.get(Sidebar.MODEL) not in models:
            st.session_state[Sidebar.MODEL] = services.default_model(app_settings, status)
            if st.session_state[Sidebar.MODEL] not in models:
                models.insert(0, st.session_state[Sidebar.MODEL])
        st.selectbox("Model", models, key=Sidebar.MODEL,
                     help=f"{LOCAL_MODEL} is the built-in extractive model: no network, no key.")


def current_model() -> str:
    """The model picked in the sidebar (or the default before the sidebar ran)."""
    model = st.session_state.get(Sidebar.MODEL)
    return str(model) if model else services.settings().model or LOCAL_MODEL


def available_models() -> list[str]:
    """The server's models (the current one first if the server lists none)."""
    try:
        current = services.connection()
    except Exception:
        return [current_model()]
    models = list(services.server_status(current.base_url, current.api_key).models)
    return models if current_model() in models else [current_model(), *models]
