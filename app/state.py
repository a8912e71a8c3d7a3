"""Every session-state and widget key of the app, in one place.

Keys are namespaced by screen (`chat.`, `summary.`…) so two screens never share a widget's state
by accident. Per-object widgets (Admin rows) build theirs with `item_key`.
"""

from __future__ import annotations

THREAD_QUERY_PARAM = "thread"


def item_key(base: str, *parts: object) -> str:
    """A widget key for one object of a list, e.g. `item_key(Admin.DELETE, "file-1")`."""
    return ".".join([base, *(str(part) for part in parts)])


class Sidebar:
    MODEL = "sidebar.model"
    SIGN_OUT = "sidebar.sign_out"


class Auth:
    USER = "auth.user"  # app.accounts.User of this session
    FORM = "auth.form"
    NAME = "auth.name"
    PASSWORD = "auth.password"
    SIGN_IN = "auth.sign_in"
    SUBMIT = "auth.submit"


class History:
    SUMMARIES = "history.summaries"  # thread id -> ConversationSummary, this session's cache
    OPEN = "history.open"  # item_key(OPEN, index): reopen buttons


class Chat:
    COPILOT = "chat.copilot"  # the OpenAIChatCopilot of this session
    HISTORY = "chat.history"  # list[Turn]
    NOTES = "chat.notes"  # [(level, text)]: what the last indexing or reopening did
    RESTORED_THREAD = "chat.restored_thread"  # the thread id the URL was last restored from
    UPLOADER = "chat.uploader"
    PROMPT = "chat.prompt"
    NEW_CONVERSATION = "chat.new"
    SAVE_CONTEXT = "chat.save_context"
    RESTORE_UPLOADER = "chat.restore_uploader"
    RESTORE_BUTTON = "chat.restore"
    DELETE_CONTEXT = "chat.delete_context"
    EXPORT_FORMAT = "chat.export_format"
    EXPORT_DOWNLOAD = "chat.export_download"
    EXPORT_POPOVER = "chat.export_popover"  # True while the Download box is open
    UPLOADER_GENERATION = "chat.uploader_generation"  # bumped to clear the uploader
    DOCUMENTS = "chat.documents"  # {file name: PDF bytes} uploaded in this session
    CITATION = "chat.citation"  # item_key(CITATION, turn index): the chip row of an answer
    CITATION_PAGE = "chat.citation_page"  # item_key(…, turn, citation, file, page): page shown
    CITATION_PREV = "chat.citation_prev"  # item_key(…, turn index)
    CITATION_NEXT = "chat.citation_next"  # item_key(…, turn index)


class Summary:
    UPLOADER = "summary.uploader"
    LENGTH = "summary.length"
    PROMPT = "summary.prompt"
    MODEL = "summary.model"
    TEMPERATURE = "summary.temperature"
    RUN = "summary.run"
    RESULT = "summary.result"  # SummaryResult of the last run
    FORMAT = "summary.format"
    DOWNLOAD = "summary.download"
    EXPORTS = "summary.exports"  # {format: bytes} of the current result


class Images:
    UPLOADER = "images.uploader"
    RUN = "images.run"
    RESULT = "images.result"  # ImagesResult of the last run
    DESCRIPTION = "images.description"  # item_key(DESCRIPTION, source index, image index)
    DOWNLOAD = "images.download"  # item_key(DOWNLOAD, source index)
    APPLY = "images.apply"
    CHOICE = "images.choice"  # item_key(CHOICE, source index, image index): write, leave, decorative


class Admin:
    PASSWORD = "admin.password"
    PASSWORD_FORM = "admin.password_form"
    PASSWORD_SUBMIT = "admin.password_submit"
    UNLOCKED = "admin.unlocked"
    SECTION = "admin.section"
    PROJECT = "admin.project"  # whose objects the admin looks at
    CURSOR = "admin.cursor"  # item_key(CURSOR, section): the `after` cursors of the pages seen
    PREV = "admin.prev"
    NEXT = "admin.next"
    SELECT = "admin.select"
    DELETE = "admin.delete"
    CONFIRM = "admin.confirm"
    NAME = "admin.name"
    METADATA = "admin.metadata"
    SAVE = "admin.save"
    CANCEL = "admin.cancel"
    THREAD_ID = "admin.thread_id"
    SEARCH_QUERY = "admin.search_query"
    SEARCH_BUTTON = "admin.search_button"
    CLEANUP_AGE = "admin.cleanup_age"
    CLEANUP_SCAN = "admin.cleanup_scan"
    CLEANUP_CANDIDATES = "admin.cleanup_candidates"
    CLEANUP_RUN = "admin.cleanup_run"
    FLASH = "admin.flash"  # a message shown once after a rerun
