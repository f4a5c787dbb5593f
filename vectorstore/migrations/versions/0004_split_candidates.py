"""Figures keep the candidate readings of cells whose digits ran together, so that another year's
report of the same agency can decide them when answers are read (spec rules 5-6).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("figures", sa.Column("split", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("figures") as batch:
        batch.drop_column("split")
