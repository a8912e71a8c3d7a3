"""Summary: upload documents, choose length, prompt, model and temperature; read and download."""

import streamlit as st

from app import services, summaries
from app.errors import reported
from app.progress import progress_bar
from app.render import escape_markdown, structured_inert
from app.sidebar import available_models, current_model
from app.state import Summary
from app.uploads import IMAGE_TYPES, PDF_TYPES, TEXT_TYPES

FORMATS: dict[str, summaries.SummaryFormat] = {"PDF": "pdf", "Word (DOCX)": "docx",
                                               "Markdown": "md"}

st.title("Summarize documents")
files = st.file_uploader("PDF, text, Markdown or image files",
                         type=PDF_TYPES + TEXT_TYPES + IMAGE_TYPES,
                         accept_multiple_files=True, key=Summary.UPLOADER)
left, right = st.columns(2)
length = left.selectbox("Length", list(summaries.LENGTHS), index=1, key=Summary.LENGTH,
                        help="Per document.")
models = available_models()
model = right.selectbox("Model", models, index=models.index(current_model()), key=Summary.MODEL)
temperature = right.slider("Temperature", 0.0, 2.0, 0.2, step=0.1, key=Summary.TEMPERATURE,
                           help="Higher is freer; the built-in model ignores it.")
prompt = left.text_input("Prompt", key=Summary.PROMPT, placeholder="Summarize the text above.",
                         help="What the summary should focus on, e.g. \"Focus on revenue and"
                              " outlook.\"; empty uses the default.")

if st.button("Summarize", key=Summary.RUN, type="primary", disabled=not files,
             icon=":material/summarize:"):
    st.session_state.pop(Summary.RESULT, None)
    st.session_state.pop(Summary.EXPORTS, None)
    with st.status("Summarizing…", expanded=True) as status, reported("Summarizing"):
        sources, unreadable = summaries.read_uploads(files or [])
        preview = st.empty()

        def show_text(stage: str, done: int, total: int, text: str) -> None:
            label = "Combining" if stage == "combining" else "Summarising part"
            preview.caption(f"{label} {done} of {total}: {escape_markdown(text[-600:])}")

        result = summaries.summarize(
            services.client(), sources, length=summaries.LENGTHS[length], prompt=prompt,
            model=model, temperature=temperature, on_progress=progress_bar("Reading the documents"),
            on_text=show_text, failed=unreadable)
        preview.empty()
        st.session_state[Summary.RESULT] = result
        done, asked = len(result.names), len(files or [])
        if not done:
            status.update(label="No document could be summarized", state="error", expanded=False)
        elif result.failed:
            status.update(label=f"Summarized {done} of {asked} documents", state="complete",
                          expanded=False)
        else:
            status.update(label="Summary ready", state="complete", expanded=False)
    if Summary.RESULT not in st.session_state:
        status.update(label="Summarizing failed", state="error")

result: summaries.SummaryResult | None = st.session_state.get(Summary.RESULT)
if result is not None:
    for name, reason in result.failed:
        st.error(escape_markdown(f"**{name}** was not summarized: {reason}"),
                 icon=":material/error:")
if result is not None and result.text:
    st.subheader("Summary of " + escape_markdown(", ".join(result.names)))
    with st.container(border=True):
        st.markdown(structured_inert(result.text))
    label = st.radio("Format", list(FORMATS), horizontal=True, key=Summary.FORMAT) or "PDF"
    fmt, made = FORMATS[label], st.session_state.setdefault(Summary.EXPORTS, {})
    with reported(f"Making the {label} file"), st.spinner(f"Preparing the {label} file…"):
        if fmt not in made:  # made before the button shows: no deferred file to expire
            made[fmt] = result.export(fmt)
    if fmt in made:
        st.download_button("Download summary", data=made[fmt], file_name=f"summary.{fmt}",
                           key=Summary.DOWNLOAD, type="primary", icon=":material/download:",
                           on_click="ignore")
