"""Reports record the version of the reader that read them (`ingest.model.READER_VERSION`), so that
ingesting an unchanged file again re-reads it when the reader has improved since. Reports stored
before this revision have none, and are read again on their next ingest.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reports", sa.Column("reader_version", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("reader_version")
