"""The SQL schema every process shares: reports, figures and checks (also the ingest journal), the
BM25 lexical index and ingestion jobs. SQLite in the embedded default, PostgreSQL by URL.

This module describes the schema at the newest migration; the database is created and upgraded only
by the Alembic migrations in `vectorstore/migrations/`, which must produce exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

reports = Table(
    "reports",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("source", Text, nullable=False),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("title", Text),
    Column("agency", String(200), index=True),
    Column("region", String(200)),
    Column("year", Integer, index=True),
    Column("format", String(10)),
    Column("status", String(10), nullable=False, index=True),
    Column("chunks", Integer, default=0),
    Column("failing_checks", Integer, default=0),
    Column("sections", Text),
    Column("body", Text),
    Column("ingested_at", DateTime),
    Column("reader_version", Integer),
)
figures = Table(
    "figures",
    metadata,
    Column("report_id", String(40), nullable=False, index=True),
    Column("agency", String(200)),
    Column("year", Integer),
    Column("tbl", String(4), nullable=False),
    Column("row", String(40), nullable=False),
    Column("col", String(40), nullable=False),
    Column("value", Float),
    Column("value_text", String(40)),
    Column("raw", String(80)),
    Column("unit", String(10)),
    Column("page", Integer),
    Column("uncertain", Text),
    # JSON of the candidate readings of a cell whose digits ran together (ingest.model.SplitCandidates).
    Column("split", Text),
    Index("figures_lookup", "agency", "year", "tbl", "row", "col"),
    Index("figures_across", "tbl", "row", "col", "year"),
)
checks = Table(
    "checks",
    metadata,
    Column("report_id", String(40), nullable=False, index=True),
    Column("rule", String(40)),
    Column("location", String(40)),
    Column("status", String(20)),
    Column("detail", Text),
)

# The lexical index. A chunk's filterable fields are columns, so that filters run in SQL; `meta`
# keeps the whole citation record. `position` orders chunks within a report, which with the
# report id gives ties the same order as the former in-memory index.
lexical_chunks = Table(
    "lexical_chunks",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("report_id", String(40), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("meta", Text, nullable=False),
    Column("length", Integer, nullable=False),
    Column("agency", String(200)),
    Column("year", Integer),
    Column("section", Integer),
    Column("format", String(10)),
)
lexical_postings = Table(
    "lexical_postings",
    metadata,
    Column("token", Text, primary_key=True),
    Column("chunk_id", String(80), primary_key=True),
    Column("report_id", String(40), nullable=False, index=True),
    Column("count", Integer, nullable=False),
)
lexical_terms = Table(
    "lexical_terms",
    metadata,
    Column("token", Text, primary_key=True),
    Column("df", Integer, nullable=False),
)
# One row (id 1): the corpus size and total length BM25 needs, and a generation that every change
# bumps, so that a process knows when its cached average idf is stale.
lexical_state = Table(
    "lexical_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("generation", BigInteger, nullable=False),
    Column("documents", BigInteger, nullable=False),
    Column("total_length", BigInteger, nullable=False),
)

ingest_jobs = Table(
    "ingest_jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("filename", Text, nullable=False),
    Column("path", Text, nullable=False),
    Column("runner", String(10), nullable=False),
    Column("staged", Text),
    Column("status", String(12), nullable=False, index=True),
    Column("stage", String(20)),
    Column("attempts", Integer, nullable=False),
    Column("report_id", String(40)),
    Column("outcome", Text),
    Column("error", Text),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("heartbeat_at", DateTime),
)

# Answers and search results composed by one API process, for the others (PostgreSQL deployments):
# a row answers only while the stored data has the version it was composed at.
shared_results = Table(
    "shared_results",
    metadata,
    Column("kind", String(10), primary_key=True),
    Column("key_hash", String(64), primary_key=True),
    Column("version", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("stored_at", DateTime, nullable=False, index=True),
)
