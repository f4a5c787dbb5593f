"""The schema of release 0.1, before migrations existed: reports, figures and checks.

A data directory made by that release already has these tables, possibly without the nullable
columns added during its development (`body`, `uncertain`); this revision adopts such a database
by adding what is missing, and creates everything in an empty one.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _reports() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, index=True),
        sa.Column("title", sa.Text),
        sa.Column("agency", sa.String(200), index=True),
        sa.Column("region", sa.String(200)),
        sa.Column("year", sa.Integer, index=True),
        sa.Column("format", sa.String(10)),
        sa.Column("status", sa.String(10), nullable=False, index=True),
        sa.Column("chunks", sa.Integer),
        sa.Column("failing_checks", sa.Integer),
        sa.Column("sections", sa.Text),
        sa.Column("body", sa.Text),
        sa.Column("ingested_at", sa.DateTime),
    ]


def _figures() -> list:
    return [
        sa.Column("report_id", sa.String(40), nullable=False, index=True),
        sa.Column("agency", sa.String(200)),
        sa.Column("year", sa.Integer),
        sa.Column("tbl", sa.String(4), nullable=False),
        sa.Column("row", sa.String(40), nullable=False),
        sa.Column("col", sa.String(40), nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("value_text", sa.String(40)),
        sa.Column("raw", sa.String(80)),
        sa.Column("unit", sa.String(10)),
        sa.Column("page", sa.Integer),
        sa.Column("uncertain", sa.Text),
        sa.Index("figures_lookup", "agency", "year", "tbl", "row", "col"),
        sa.Index("figures_across", "tbl", "row", "col", "year"),
    ]


def _checks() -> list[sa.Column]:
    return [
        sa.Column("report_id", sa.String(40), nullable=False, index=True),
        sa.Column("rule", sa.String(40)),
        sa.Column("location", sa.String(40)),
        sa.Column("status", sa.String(20)),
        sa.Column("detail", sa.Text),
    ]


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    for name, columns in (("reports", _reports()), ("figures", _figures()), ("checks", _checks())):
        if name not in existing:
            op.create_table(name, *columns)
            continue
        present = {column["name"] for column in inspector.get_columns(name)}
        missing = [c for c in columns if isinstance(c, sa.Column) and c.name not in present and c.nullable]
        if missing:
            with op.batch_alter_table(name) as batch:
                for column in missing:
                    batch.add_column(sa.Column(column.name, column.type))


def downgrade() -> None:
    for name in ("checks", "figures", "reports"):
        op.drop_table(name)
