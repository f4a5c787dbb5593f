"""Ingestion into every store, atomically per report and idempotently by content hash.

The figure store doubles as the journal: a report is written there as `pending` first, then to
Chroma and the BM25 tables, then its figures and the `complete` mark go in one transaction. A
crash at any point leaves a `pending` row (or nothing), and `repair()` removes every trace of
unfinished reports from all stores, so the next run ingests them again from scratch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ingest.errors import UnreadableReport
from ingest.model import READER_VERSION
from ingest.reader import page_images, read_report
from vectorstore.chroma_index import ChromaIndex
from vectorstore.chunking import Chunker
from vectorstore.embedding import Embedder
from vectorstore.figure_store import FigureStore, StoredReport
from vectorstore.lexical import LexicalIndex

Status = Literal["ingested", "unchanged", "replaced", "failed"]
StageListener = Callable[[str, str | None], None]


def _content(path: Path, max_bytes: int) -> bytes:
    """The bytes that identify a report: the file's, or a page folder's pages in order; empty past the size
    limit (the reader then refuses the file with its reason)."""
    files = (page_images(path) or []) if path.is_dir() else [path]
    if sum(file.stat().st_size for file in files) > max_bytes:
        return b""
    return b"".join(file.read_bytes() for file in files)


OCR_STAGE = "ocr:"
"""Stage prefix while scanned pages are recognised: `ocr:3/10`."""


def _ignore(_stage: str, _report_id: str | None) -> None:
    pass


@dataclass(frozen=True)
class IngestOutcome:
    path: str
    status: Status
    report_id: str | None = None
    agency: str | None = None
    year: int | None = None
    chunks: int = 0
    reason: str = ""


class Indexer:
    def __init__(
        self,
        store: FigureStore,
        vectors: ChromaIndex,
        lexical: LexicalIndex,
        embedder: Embedder,
        chunker: Chunker,
        max_bytes: int,
        non_reports: str = "refuse",
        ocr: bool = True,
    ) -> None:
        self.store = store
        self.vectors = vectors
        self.lexical = lexical
        self.embedder = embedder
        self.chunker = chunker
        self.max_bytes = max_bytes
        self.non_reports = non_reports
        self.ocr = ocr

    def repair(self, live: Callable[[], set[str]] = set) -> int:
        """Remove unfinished reports and orphans from every store; returns how many were removed.

        `live()`: reports that a running job is writing right now (in another process, say); it is
        asked after the journal is read, and a job names its report before writing any store, so
        every pending row seen here is either named by `live()` or abandoned. Chroma and BM25 are
        read before the journal, so that a report begun meanwhile is not taken for an orphan.
        """
        held = self.vectors.report_ids() | self.lexical.report_ids()
        pending = [report.id for report in self.store.reports(status="pending")]
        journalled = {report.id for report in self.store.reports(status=None) if report.status != "superseded"}
        keep = live()
        abandoned = [report_id for report_id in pending if report_id not in keep]
        for report_id in abandoned:
            self._erase(report_id)
        orphans = held - journalled - keep
        for orphan in orphans:
            self.vectors.delete_report(orphan)
            self.lexical.delete_report(orphan)
        return len(abandoned) + len(orphans)

    def erase_unfinished(self, report_id: str) -> bool:
        """Erase a report whose ingestion died, if it is still pending; a complete one stays."""
        if any(r.id == report_id for r in self.store.reports(status="pending")):
            self._erase(report_id)
            return True
        return False

    def ingest(self, path: Path, on_stage: StageListener = _ignore) -> IngestOutcome:
        """`on_stage(stage, report_id)` hears each step (`ocr:3/10` before each recognised page); it hears
        the report id before any store is written, so that whoever follows the job can erase an unfinished
        report."""
        source = str(path.resolve())
        try:
            data = _content(path, self.max_bytes)
        except OSError as error:
            return IngestOutcome(str(path), "failed", reason=f"无法打开 / cannot open: {error.strerror}")
        content_hash = hashlib.sha256(data).hexdigest()
        report_id = content_hash[:16]
        known = self.store.by_hash(content_hash) if data else None
        if known is not None and known.reader_version == READER_VERSION:
            same = "" if known.source == source else f"与 {Path(known.source).name} 内容相同 / same content as it"
            return IngestOutcome(str(path), "unchanged", known.id, known.agency, known.year, known.chunks, same)
        on_stage("reading", None)
        try:
            report = read_report(path, max_bytes=self.max_bytes, non_reports=self.non_reports, ocr=self.ocr,
                                 progress=lambda page, pages: on_stage(f"{OCR_STAGE}{page}/{pages}", None))
        except UnreadableReport as error:
            return IngestOutcome(str(path), "failed", reason=error.message)
        older = [stored for stored in self.store.by_source(source) if stored.id != report_id]
        chunks = self.chunker.chunks(report, report_id)
        on_stage("indexing", report_id)
        self.store.begin(report_id, source, content_hash, report)
        self.vectors.delete_report(report_id)
        self.lexical.delete_report(report_id)
        if chunks:
            self.vectors.add(chunks, self.embedder.embed_passages([chunk.indexed_text() for chunk in chunks]))
        self.lexical.add(report_id, chunks)
        on_stage("recording", report_id)
        self.store.complete(report_id, report, len(chunks))
        for stored in older:
            self._erase(stored.id)
        # Another version of the same agency's report for the same year: the newer one answers,
        # the older one stays in the figure store as history.
        versions = [stored for stored in self.store.reports()
                    if stored.id != report_id and report.agency and report.year
                    and (stored.agency, stored.year) == (report.agency, report.year)]
        for stored in versions:
            self.vectors.delete_report(stored.id)
            self.lexical.delete_report(stored.id)
            self.store.supersede(stored.id)
        # `known`: the same file, stored by an older reader, has just been read again.
        status: Status = "replaced" if older or versions or known else "ingested"
        return IngestOutcome(str(path), status, report_id, report.agency, report.year, len(chunks))

    def remove(self, report: StoredReport) -> None:
        self._erase(report.id)

    def _erase(self, report_id: str) -> None:
        # The journal row goes last: until then a crash leaves it for repair() to finish.
        self.vectors.delete_report(report_id)
        self.lexical.delete_report(report_id)
        self.store.remove(report_id)
