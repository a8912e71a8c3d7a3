"""The Admin screen's password gate (only when `admin_password` is configured)."""

from __future__ import annotations

import hmac

import streamlit as st

from app.state import Admin
from core.settings import AppSettings


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
