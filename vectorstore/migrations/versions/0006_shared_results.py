"""Answers and search results one API process composed, kept for the other processes of a deployment.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_results",
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("version", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("stored_at", sa.DateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("shared_results")
