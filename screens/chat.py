"""Chat: upload documents, ask questions, read streamed answers with their cited pages."""

import streamlit as st

from app import chat_session, chat_views, history, services
from app.conversation import Turn
from app.errors import reported
from app.render import escape_markdown
from app.sidebar import current_model
from app.state import Chat, item_key

st.title("Chat with your documents")
client = services.require_client()
chat_session.restore_from_url(client)
history.render(client)  # the user's own past conversations, to reopen
copilot = chat_session.copilot()
turns = chat_session.turns()

generation = st.session_state.setdefault(Chat.UPLOADER_GENERATION, 0)
with st.expander("Documents", expanded=copilot is None, icon=":material/upload_file:"):
    action = "added to this conversation" if copilot else "indexed"
    uploads = st.file_uploader(
        "PDF, text or Markdown files (several at once)", type=["pdf", "txt", "md", "markdown"],
        accept_multiple_files=True, key=item_key(Chat.UPLOADER, generation),
        help=f"The files are {action} as soon as you choose them.")
    st.caption(f":material/bolt: Files you choose are {action} right away.")
    if uploads:  # chosen: index now, then clear the uploader (the notes say what happened)
        chat_views.index_documents(client, list(uploads), current_model())
        st.session_state[Chat.UPLOADER_GENERATION] = generation + 1
        st.rerun()
chat_views.show_notes()

chat_views.toolbar(copilot, turns)
chat_views.conversation_caption(copilot)
for index, turn in enumerate(turns):
    chat_views.show_turn(turn, index)

placeholder = "Ask a question about your documents" if copilot else "Add documents first"
if question := st.chat_input(placeholder, key=Chat.PROMPT, disabled=copilot is None):
    chat_views.show_turn(Turn("user", question), len(turns))
    with st.chat_message("assistant"), reported("Answering"):
        assert copilot is not None
        st.write_stream(escape_markdown(piece) for piece in copilot.stream_response(question))
        answer = copilot.last_answer
        if answer is not None:  # an unanswered question is not kept: the error says why
            turns += [Turn("user", question), Turn("assistant", answer.text, answer.citations)]
            st.rerun()
