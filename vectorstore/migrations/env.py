"""Alembic environment: migrations run on the connection `vectorstore.database.upgrade` hands over."""

from alembic import context

connection = context.config.attributes["connection"]
# Batch mode lets SQLite, which cannot alter most columns in place, take the same migrations.
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
