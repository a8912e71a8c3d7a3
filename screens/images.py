"""Image descriptions: every image of PDFs or image files described; edit; download with alt text."""

import streamlit as st

from app import images, services, uploads
from app.errors import reported
from app.progress import progress_bar
from app.render import inert
from app.sidebar import current_model
from app.state import Images, item_key

st.title("Image descriptions (alt text)")
files = st.file_uploader("PDFs or image files", type=uploads.PDF_TYPES + uploads.IMAGE_TYPES,
                         accept_multiple_files=True, key=Images.UPLOADER)
if st.button("Describe images", key=Images.RUN, type="primary", disabled=not files,
             icon=":material/image_search:"):
    st.session_state.pop(Images.RESULT, None)
    with st.status("Describing images…", expanded=True) as status, reported("Describing"):
        st.session_state[Images.RESULT] = images.describe(
            services.client(), uploads.as_sources(files or []), model=current_model(),
            on_progress=progress_bar("Finding the images"))
        status.update(label="Descriptions ready", state="complete", expanded=False)
    if Images.RESULT not in st.session_state:
        status.update(label="Describing failed", state="error")

found: images.ImagesResult | None = st.session_state.get(Images.RESULT)
for index, source in enumerate(found.sources if found else []):
    st.subheader(inert(source.source.name))
    if not source.results:
        st.info("No images found.", icon=":material/hide_image:")
    for i, result in source.described:
        thumb, text = st.columns([1, 3])
        if (picture := source.thumbnails[i]) is not None:
            thumb.image(picture, width="content")
        where = f"page {result.page} · " if result.page else ""
        thumb.caption(f"{where}{result.width}×{result.height} px")
        text.text_area("Description", value=result.description or "", height=90,
                       key=item_key(Images.DESCRIPTION, index, i))
        if result.error:
            text.warning(inert(f"No description: {result.error}"), icon=":material/warning:")
    if source.skipped:
        with st.expander(f"{len(source.skipped)} image(s) skipped", icon=":material/block:"):
            for result in source.skipped:
                where = f"page {result.page}, " if result.page else ""
                st.write(inert(f"{where}{result.name}: {result.skipped_reason}"))
    if source.source.kind != "pdf":
        continue
    st.caption(f"Before: {images.figures_line(source.before)}")
    assert found is not None
    if st.button("Write alt text into the PDF", key=item_key(Images.APPLY, index),
                 icon=":material/edit_document:", disabled=not source.described):
        with reported("Writing the alt text"), st.spinner("Writing…"):
            images.write_alt_text(found, index, {
                i: st.session_state.get(item_key(Images.DESCRIPTION, index, i), "")
                for i, _ in source.described})
    if source.written is not None:
        st.caption(f"After: {images.figures_line(source.after)}")
        st.download_button("Download PDF with alt text", source.written,
                           file_name=f"{source.source.stem}.alt.pdf", mime="application/pdf",
                           key=item_key(Images.DOWNLOAD, index), icon=":material/download:")
