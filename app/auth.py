"""Who is using the app: sign-in when the deployment is shared, one local user when it is not.

Three modes, chosen by configuration:

- **OIDC** when `.streamlit/secrets.toml` has an `[auth]` section (Streamlit's `st.login`): the
  identity provider signs people in; `admin_users` lists who gets the admin role.
- **Accounts** when the accounts file has users (`python -m app users add NAME [--admin]`):
  a name and password form, checked against Argon2id hashes.
- **Single-user** otherwise: no sign-in, one local user with the admin role; the app binds
  127.0.0.1 (`.streamlit/config.toml`) and refuses connections from elsewhere.

In the shared modes each user works in their own engine project (see `app.accounts`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Literal

import streamlit as st

from app.accounts import Accounts, User
from app.state import Auth
from core.settings import AppSettings

Mode = Literal["oidc", "accounts", "single"]
LOCAL_USER = User("local", "admin", "Local user")
_LOOPBACK = {"", "127.0.0.1", "::1", "localhost"}
_FAILURE_DELAY_SECONDS = 1.0


def _auth_secrets() -> Mapping[str, Any] | None:
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file, or one that does not parse
        return None
    return section if isinstance(section, Mapping) and section else None


def mode(app_settings: AppSettings) -> Mode:
    if _auth_secrets() is not None:
        return "oidc"
    if Accounts(app_settings.users_file).exist():
        return "accounts"
    return "single"


def shared(app_settings: AppSettings) -> bool:
    return mode(app_settings) != "single"


def current_user(app_settings: AppSettings | None = None) -> User | None:
    """The signed-in user of this session; the local user in single-user mode; None when a
    shared deployment has nobody signed in (callers then show nothing)."""
    user = st.session_state.get(Auth.USER)
    if isinstance(user, User) and (user is not LOCAL_USER or not shared(_settings(app_settings))):
        return user
    return None if shared(_settings(app_settings)) else LOCAL_USER


def _settings(app_settings: AppSettings | None) -> AppSettings:
    return app_settings if app_settings is not None else AppSettings()


def gate(app_settings: AppSettings) -> User:
    """The session's user; shows the sign-in screen and stops the run until there is one."""
    current = mode(app_settings)
    if current == "single":
        ip = st.context.ip_address
        if isinstance(ip, str) and ip not in _LOOPBACK:
            st.error("This app runs in single-user mode and answers only on this computer."
                     " To share it, set up accounts or an identity provider (see README).",
                     icon=":material/lock:")
            st.stop()
        st.session_state[Auth.USER] = LOCAL_USER
        return LOCAL_USER
    if current == "oidc":
        return _oidc(app_settings)
    known = st.session_state.get(Auth.USER)
    if isinstance(known, User) and known is not LOCAL_USER:
        return known
    _password_form(app_settings)
    st.stop()
    raise AssertionError("st.stop() returns no further")


def _oidc(app_settings: AppSettings) -> User:
    try:
        logged_in = bool(st.user.is_logged_in)
    except (AttributeError, KeyError):  # no identity cookie at all (and under AppTest)
        logged_in = False
    if not logged_in:
        st.title("PDF Copilot")
        st.write("Sign in to reach your conversations and documents.")
        providers = [name for name, value in (_auth_secrets() or {}).items()
                     if isinstance(value, Mapping)]
        if st.button("Sign in", key=Auth.SIGN_IN, type="primary", icon=":material/login:"):
            if providers:
                st.login(providers[0])
            else:
                st.login()
        st.stop()
    email = str(st.user.get("email") or st.user.get("sub") or "")
    name = str(st.user.get("name") or email)
    role = "admin" if email in app_settings.admin_users else "user"
    user = User(email, role, name)
    st.session_state[Auth.USER] = user
    return user


def _password_form(app_settings: AppSettings) -> None:
    st.title("PDF Copilot")
    with st.form(Auth.FORM):
        name = st.text_input("Name", key=Auth.NAME)
        password = st.text_input("Password", type="password", key=Auth.PASSWORD)
        submitted = st.form_submit_button("Sign in", type="primary", icon=":material/login:",
                                          key=Auth.SUBMIT)
    if not submitted:
        return
    user = Accounts(app_settings.users_file).verify(name.strip(), password)
    st.session_state.pop(Auth.PASSWORD, None)
    if user is None:
        time.sleep(_FAILURE_DELAY_SECONDS)
        st.error("Wrong name or password.", icon=":material/lock:")
        return
    st.session_state[Auth.USER] = user
    st.rerun()


def sign_out(app_settings: AppSettings) -> None:
    """End this session's sign-in (and the identity provider's cookie under OIDC)."""
    for key in list(st.session_state):
        del st.session_state[key]
    st.query_params.clear()
    if mode(app_settings) == "oidc":
        st.logout()
    st.rerun()
