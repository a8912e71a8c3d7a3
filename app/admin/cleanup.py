"""Admin › Clean-up: preview the expired or orphaned objects, then delete them."""

from __future__ import annotations

import streamlit as st

from app.admin.common import table
from app.cleanup import Candidate, delete_candidates, find_candidates
from app.errors import reported
from app.state import Admin
from core import OpenAIClient


def render(client: OpenAIClient) -> None:
    st.write("Finds vector stores that expired or that no assistant uses, assistants whose"
             " stores are gone, and files in no vector store. Nothing is deleted before you"
             " confirm.")
    hours = st.number_input("Only objects older than (hours)", min_value=0.0, value=1.0,
                            step=1.0, key=Admin.CLEANUP_AGE)
    if st.button("Find objects to clean up", key=Admin.CLEANUP_SCAN, icon=":material/search:"):
        with reported("Scanning"), st.spinner("Scanning the server…"):
            st.session_state[Admin.CLEANUP_CANDIDATES] = find_candidates(
                client, min_age_seconds=hours * 3600)
    candidates: list[Candidate] | None = st.session_state.get(Admin.CLEANUP_CANDIDATES)
    if candidates is None:
        return
    table([{"kind": c.kind, "id": c.id, "name": c.label, "why": c.reason} for c in candidates],
          "Nothing to clean up.")
    if candidates and st.button(f"Delete these {len(candidates)} objects", type="primary",
                                key=Admin.CLEANUP_RUN, icon=":material/delete_sweep:"):
        with reported("Cleaning up"), st.spinner("Deleting…"):
            outcomes = delete_candidates(client, candidates)
            failed = [o for o in outcomes if o.error]
            st.session_state.pop(Admin.CLEANUP_CANDIDATES, None)
            st.success(f"Deleted {len(outcomes) - len(failed)} objects.")
            for outcome in failed:
                st.error(f"{outcome.candidate.kind} {outcome.candidate.id}: {outcome.error}")
