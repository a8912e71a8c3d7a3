"""The statuses after which polling stops, per object kind (the loop is `BaseClient._poll_op`).

A run also stops on `requires_action`: it waits for tool outputs only the caller can submit.
"""

from __future__ import annotations

RUN_TERMINAL = frozenset(
    {"requires_action", "cancelled", "failed", "completed", "incomplete", "expired"}
)
VECTOR_STORE_TERMINAL = frozenset({"completed", "expired"})
VECTOR_STORE_FILE_TERMINAL = frozenset({"completed", "cancelled", "failed"})
FILE_BATCH_TERMINAL = frozenset({"completed", "cancelled", "failed"})
MESSAGE_TERMINAL = frozenset({"completed", "incomplete"})
