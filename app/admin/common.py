"""What every Admin section shares: cursor paging, picking one object, edit and delete forms."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import streamlit as st
from pydantic import BaseModel

from app.errors import reported
from app.state import Admin, item_key
from core.client import Page

T = TypeVar("T", bound=BaseModel)
PAGE_SIZE = 20  # objects per page in every Admin list


def when(timestamp: int | None) -> str:
    """A Unix time as `2024-05-01 12:00 UTC` (blank when unset)."""
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def flash(message: str) -> None:
    """Show `message` once after the rerun that follows an action."""
    st.session_state[Admin.FLASH] = message
    st.rerun()


def show_flash() -> None:
    if message := st.session_state.pop(Admin.FLASH, None):
        st.success(message, icon=":material/check_circle:")


def paged(section: str, fetch: Callable[[str | None], Page[T]]) -> list[T]:
    """One page of a list with Previous / Next buttons; the cursors live in session state."""
    key = item_key(Admin.CURSOR, section)
    cursors: list[str | None] = st.session_state.setdefault(key, [None])
    page = fetch(cursors[-1])
    if not page.data and len(cursors) > 1:  # the page emptied under us (deletions): go back
        cursors.pop()
        page = fetch(cursors[-1])
    left, middle, right = st.columns([1, 3, 1])
    if left.button("Previous", key=item_key(Admin.PREV, section), disabled=len(cursors) == 1,
                   icon=":material/chevron_left:"):
        cursors.pop()
        st.rerun()
    middle.caption(f"Page {len(cursors)} · {len(page.data)} shown"
                   + (" · more after this page" if page.has_more else ""))
    if right.button("Next", key=item_key(Admin.NEXT, section), disabled=not page.has_next_page(),
                    icon=":material/chevron_right:"):
        cursors.append(page.last_id or getattr(page.data[-1], "id", None))
        st.rerun()
    return page.data


def table(rows: Sequence[dict[str, Any]], empty: str) -> None:
    if rows:
        st.dataframe(list(rows), hide_index=True, width="stretch")
    else:
        st.info(empty, icon=":material/inbox:")


def pick(section: str, items: Sequence[T], label: Callable[[T], str]) -> T | None:
    """A select box to inspect one of `items`."""
    if not items:
        return None
    by_id = {str(getattr(item, "id", i)): item for i, item in enumerate(items)}
    chosen = st.selectbox("Inspect", list(by_id), key=item_key(Admin.SELECT, section),
                          format_func=lambda object_id: label(by_id[object_id]))
    return by_id.get(chosen) if chosen is not None else None


def edit_form(
    section: str,
    obj: BaseModel,
    save: Callable[[dict[str, Any]], object],
    *,
    name: str | None = None,
) -> None:
    """Edit `metadata` (and `name` when the object has one); `save` gets the changed fields."""
    object_id = getattr(obj, "id", "")
    with st.form(item_key(Admin.SAVE, section, object_id), border=False):
        new_name = (st.text_input("Name", value=name or "", key=item_key(Admin.NAME, object_id))
                    if name is not None else None)
        metadata = getattr(obj, "metadata", None) or {}
        raw = st.text_area("Metadata (JSON object of strings)", value=json.dumps(metadata, indent=1),
                           key=item_key(Admin.METADATA, object_id), height=100)
        if not st.form_submit_button("Save changes", icon=":material/save:",
                                    key=item_key(Admin.SAVE, "submit", object_id)):
            return
    with reported("Saving"):
        changes: dict[str, Any] = {"metadata": _metadata(raw)}
        if new_name is not None:
            changes["name"] = new_name
        save(changes)
        flash(f"Saved {object_id}.")


def _metadata(raw: str) -> dict[str, str]:
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError as exc:
        raise ValueError(f"metadata is not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    if not isinstance(value, dict):
        raise ValueError("metadata must be a JSON object, like {\"project\": \"q1\"}")
    return {str(k): str(v) for k, v in value.items()}


def delete_button(section: str, object_id: str, delete: Callable[[], object], what: str) -> None:
    """A delete button behind a confirmation checkbox."""
    confirmed = st.checkbox(f"Yes, delete this {what}", key=item_key(Admin.CONFIRM, section, object_id))
    if st.button(f"Delete {what}", key=item_key(Admin.DELETE, section, object_id),
                 disabled=not confirmed, type="primary", icon=":material/delete:"):
        with reported(f"Deleting {object_id}"):
            delete()
            flash(f"Deleted {what} {object_id}.")


def details(obj: BaseModel) -> None:
    """The whole object as the server sent it."""
    with st.expander("Raw object", expanded=False):
        st.json(obj.model_dump(mode="json"))
