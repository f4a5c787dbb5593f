"""Reports, figures and checks in the shared SQL database (`vectorstore.database`): SQLite by
default, PostgreSQL by URL. It is also the ingest journal: a report is `pending` until every
store holds it, then `complete` in the same transaction that writes its figures."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from ingest.model import Report, SplitCandidates, Uncertain
from vectorstore.schema import checks, figures, reports

_UNAVAILABLE = "数字库暂时不可用 / figure store unavailable"


@dataclass(frozen=True)
class StoredFigure:
    report_id: str
    agency: str
    year: int
    table: str
    row: str
    col: str
    value: int | Decimal | None
    raw: str
    unit: str | None
    page: int | None
    source: str
    failing: tuple[str, ...]
    """Rules the report's tables break, with their details."""
    uncertain: str | None = None
    """Why the extractor could not read this cell with certainty (its value is then None)."""
    split: SplitCandidates | None = None
    """The candidate readings, when the cell is uncertain only because its digits ran together."""
    read_across: ReadAcross | None = None
    """Set (with `value`) when another year's report decided the split (`qa.crossyear`)."""


@dataclass(frozen=True)
class ReadAcross:
    """How a cell whose digits ran together was read with the help of another year's report: the
    only split that satisfies the cross-year 勾稽 relations with the cells it names."""

    printed: str
    """The run-together digits as printed ("693665")."""
    rules: tuple[str, ...]
    """The relations used: t2.roll_forward, t2.prev_count, t3.carry."""
    years: tuple[int, ...]
    """The other years whose reports were used."""
    note: str
    """How it was read, in Chinese, for answers."""
    supporting: tuple[StoredFigure, ...]
    """The other reports' cells the relations used (as read, or as read across years themselves)."""


class StoreUnavailable(RuntimeError):
    """A store in the SQL database is locked or unreachable (the API answers 503)."""


@contextlib.contextmanager
def guarded(context, unavailable: str):
    """The connection of `context`; a lock or connection error becomes StoreUnavailable, its message
    `unavailable` ("中文 / English") followed by the driver's reason."""
    try:
        with context as connection:
            yield connection
    except OperationalError as error:
        raise StoreUnavailable(f"{unavailable}: {error.orig}") from error


@dataclass(frozen=True)
class StoredReport:
    id: str
    source: str
    content_hash: str
    title: str | None
    agency: str | None
    region: str | None
    year: int | None
    format: str | None
    status: str
    chunks: int
    failing_checks: int
    reader_version: int | None = None
    """The reader that read it (`ingest.model.READER_VERSION`); None: a release older than the column."""


class FigureStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def begin(self, report_id: str, source: str, content_hash: str, report: Report) -> None:
        """Journal a report as pending before any other store is touched."""
        with self._writing() as connection:
            connection.execute(delete(reports).where(reports.c.id == report_id))
            connection.execute(
                reports.insert().values(
                    id=report_id, source=source, content_hash=content_hash, title=report.title,
                    agency=report.agency, region=report.region, year=report.year, format=report.format,
                    status="pending", chunks=0, failing_checks=len(report.failing_checks()),
                    sections=json.dumps([{"n": s.n, "title": s.title, "page": s.page} for s in report.sections],
                                        ensure_ascii=False),
                    body=json.dumps([{"n": s.n, "title": s.title, "page": s.page, "text": s.text}
                                     for s in report.sections], ensure_ascii=False),
                    ingested_at=datetime.now(UTC), reader_version=report.reader_version,
                )
            )

    def complete(self, report_id: str, report: Report, chunk_count: int) -> None:
        """Figures, checks and the `complete` mark in one transaction."""
        doubtful = {(u.table, u.row, u.col): u for u in report.uncertain}
        with self._writing() as connection:
            connection.execute(delete(figures).where(figures.c.report_id == report_id))
            connection.execute(delete(checks).where(checks.c.report_id == report_id))
            if report.figures:
                connection.execute(
                    figures.insert(),
                    [
                        {
                            "report_id": report_id, "agency": report.agency, "year": report.year,
                            "tbl": f.table, "row": f.row, "col": f.col,
                            "value": None if f.value is None else float(f.value),
                            "value_text": None if f.value is None else str(f.value),
                            "raw": f.raw, "unit": f.unit, "page": f.page,
                            "uncertain": _why(doubtful.get((f.table, f.row, f.col))),
                            "split": _split_json(doubtful.get((f.table, f.row, f.col))),
                        }
                        for f in report.figures
                    ],
                )
            if report.checks:
                connection.execute(
                    checks.insert(),
                    [
                        {"report_id": report_id, "rule": c.rule, "location": c.where, "status": c.status,
                         "detail": c.detail}
                        for c in report.checks
                    ],
                )
            connection.execute(
                update(reports).where(reports.c.id == report_id).values(
                    status="complete", chunks=chunk_count, ingested_at=self._now(connection))
            )

    def supersede(self, report_id: str) -> None:
        """Keep an older version of a report (its figures and checks) as history, out of answers."""
        with self._writing() as connection:
            connection.execute(update(reports).where(reports.c.id == report_id).values(status="superseded"))

    def remove(self, report_id: str) -> None:
        with self._writing() as connection:
            for table in (figures, checks):
                connection.execute(delete(table).where(table.c.report_id == report_id))
            connection.execute(delete(reports).where(reports.c.id == report_id))

    def reports(self, status: str | None = "complete") -> list[StoredReport]:
        query = select(*[reports.c[name] for name in StoredReport.__dataclass_fields__])
        if status:
            query = query.where(reports.c.status == status)
        query = query.order_by(reports.c.agency, reports.c.year)
        return [StoredReport(**row._mapping) for row in self._read(query)]

    def by_hash(self, content_hash: str) -> StoredReport | None:
        return next((r for r in self.reports() if r.content_hash == content_hash), None)

    def by_source(self, source: str) -> list[StoredReport]:
        return [r for r in self.reports() if r.source == source]

    def find(self, id_or_prefix: str) -> list[StoredReport]:
        return [r for r in self.reports(status=None) if r.id.startswith(id_or_prefix) or r.source == id_or_prefix]

    def agencies(self) -> list[tuple[str, str | None]]:
        query = select(reports.c.agency, reports.c.region).where(reports.c.status == "complete").distinct()
        return [(row.agency, row.region) for row in self._read(query) if row.agency]

    def cells(
        self,
        table: str,
        row: str,
        col: str,
        agencies: list[str] | None = None,
        years: list[int] | None = None,
    ) -> list[StoredFigure]:
        """One cell across agencies and years (complete reports only), indexed by (tbl,row,col,year)."""
        query = (
            select(figures, reports.c.source)
            .join(reports, reports.c.id == figures.c.report_id)
            .where(reports.c.status == "complete", figures.c.tbl == table, figures.c.row == row, figures.c.col == col)
        )
        if agencies:
            query = query.where(figures.c.agency.in_(agencies))
        if years:
            query = query.where(figures.c.year.in_(years))
        rows = self._read(query.order_by(figures.c.agency, figures.c.year))
        failing = self._failing({row.report_id for row in rows})
        return [_stored(r, failing) for r in rows]

    def agency_rows(self, agency: str, rows: list[tuple[str, str]]) -> list[StoredFigure]:
        """Every cell of the given (table, row)s in every complete report of the agency, every year."""
        query = (
            select(figures, reports.c.source)
            .join(reports, reports.c.id == figures.c.report_id)
            .where(reports.c.status == "complete", figures.c.agency == agency,
                   tuple_(figures.c.tbl, figures.c.row).in_(rows))
        )
        found = self._read(query.order_by(figures.c.year))
        failing = self._failing({row.report_id for row in found})
        return [_stored(r, failing) for r in found]

    def years_of(self, agency: str) -> list[int]:
        query = select(reports.c.year).where(reports.c.status == "complete", reports.c.agency == agency)
        return sorted({row.year for row in self._read(query) if row.year})

    def _failing(self, report_ids: set[str]) -> dict[str, tuple[str, ...]]:
        if not report_ids:
            return {}
        query = select(checks).where(checks.c.report_id.in_(report_ids), checks.c.status == "fail")
        found: dict[str, list[str]] = {}
        for row in self._read(query):
            found.setdefault(row.report_id, []).append(f"{row.rule}[{row.location}]: {row.detail}")
        return {key: tuple(value) for key, value in found.items()}

    def report_body(self, report_id: str) -> list[dict]:
        """The report's sections with their text, as stored at ingestion."""
        rows = self._read(select(reports.c.body).where(reports.c.id == report_id))
        return json.loads(rows[0].body) if rows and rows[0].body else []

    def report_figures(self, report_id: str) -> list[StoredFigure]:
        query = (select(figures, reports.c.source).join(reports, reports.c.id == figures.c.report_id)
                 .where(figures.c.report_id == report_id))
        failing = self._failing({report_id})
        return [_stored(r, failing) for r in self._read(query)]

    def report_checks(self, report_id: str | None = None, status: str | None = None) -> list[dict]:
        query = select(checks, reports.c.agency, reports.c.year, reports.c.source).join(
            reports, reports.c.id == checks.c.report_id).where(reports.c.status == "complete")
        if report_id:
            query = query.where(checks.c.report_id == report_id)
        if status:
            query = query.where(checks.c.status == status)
        return [{"report_id": r.report_id, "agency": r.agency, "year": r.year, "source": r.source, "rule": r.rule,
                 "where": r.location, "status": r.status, "detail": r.detail}
                for r in self._read(query.order_by(reports.c.agency, reports.c.year))]

    def version(self) -> tuple:
        """Two reads, in any processes, give the same version only when the same reports are complete
        or superseded: a completion moves the newest `ingested_at` (set then, by one clock for every
        process), and a replacement or removal lowers the count of a status while nothing but a
        completion raises one. Pending reports are left out: nothing is answered from them, so an
        upload that has only begun leaves every cached answer valid. Answer caches key on it."""
        rows = self._read(select(reports.c.status, func.count(), func.max(reports.c.ingested_at))
                          .where(reports.c.status != "pending")
                          .group_by(reports.c.status).order_by(reports.c.status))
        return tuple((status, count, str(newest)) for status, count, newest in rows)

    @staticmethod
    def _now(connection):
        # PostgreSQL's own clock, so that workers on machines whose clocks differ still order their
        # completions; SQLite serves one machine, and its CURRENT_TIMESTAMP only has whole seconds.
        if connection.dialect.name == "postgresql":
            return func.clock_timestamp()
        return datetime.now(UTC)

    def figure_count(self) -> int:
        return self._read(select(func.count()).select_from(figures))[0][0]

    def figure_report_ids(self) -> set[str]:
        return {row[0] for row in self._read(select(figures.c.report_id).distinct())}

    def _writing(self):
        return guarded(self.engine.begin(), _UNAVAILABLE)

    def _read(self, query) -> list:
        with guarded(self.engine.connect(), _UNAVAILABLE) as connection:
            return connection.execute(query).all()


def figure_value(text: str | None) -> int | Decimal | None:
    if text is None:
        return None
    return Decimal(text) if "." in text else int(text)


def _stored(r, failing: dict[str, tuple[str, ...]]) -> StoredFigure:
    return StoredFigure(
        report_id=r.report_id, agency=r.agency, year=r.year, table=r.tbl, row=r.row, col=r.col,
        value=figure_value(r.value_text), raw=r.raw or "", unit=r.unit, page=r.page, source=r.source,
        failing=failing.get(r.report_id, ()), uncertain=r.uncertain, split=_split_from_json(r.tbl, r.split),
    )


def _why(uncertain: Uncertain | None) -> str | None:
    return None if uncertain is None else uncertain.why


def _split_json(uncertain: Uncertain | None) -> str | None:
    """Values as text, so that decimals come back exact."""
    if uncertain is None or uncertain.split is None:
        return None
    split = uncertain.split
    return json.dumps({"cells": [list(cell) for cell in split.cells], "printed": split.printed,
                       "readings": [[None if v is None else str(v) for v in reading] for reading in split.readings]},
                      ensure_ascii=False)


def _split_from_json(table: str, text: str | None) -> SplitCandidates | None:
    if not text:
        return None
    data = json.loads(text)
    return SplitCandidates(table, tuple((row, col) for row, col in data["cells"]), data["printed"],
                           tuple(tuple(figure_value(v) for v in reading) for reading in data["readings"]))

