"""BM25 over jieba tokens, in SQL tables every process reads: no process holds private index files.

The formula and idf are those of rank-bm25's BM25Okapi (k1 1.5, b 0.75, epsilon 0.25), which the
index used when it lived in memory: idf = ln(N - df + 0.5) - ln(df + 0.5), and a negative idf is
replaced by epsilon times the average idf over the whole vocabulary. A chunk without tokens counts
as one token long, as rank-bm25 saw it (its placeholder token is never searched for).

Writes of one report happen in one transaction (its chunks, postings, document frequencies and the
corpus totals), so a search sees a report whole or not at all. Term rows are locked in sorted
order, so two workers writing at once wait for each other instead of deadlocking.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Float, and_, bindparam, case, cast, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from vectorstore.figure_store import guarded
from vectorstore.model import Chunk, Hit, SearchFilters
from vectorstore.schema import lexical_chunks, lexical_postings, lexical_state, lexical_terms
from vectorstore.segmenter import Segmenter

K1 = 1.5
B = 0.75
EPSILON = 0.25
_BATCH = 500
_UNAVAILABLE = "检索库暂时不可用 / lexical index unavailable"


@dataclass(frozen=True)
class _Corpus:
    generation: int
    documents: int
    average_length: float
    average_idf: float


def idf(documents: int, frequency: int) -> float:
    return math.log(documents - frequency + 0.5) - math.log(frequency + 0.5)


class LexicalIndex:
    def __init__(self, engine: Engine, segmenter: Segmenter) -> None:
        self.engine = engine
        self.segmenter = segmenter
        self._corpus: _Corpus | None = None
        self._lock = threading.Lock()

    def add(self, report_id: str, chunks: list[Chunk]) -> None:
        self.add_tokenised(report_id, [(chunk, self.segmenter.tokens(chunk.indexed_text())) for chunk in chunks])

    def add_tokenised(self, report_id: str, entries: list[tuple[Chunk, list[str]]]) -> None:
        """Replace a report's chunks with these (already segmented) ones."""
        rows, postings, frequencies, total = [], [], Counter(), 0
        for position, (chunk, tokens) in enumerate(entries):
            length = len(tokens) or 1
            total += length
            rows.append({
                "id": chunk.id, "report_id": report_id, "position": position, "text": chunk.text,
                "meta": json.dumps(chunk.metadata(), ensure_ascii=False), "length": length,
                "agency": chunk.agency, "year": chunk.year, "section": chunk.section, "format": chunk.format,
            })
            counts = Counter(tokens)
            postings.extend({"token": token, "chunk_id": chunk.id, "report_id": report_id, "count": count}
                            for token, count in counts.items())
            frequencies.update(counts.keys())
        with self._writing() as connection:
            self._delete(connection, report_id)
            for start in range(0, len(rows), _BATCH):
                connection.execute(lexical_chunks.insert(), rows[start:start + _BATCH])
            for start in range(0, len(postings), _BATCH * 4):
                connection.execute(lexical_postings.insert(), postings[start:start + _BATCH * 4])
            self._change_frequencies(connection, frequencies, +1)
            self._change_totals(connection, len(rows), total)

    def delete_report(self, report_id: str) -> None:
        with self._writing() as connection:
            self._delete(connection, report_id)

    def export_report(self, report_id: str) -> list[tuple[Chunk, list[str]]]:
        """A report's chunks with their tokens as a bag (BM25 needs counts, not order)."""
        with self._reading() as connection:
            chunks = connection.execute(
                select(lexical_chunks.c.id, lexical_chunks.c.text, lexical_chunks.c.meta)
                .where(lexical_chunks.c.report_id == report_id).order_by(lexical_chunks.c.position)).all()
            bags: dict[str, list[str]] = {}
            for chunk_id, token, count in connection.execute(
                    select(lexical_postings.c.chunk_id, lexical_postings.c.token, lexical_postings.c.count)
                    .where(lexical_postings.c.report_id == report_id)):
                bags.setdefault(chunk_id, []).extend([token] * count)
        return [(Chunk.from_metadata(row.id, row.text, json.loads(row.meta)), bags.get(row.id, [])) for row in chunks]

    def report_ids(self) -> set[str]:
        return {row[0] for row in self._read(select(lexical_chunks.c.report_id).distinct())}

    def search(self, query: str, top_k: int, filters: SearchFilters) -> list[Hit]:
        query_tokens = self.segmenter.tokens(query)
        if not query_tokens:
            return []
        with self._reading() as connection:
            corpus = self._corpus_now(connection)
            if corpus.documents == 0:
                return []
            weights = self._weights(connection, corpus, sorted(set(query_tokens)))
            if not weights:
                return []
            best = connection.execute(self._best(corpus, query_tokens, weights, filters, top_k)).all()
            found = {row.id: row for row in connection.execute(
                select(lexical_chunks.c.id, lexical_chunks.c.text, lexical_chunks.c.meta)
                .where(lexical_chunks.c.id.in_([chunk_id for chunk_id, _ in best])))}
        return [Hit(Chunk.from_metadata(chunk_id, found[chunk_id].text, json.loads(found[chunk_id].meta)), score)
                for chunk_id, score in best]

    def _weights(self, connection: Connection, corpus: _Corpus, tokens: list[str]) -> dict[str, float]:
        frequencies = connection.execute(
            select(lexical_terms.c.token, lexical_terms.c.df)
            .where(lexical_terms.c.token.in_(tokens), lexical_terms.c.df > 0)).all()
        weights = {}
        for token, frequency in frequencies:
            weight = idf(corpus.documents, frequency)
            weight = weight if weight >= 0 else EPSILON * corpus.average_idf
            if weight:
                weights[token] = weight
        return weights

    @staticmethod
    def _best(corpus: _Corpus, query_tokens: list[str], weights: dict[str, float], filters: SearchFilters,
              top_k: int):
        """The top chunks with their BM25 scores, summed in the database: only `top_k` rows come back,
        however many postings the query's tokens have (tens of thousands with a national corpus).
        Ties keep the index's order (report, then position in it)."""
        repeats = Counter(token for token in query_tokens if token in weights)
        postings, chunks = lexical_postings.c, lexical_chunks.c
        token_weight = case({token: repeats[token] * weights[token] for token in weights}, value=postings.token)
        count = cast(postings.count, Float)
        norm = K1 * (1 - B) + (K1 * B / corpus.average_length) * cast(chunks.length, Float)
        score = func.sum(token_weight * count * (K1 + 1) / (count + norm)).label("score")
        return (
            select(postings.chunk_id, score)
            .join(lexical_chunks, chunks.id == postings.chunk_id)
            .where(postings.token.in_(list(weights)), *_conditions(filters))
            .group_by(postings.chunk_id, chunks.report_id, chunks.position)
            .order_by(score.desc(), chunks.report_id, chunks.position)
            .limit(top_k)
        )

    def _corpus_now(self, connection: Connection) -> _Corpus:
        """Corpus totals, and the average idf, recomputed only when another write has happened."""
        state = connection.execute(select(lexical_state).where(lexical_state.c.id == 1)).one()
        cached = self._corpus
        if cached is not None and cached.generation == state.generation:
            return cached
        if state.documents == 0:
            return _Corpus(state.generation, 0, 0.0, 0.0)
        histogram = connection.execute(
            select(lexical_terms.c.df, func.count()).where(lexical_terms.c.df > 0).group_by(lexical_terms.c.df)
        ).all()
        terms = sum(how_many for _, how_many in histogram)
        idf_sum = sum(how_many * idf(state.documents, frequency) for frequency, how_many in histogram)
        corpus = _Corpus(state.generation, state.documents, state.total_length / state.documents,
                         idf_sum / terms if terms else 0.0)
        with self._lock:
            self._corpus = corpus
        return corpus

    def _delete(self, connection: Connection, report_id: str) -> None:
        chunks = connection.execute(
            select(func.count(), func.coalesce(func.sum(lexical_chunks.c.length), 0))
            .where(lexical_chunks.c.report_id == report_id)).one()
        if not chunks[0]:
            return
        frequencies = Counter(dict(connection.execute(
            select(lexical_postings.c.token, func.count()).where(lexical_postings.c.report_id == report_id)
            .group_by(lexical_postings.c.token)).all()))
        connection.execute(delete(lexical_postings).where(lexical_postings.c.report_id == report_id))
        connection.execute(delete(lexical_chunks).where(lexical_chunks.c.report_id == report_id))
        self._change_frequencies(connection, frequencies, -1)
        self._change_totals(connection, -chunks[0], -chunks[1])

    @staticmethod
    def _change_frequencies(connection: Connection, frequencies: Counter, sign: int) -> None:
        tokens = sorted(frequencies)
        if sign > 0:
            dialect_insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
            for start in range(0, len(tokens), _BATCH):
                batch = tokens[start:start + _BATCH]
                statement = dialect_insert(lexical_terms).values([{"token": t, "df": frequencies[t]} for t in batch])
                connection.execute(statement.on_conflict_do_update(
                    index_elements=[lexical_terms.c.token], set_={"df": lexical_terms.c.df + statement.excluded.df}))
            return
        decrease = (update(lexical_terms).where(lexical_terms.c.token == bindparam("t"))
                    .values(df=lexical_terms.c.df - bindparam("n")))
        if tokens:
            connection.execute(decrease, [{"t": token, "n": frequencies[token]} for token in tokens])
        for start in range(0, len(tokens), _BATCH):
            connection.execute(delete(lexical_terms).where(
                and_(lexical_terms.c.token.in_(tokens[start:start + _BATCH]), lexical_terms.c.df <= 0)))

    @staticmethod
    def _change_totals(connection: Connection, documents: int, length: int) -> None:
        connection.execute(update(lexical_state).where(lexical_state.c.id == 1).values(
            generation=lexical_state.c.generation + 1,
            documents=lexical_state.c.documents + documents,
            total_length=lexical_state.c.total_length + length,
        ))

    def _writing(self):
        return guarded(self.engine.begin(), _UNAVAILABLE)

    @contextlib.contextmanager
    def _reading(self):
        """One snapshot for the totals, frequencies, postings and texts of a search, so that a report
        replaced meanwhile is seen whole, before or after."""
        if self.engine.dialect.name == "postgresql":
            snapshot = self.engine.connect().execution_options(isolation_level="REPEATABLE READ")
            with guarded(snapshot, _UNAVAILABLE) as connection:
                yield connection
            return
        with guarded(self.engine.connect(), _UNAVAILABLE) as connection:
            # pysqlite opens no transaction for reads, so each SELECT would see the latest commit; a
            # read transaction in WAL mode keeps the snapshot of its first read (rolled back on close).
            connection.exec_driver_sql("BEGIN")
            yield connection

    def _read(self, query) -> list:
        with self._reading() as connection:
            return connection.execute(query).all()


def _conditions(filters: SearchFilters) -> list:
    c = lexical_chunks.c
    conditions = []
    if filters.agencies:
        conditions.append(c.agency.in_(list(filters.agencies)))
    if filters.year_from is not None:
        conditions.append(c.year >= filters.year_from)
    if filters.year_to is not None:
        conditions.append(c.year <= filters.year_to)
    if filters.section is not None:
        conditions.append(c.section == filters.section)
    if filters.format is not None:
        conditions.append(c.format == filters.format)
    if filters.excluded_reports:
        conditions.append(c.report_id.not_in(list(filters.excluded_reports)))
    return conditions
