"""Storage: declarative base, engine and sessions, Alembic migrations."""
