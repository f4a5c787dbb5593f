"""The BM25 index and ingestion jobs move into the database every process shares.

Release 0.1 kept BM25 postings in one JSON file per report beside embedded Chroma; those files
are imported by `vectorstore.database.import_legacy_lexical` (it needs the data directory, which
a schema migration does not know).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lexical_chunks",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("report_id", sa.String(40), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("meta", sa.Text, nullable=False),
        sa.Column("length", sa.Integer, nullable=False),
        sa.Column("agency", sa.String(200)),
        sa.Column("year", sa.Integer),
        sa.Column("section", sa.Integer),
        sa.Column("format", sa.String(10)),
    )
    op.create_table(
        "lexical_postings",
        sa.Column("token", sa.Text, primary_key=True),
        sa.Column("chunk_id", sa.String(80), primary_key=True),
        sa.Column("report_id", sa.String(40), nullable=False, index=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "lexical_terms",
        sa.Column("token", sa.Text, primary_key=True),
        sa.Column("df", sa.Integer, nullable=False),
    )
    state = op.create_table(
        "lexical_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("generation", sa.BigInteger, nullable=False),
        sa.Column("documents", sa.BigInteger, nullable=False),
        sa.Column("total_length", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(state, [{"id": 1, "generation": 0, "documents": 0, "total_length": 0}])
    op.create_table(
        "ingest_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("runner", sa.String(10), nullable=False),
        sa.Column("staged", sa.Text),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("stage", sa.String(20)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("report_id", sa.String(40)),
        sa.Column("outcome", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("heartbeat_at", sa.DateTime),
    )


def downgrade() -> None:
    for name in ("ingest_jobs", "lexical_state", "lexical_terms", "lexical_postings", "lexical_chunks"):
        op.drop_table(name)
