"""PDF Copilot: `streamlit run streamlit_app.py` — the router of the app's screens."""

import streamlit as st

from app import auth, services
from app.render import page_icon
from app.sidebar import render_sidebar

st.set_page_config(page_title="PDF Copilot", page_icon=page_icon(), layout="wide")
user = auth.gate(services.settings())  # the sign-in screen until someone is signed in

pages = [
    st.Page("screens/chat.py", title="Chat", icon=":material/forum:", default=True),
    st.Page("screens/summary.py", title="Summary", icon=":material/summarize:"),
    st.Page("screens/images.py", title="Image descriptions", icon=":material/image:"),
]
if user.is_admin:
    pages.append(st.Page("screens/admin.py", title="Admin", icon=":material/admin_panel_settings:"))
navigation = st.navigation(pages)
services.warm_up()
render_sidebar()
navigation.run()
