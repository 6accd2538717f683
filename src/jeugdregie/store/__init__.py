"""Storage: one Database object per store (DuckDB file or PostgreSQL), schema and migrations."""

from jeugdregie.store.database import Database, connect

__all__ = ["Database", "connect"]
