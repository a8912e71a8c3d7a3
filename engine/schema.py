"""The database schema as small named migrations, applied once each and recorded."""

from __future__ import annotations

_FILES_AND_STORES = """
CREATE TABLE files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    filename TEXT NOT NULL,
    purpose TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    sha256 TEXT NOT NULL
);
CREATE TABLE file_pages (
    file_id TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (file_id, page)
);
CREATE TABLE vector_stores (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    last_active_at INTEGER,
    expires_after_days INTEGER,
    expires_at INTEGER,
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE vector_store_files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    vector_store_id TEXT NOT NULL REFERENCES vector_stores(id) ON DELETE CASCADE,
    file_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    usage_bytes INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT,
    chunk_max INTEGER NOT NULL,
    chunk_overlap INTEGER NOT NULL,
    attributes TEXT,
    UNIQUE (vector_store_id, file_id)
);
CREATE INDEX vector_store_files_status ON vector_store_files(vector_store_id, status);
CREATE TABLE file_batches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    vector_store_id TEXT NOT NULL REFERENCES vector_stores(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    cancelled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE batch_files (
    batch_id TEXT NOT NULL REFERENCES file_batches(id) ON DELETE CASCADE,
    file_id TEXT NOT NULL,
    PRIMARY KEY (batch_id, file_id)
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    vector_store_id TEXT NOT NULL,
    file_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    page_start INTEGER,
    page_end INTEGER,
    tokens INTEGER NOT NULL
);
CREATE INDEX chunks_owner ON chunks(vector_store_id, file_id);
CREATE VIRTUAL TABLE chunks_fts USING fts5(body, tokenize = 'porter unicode61');
-- One row per vector-store file (rowid = vector_store_files.seq): the document's title.
CREATE VIRTUAL TABLE titles_fts USING fts5(title, tokenize = 'porter unicode61');
CREATE TABLE idempotency (
    key TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    body BLOB NOT NULL,
    created_at INTEGER NOT NULL
)
"""

# Assistants-side objects are stored as their wire JSON (validated by the core.types models on
# the way in); the columns beside it are what lists filter and order by.
_ASSISTANTS_SIDE = """
CREATE TABLE assistants (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE threads (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    run_id TEXT,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX messages_thread ON messages(thread_id, seq);
CREATE TABLE runs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    thread_id TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX runs_thread ON runs(thread_id, seq);
CREATE TABLE run_steps (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    thread_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    data TEXT NOT NULL
)
"""

# Per-page progress of a vector-store file being read, and what reading a file has cost: how
# many times it was started (a file that took the engine down with it is not tried forever), the
# failure that stays (a file that exhausted its budget is not read again at every start), and
# the warning of a file completed with pages left out.
_INGESTION_PROGRESS = """
ALTER TABLE vector_store_files ADD COLUMN pages_done INTEGER;
ALTER TABLE vector_store_files ADD COLUMN pages_total INTEGER;
CREATE TABLE file_extractions (
    file_id TEXT PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    attempts INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT,
    warning TEXT
)
"""

MIGRATIONS: list[tuple[str, str]] = [
    ("0001_files_and_vector_stores", _FILES_AND_STORES),
    ("0002_assistants_threads_runs", _ASSISTANTS_SIDE),
    ("0003_ingestion_progress", _INGESTION_PROGRESS),
]

