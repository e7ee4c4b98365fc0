"""The embedded SQLite backend (aiosqlite, WAL)."""
