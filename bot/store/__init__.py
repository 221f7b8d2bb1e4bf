"""The embedded store: package spans and item facts (DuckDB), the history index and the audit trail (SQLite)."""
