"""Admin: every resource on the server — list, inspect, edit, delete, cancel, search, clean up."""

import streamlit as st

from app import admin_access, chat_session, services
from app.admin import assistants, cleanup, common, files, threads, vector_stores
from app.errors import reported
from app.state import Admin

st.title("Admin")
if not admin_access.unlocked(services.settings()):
    st.stop()

SECTIONS = ["Assistants", "Threads", "Files", "Vector stores", "Clean-up"]
section = st.segmented_control("Resource", SECTIONS, key=Admin.SECTION, default="Files",
                               required=True, label_visibility="collapsed")
common.show_flash()
with reported("Loading " + str(section).lower()):
    client = services.client()
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
