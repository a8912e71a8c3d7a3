"""Who may open Admin, its optional password gate, and whose objects it shows."""

from __future__ import annotations

import hmac

import streamlit as st

from app import auth, services
from app.state import Admin
from core import OpenAIClient
from core.settings import AppSettings
from core.types.projects import Project

DEFAULT_PROJECT = "proj_default"


def unlocked(app_settings: AppSettings) -> bool:
    """True when no password is configured or this session entered it; else shows the prompt."""
    if app_settings.admin_password is None or st.session_state.get(Admin.UNLOCKED):
        return True
    expected = app_settings.admin_password.get_secret_value()
    with st.form(Admin.PASSWORD_FORM):
        typed = st.text_input("Admin password", type="password", key=Admin.PASSWORD)
        submitted = st.form_submit_button("Unlock", icon=":material/lock_open:",
                                          key=Admin.PASSWORD_SUBMIT)
    if submitted:
        if hmac.compare_digest(typed.encode(), expected.encode()):
            st.session_state[Admin.UNLOCKED] = True
            st.session_state.pop(Admin.PASSWORD, None)
            st.rerun()
        st.error("Wrong password.", icon=":material/lock:")
    return False


def allowed(app_settings: AppSettings) -> bool:
    """Admin is for the admin role (and the single local user); others get a refusal."""
    user = auth.current_user(app_settings)
    if user is not None and user.is_admin:
        return True
    st.error("The Admin screen is for administrators.", icon=":material/block:")
    return False


def owner_label(project: Project) -> str:
    if project.id == DEFAULT_PROJECT:
        return "Shared (default project)"
    return project.name.removeprefix("user:") if project.name.startswith("user:") else project.name


def scoped_client(app_settings: AppSettings) -> tuple[OpenAIClient, str | None]:
    """The client the Admin sections use and whose objects it shows.

    In a shared deployment the admin picks a project (a user's, or the default one) and acts in
    it with the server's admin key; single-user mode has one project and no picker.
    """
    if not auth.shared(app_settings):
        return services.client(), None
    current = services.connection(app_settings)
    projects = [p for p in services.admin_client(current).get_projects(limit=100).data]
    if not projects:
        return services.client(), None
    labels = {p.id: owner_label(p) for p in projects}
    mine = services.user_project(current, app_settings)
    ids = sorted(labels, key=lambda i: (i != mine, labels[i].lower()))
    chosen = st.selectbox("Whose objects", ids, key=Admin.PROJECT,
                          format_func=lambda i: labels[i], on_change=_forget_selection,
                          help="Each user works in an engine project of their own.")
    return services.admin_client(current, chosen), labels[chosen]


def _forget_selection() -> None:
    """Another project's objects: the ids typed, picked or paged through no longer apply."""
    keep = {Admin.PROJECT, Admin.SECTION, Admin.UNLOCKED}
    for key in [k for k in st.session_state if str(k).startswith("admin.") and k not in keep]:
        del st.session_state[key]
