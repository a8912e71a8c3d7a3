"""A progress bar that copilots' `on_progress(done, total, stage)` callbacks can drive."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

STAGES = {"reading": "Reading", "summarising": "Summarising part", "combining": "Combining part",
          "describing": "Describing image"}


def progress_bar(first_text: str) -> Callable[[int, int, str], None]:
    """Show a bar now; the returned callback moves it and names the stage."""
    bar = st.progress(0.0, text=first_text)

    def update(done: int, total: int, stage: str) -> None:
        label = STAGES.get(stage, stage.capitalize())
        bar.progress(min(done / total, 1.0) if total else 1.0, text=f"{label} {done} of {total}")

    return update
