"""The PostgreSQL backend (asyncpg): a connection pool behind storage.db.Db."""
