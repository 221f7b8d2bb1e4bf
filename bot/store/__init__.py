"""The embedded store: spans and item metadata, the item index, the audit trail (SQLite)."""
