"""The repositories: portable SQL over storage.db.Db, shared by SQLite and PostgreSQL."""
