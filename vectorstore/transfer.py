"""Moving a data directory's stores to other ones (embedded → PostgreSQL and a Chroma server).

Each report moves under the same journal protocol as ingestion: its row is written `pending`
first, then its vectors (copied, not re-embedded) and BM25 entries, then its figures, checks and
final status in one transaction. An interrupted move leaves pending rows that `repair()` erases;
running it again skips the reports already moved, so it can simply be repeated.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from vectorstore.chroma_index import ChromaIndex
from vectorstore.lexical import LexicalIndex
from vectorstore.schema import checks, figures, reports


class Stores(Protocol):
    database: Engine
    vectors: ChromaIndex
    lexical: LexicalIndex


def copy_stores(source: Stores, target: Stores) -> int:
    """Copy every complete or superseded report that the target lacks; returns how many."""
    with source.database.connect() as connection:
        rows = connection.execute(select(reports).where(reports.c.status.in_(["complete", "superseded"]))).all()
    with target.database.connect() as connection:
        present = set(connection.execute(select(reports.c.id).where(reports.c.status != "pending")).scalars())
    copied = 0
    for row in rows:
        if row.id in present:
            continue
        _copy_report(source, target, row)
        copied += 1
    return copied


def _copy_report(source: Stores, target: Stores, row) -> None:
    values = dict(row._mapping)
    with target.database.begin() as connection:
        connection.execute(delete(reports).where(reports.c.id == row.id))
        connection.execute(reports.insert().values(**{**values, "status": "pending"}))
    if row.status == "complete":  # a superseded version keeps only its figures, as history
        chunks, vectors = source.vectors.export_report(row.id)
        target.vectors.delete_report(row.id)
        if chunks:
            target.vectors.add(chunks, vectors)
        target.lexical.add_tokenised(row.id, source.lexical.export_report(row.id))
    with source.database.connect() as connection:
        figure_rows = [dict(r._mapping) for r in connection.execute(
            select(figures).where(figures.c.report_id == row.id))]
        check_rows = [dict(r._mapping) for r in connection.execute(select(checks).where(checks.c.report_id == row.id))]
    with target.database.begin() as connection:
        connection.execute(delete(figures).where(figures.c.report_id == row.id))
        connection.execute(delete(checks).where(checks.c.report_id == row.id))
        if figure_rows:
            connection.execute(figures.insert(), figure_rows)
        if check_rows:
            connection.execute(checks.insert(), check_rows)
        connection.execute(update(reports).where(reports.c.id == row.id).values(status=row.status))
