"""procrastinate's tables and functions, for the job queue of PostgreSQL deployments.

SQLite databases (the embedded default, whose jobs run in-process) get nothing here. The SQL is
the schema file of the installed procrastinate (pinned to one minor release in pyproject.toml);
raising that pin means adding a revision that applies procrastinate's own migration files.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from vectorstore.queue_procrastinate import procrastinate_schema

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Straight to psycopg without parameters: the SQL holds `%` and `:` that SQLAlchemy or a
        # parameterised execute would take for placeholders. Same connection, same transaction.
        op.get_bind().connection.driver_connection.execute(procrastinate_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, "
                   "procrastinate_jobs, procrastinate_workers CASCADE")
