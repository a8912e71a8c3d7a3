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

# Dense retrieval: each file's passages (character spans of its pages) with their vectors
# (float16), written all at once per file; `file_embeddings` marks a file as embedded.
_PASSAGE_VECTORS = """
CREATE TABLE passage_vectors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    vector BLOB NOT NULL
);
CREATE INDEX passage_vectors_file ON passage_vectors(file_id);
CREATE TABLE file_embeddings (
    file_id TEXT PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    passages INTEGER NOT NULL,
    completed_at INTEGER NOT NULL
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
    ("0003_passage_vectors", _PASSAGE_VECTORS),
    ("0003_ingestion_progress", _INGESTION_PROGRESS),
]

# Projects (OpenAI's project keys): every top-level object carries its project; messages, runs
# and run steps take their thread's, file batches their store's. Rows made before projects
# existed land in the default project, whose key is ENGINE_API_KEY. Keys are stored as SHA-256
# digests (they are 192-bit random values, so a fast digest is not guessable). The idempotency
# table is rebuilt: scoped to project and path, with the request's fingerprint, a reservation
# state and the ids each stored answer names (deleted with them).
_PROJECTS = """
CREATE TABLE projects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    archived_at INTEGER
);
INSERT INTO projects (id, name, created_at) VALUES ('proj_default', 'Default project',
    CAST(strftime('%s','now') AS INTEGER));
CREATE TABLE service_accounts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    project_id TEXT NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE api_keys (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    project_id TEXT NOT NULL REFERENCES projects(id),
    service_account_id TEXT REFERENCES service_accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    redacted_value TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
);
ALTER TABLE files ADD COLUMN project_id TEXT NOT NULL DEFAULT 'proj_default';
ALTER TABLE vector_stores ADD COLUMN project_id TEXT NOT NULL DEFAULT 'proj_default';
ALTER TABLE file_batches ADD COLUMN project_id TEXT NOT NULL DEFAULT 'proj_default';
ALTER TABLE assistants ADD COLUMN project_id TEXT NOT NULL DEFAULT 'proj_default';
ALTER TABLE threads ADD COLUMN project_id TEXT NOT NULL DEFAULT 'proj_default';
ALTER TABLE messages ADD COLUMN project_id TEXT NOT NULL DEFAULT 'proj_default';
ALTER TABLE runs ADD COLUMN project_id TEXT NOT NULL DEFAULT 'proj_default';
ALTER TABLE run_steps ADD COLUMN project_id TEXT NOT NULL DEFAULT 'proj_default';
CREATE INDEX files_project ON files(project_id, seq);
CREATE INDEX vector_stores_project ON vector_stores(project_id, seq);
CREATE INDEX assistants_project ON assistants(project_id, seq);
CREATE INDEX threads_project ON threads(project_id, seq);
DROP TABLE idempotency;
CREATE TABLE idempotency (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL,
    path TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT,
    state TEXT NOT NULL,
    status INTEGER,
    body BLOB,
    created_at INTEGER NOT NULL,
    UNIQUE (project_id, path, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);
CREATE TABLE idempotency_refs (
    idempotency_seq INTEGER NOT NULL REFERENCES idempotency(seq) ON DELETE CASCADE,
    object_id TEXT NOT NULL
);
CREATE INDEX idempotency_refs_object ON idempotency_refs(object_id)
"""

MIGRATIONS.append(("0003_projects", _PROJECTS))

# Stored chat completions (`store: true`): the completion as answered (its wire JSON, metadata
# included), the request's messages, and the columns lists filter on; per project, as all.
_STORED_CHAT_COMPLETIONS = """
CREATE TABLE chat_completions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    project_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    model TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    data TEXT NOT NULL,
    messages TEXT NOT NULL
);
CREATE INDEX chat_completions_project ON chat_completions(project_id, seq)
"""

MIGRATIONS.append(("0004_stored_chat_completions", _STORED_CHAT_COMPLETIONS))
