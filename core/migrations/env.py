"""Alembic environment: the connection is handed over by core.db.run_migrations."""

from __future__ import annotations

from alembic import context

from core.db import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through core.db.run_migrations")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
