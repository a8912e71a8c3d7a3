"""PDF Copilot: `streamlit run streamlit_app.py` — the router of the app's screens."""

import streamlit as st

from app import services
from app.sidebar import render_sidebar

st.set_page_config(page_title="PDF Copilot", page_icon=":material/picture_as_pdf:", layout="wide")

navigation = st.navigation(
    [
        st.Page("screens/chat.py", title="Chat", icon=":material/forum:", default=True),
        st.Page("screens/summary.py", title="Summary", icon=":material/summarize:"),
        st.Page("screens/images.py", title="Image descriptions", icon=":material/image:"),
        st.Page("screens/admin.py", title="Admin", icon=":material/admin_panel_settings:"),
    ]
)
services.warm_up()
render_sidebar()
navigation.run()
