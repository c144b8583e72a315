"""Persistence: ORM models, engine and sessions, Alembic migrations, repositories, vector search."""
