"""Image descriptions: every figure of PDFs or image files with its evidence; a person writes or
accepts each description, or calls the figure decorative; the PDF gets only what was accepted."""

import streamlit as st

from app import images, services
from app.errors import reported
from app.progress import progress_bar
from app.render import escape_markdown, inert
from app.sidebar import current_model
from app.state import Images, item_key
from app.uploads import IMAGE_TYPES, PDF_TYPES

st.title("Image descriptions (alt text)")
files = st.file_uploader("PDFs or image files", type=PDF_TYPES + IMAGE_TYPES,
                         accept_multiple_files=True, key=Images.UPLOADER)
if st.button("Describe images", key=Images.RUN, type="primary", disabled=not files,
             icon=":material/image_search:"):
    st.session_state.pop(Images.RESULT, None)
    with st.status("Finding the figures…", expanded=True) as status, reported("Describing"):
        sources, unreadable = images.read_uploads(files or [])
        result = images.describe(services.client(), sources, model=current_model(),
                                 on_progress=progress_bar("Reading the documents"),
                                 failed=unreadable)
        st.session_state[Images.RESULT] = result
        label = "Descriptions ready" if result.sources else "No document could be read"
        status.update(label=label, state="complete" if result.sources else "error",
                      expanded=False)
    if Images.RESULT not in st.session_state:
        status.update(label="Describing failed", state="error")

found: images.ImagesResult | None = st.session_state.get(Images.RESULT)
for name, reason in found.failed if found else []:
    st.error(escape_markdown(f"**{name}** was left out: {reason}"), icon=":material/error:")
if found is not None and found.sources and not found.copilot.uses_vision:
    st.info(images.NO_VISION, icon=":material/visibility_off:")

for index, source in enumerate(found.sources if found else []):
    st.subheader(inert(source.source.name))
    if not source.results:
        st.info("No images found.", icon=":material/hide_image:")
    for i, result in source.described:
        thumb, text = st.columns([1, 3])
        if (picture := source.thumbnails[i]) is not None:
            thumb.image(picture, width="content")
        else:
            thumb.caption("No image data (a vector drawing or an undecodable image).")
        thumb.caption(escape_markdown("  \n".join(images.evidence_lines(result))))
        choice_key = item_key(Images.CHOICE, index, i)
        text.text_area(images.draft_label(result), value=result.draft or "", height=80,
                       key=item_key(Images.DESCRIPTION, index, i),
                       on_change=images.choose_write, args=(choice_key,))
        text.radio("In the PDF", images.CHOICES, horizontal=True, key=choice_key,
                   label_visibility="collapsed")
        if result.error:
            text.warning(inert(f"No proposal from the model: {result.error}"),
                         icon=":material/warning:")
    if source.skipped:
        with st.expander(f"{len(source.skipped)} image(s) skipped", icon=":material/block:"):
            st.write("  \n".join(inert(line) for line in images.skipped_lines(source)))
    if source.source.kind != "pdf":
        continue
    st.caption(f"Before: {images.figures_line(source.before)}")
    assert found is not None
    if st.button("Write alt text into the PDF", key=item_key(Images.APPLY, index),
                 icon=":material/edit_document:", disabled=not source.described):
        with reported("Writing the alt text"), st.spinner("Writing…"):
            images.write_alt_text(
                found, index,
                {i: st.session_state.get(item_key(Images.DESCRIPTION, index, i), "")
                 for i, _ in source.described},
                {i: st.session_state.get(item_key(Images.CHOICE, index, i), images.LEAVE)
                 for i, _ in source.described})
    if source.written is not None:
        st.caption(f"After: {images.figures_line(source.after)} — {source.written_count} "
                   f"written, {source.decorative_count} marked decorative")
        st.download_button("Download PDF with alt text", source.written,
                           file_name=f"{source.source.stem}.alt.pdf", mime="application/pdf",
                           key=item_key(Images.DOWNLOAD, index), icon=":material/download:")
