"""Admin: every resource on the server — list, inspect, edit, delete, cancel, search, clean up."""

import streamlit as st

from app import admin_access, chat_session, services
from app.admin import assistants, cleanup, common, files, threads, vector_stores
from app.errors import reported, user_message
from app.render import inert
from app.state import Admin

st.title("Admin")
app_settings = services.settings()
if not admin_access.allowed(app_settings) or not admin_access.unlocked(app_settings):
    st.stop()
try:
    client, owner = admin_access.scoped_client(app_settings)
except Exception as exc:
    st.error(inert(f"Loading the projects failed: {user_message(exc)}"), icon=":material/error:")
    st.stop()
if owner is not None:
    st.caption(f":material/person: Every object below is **{inert(owner)}**'s.")

SECTIONS = ["Assistants", "Threads", "Files", "Vector stores", "Clean-up"]
section = st.segmented_control("Resource", SECTIONS, key=Admin.SECTION, default="Files",
                               required=True, label_visibility="collapsed")
common.show_flash()
with reported("Loading " + str(section).lower()):
    if section == "Assistants":
        assistants.render(client)
    elif section == "Threads":
        threads.render(client, chat_session.known_thread_ids())
    elif section == "Files":
        files.render(client)
    elif section == "Vector stores":
        vector_stores.render(client)
    else:
        cleanup.render(client)
