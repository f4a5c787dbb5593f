"""What the staff workspace and the REST API read: reports, their tables and checks, figures
across agencies and years, and uploads. The UI goes through here, never to the stores."""

from __future__ import annotations

import re
import tempfile
from dataclasses import asdict
from pathlib import Path

from ingest.checks import COL_LABELS, T4_LABELS
from ingest.reader import SUFFIXES
from ingest.template import T2_2019, T2_2021, T2_COL_LABELS, T3_2019, T3_2021, T3_COLS, T4_COLS, T4_ROWS
from qa.crossyear import CrossYearChecks, CrossYearReader, summary
from qa.tools import FigureTools
from qa.vocabulary import Vocabulary
from vectorstore.figure_store import FigureStore, ReadAcross, StoredFigure
from vectorstore.indexer import Indexer


class Catalog:
    def __init__(self, store: FigureStore, indexer: Indexer, tools: FigureTools, vocabulary: Vocabulary,
                 upload_dir: Path) -> None:
        self.store = store
        self.indexer = indexer
        self.tools = tools
        self.vocabulary = vocabulary
        self.upload_dir = upload_dir
        self.across_years = CrossYearReader(store)

    def reports(self) -> list[dict]:
        return [_report_json(r) for r in self.store.reports()]

    def report(self, report_id: str) -> dict | None:
        found = [r for r in self.store.find(report_id) if r.status == "complete"]
        if len(found) != 1:
            return None
        stored = found[0]
        # Cells whose digits ran together show what the neighbouring years' reports decide, as answers do.
        cells = self.across_years.decide(self.store.report_figures(stored.id))
        return {
            **_report_json(stored),
            "sections": self.store.report_body(stored.id),
            "tables": tables_as_printed(cells, stored.format or "2021"),
            "figures": [_figure_json(cell) for cell in cells],
            "checks": self.store.report_checks(stored.id),
        }

    def figure_names(self) -> list[tuple[str, str]]:
        """(label, name) of every figure people can ask for, for pickers."""
        seen: dict[str, str] = {}
        for term in self.vocabulary.figures:
            seen.setdefault(term.name, term.label)
        return [(label, name) for name, label in seen.items()]

    def figures(self, figure: str, agencies: list[str] | None = None, years: list[int] | None = None,
                columns: list[str] | None = None) -> list[dict]:
        values = self.tools.across(figure, years or [], agencies, columns)
        rows = []
        for (agency, year), value in sorted(values.items(), key=lambda item: (item[0][0], item[0][1])):
            rows.append({
                "agency": agency, "year": year, "label": value.label,
                "value": None if value.value is None else float(value.value) if "." in str(value.value)
                else int(value.value),
                "unit": value.unit,
                "state": "uncertain" if value.unreadable else "blank" if value.value is None
                else "read_across" if value.read_across else "printed",
                "cells": [_figure_json(cell) for cell in value.cells + value.blank],
            })
        return rows

    def failing_checks(self) -> list[dict]:
        return self.store.report_checks(status="fail")

    def cross_year_checks(self, agency: str | None = None) -> list[dict]:
        """Rules 5-6 of the spec (t3.carry, t2.roll_forward) between consecutive stored years."""
        checks = CrossYearChecks(self.store)
        names = [agency] if agency else self.agencies()
        return [check.json() for name in names for check in checks.for_agency(name)]

    def agencies(self) -> list[str]:
        return sorted({name for name, _ in self.store.agencies()})

    def ingest_upload(self, filename: str, data: bytes) -> dict:
        """Store an uploaded file under the upload directory (never elsewhere) and ingest it."""
        safe = _safe_name(filename)
        if Path(safe).suffix.lower() not in SUFFIXES:
            return {"file": safe, "status": "failed", "reason": "不支持的文件类型（支持 PDF、HTML、DOCX、TXT、MD）"}
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=self.upload_dir, prefix=".upload-", delete=False) as handle:
            handle.write(data)
        target = self.upload_dir / safe
        try:
            Path(handle.name).replace(target)
        except OSError as error:  # never leave the temporary file behind
            Path(handle.name).unlink(missing_ok=True)
            return {"file": safe, "status": "failed",
                    "reason": f"无法保存文件 / cannot store the file: {error.strerror}"}
        outcome = self.indexer.ingest(target)
        return {"file": safe, **{k: v for k, v in asdict(outcome).items() if k != "path"}}


MAX_NAME_BYTES = 180
"""File systems allow 255 bytes a name; keep room for the suffix and the temporary prefix."""


def _safe_name(filename: str) -> str:
    """The file's own name only: no directories, no traversal, no hidden files, never too long to store."""
    name = Path(filename.replace("\\", "/")).name
    name = re.sub(r"[^\w\u4e00-\u9fff.\-（）()]+", "_", name).lstrip(".")
    stem, suffix = Path(name).stem, Path(name).suffix[:16]
    while len((stem + suffix).encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem + suffix) or "upload.txt"


def _report_json(r) -> dict:
    return {"id": r.id, "agency": r.agency, "region": r.region, "year": r.year, "format": r.format,
            "title": r.title, "source": Path(r.source).name, "chunks": r.chunks, "failing_checks": r.failing_checks}


def _figure_json(cell: StoredFigure) -> dict:
    value = cell.value
    return {"agency": cell.agency, "year": cell.year, "table": cell.table, "row": cell.row, "col": cell.col,
            "value": None if value is None else (int(value) if value == int(value) else float(value)),
            "raw": cell.raw, "page": cell.page, "unit": cell.unit, "uncertain": cell.uncertain,
            "read_across": None if cell.read_across is None else _read_across_json(cell.read_across)}


def _read_across_json(reading: ReadAcross) -> dict:
    """How a cell of run-together digits was split with other years' reports: `summary` for a table cell,
    `note` as answers say it (with the arithmetic)."""
    return {"printed": reading.printed, "rules": list(reading.rules), "years": list(reading.years),
            "sources": list(dict.fromkeys(Path(cell.source).name for cell in reading.supporting)),
            "summary": summary(reading), "note": reading.note}


def tables_as_printed(cells: list[StoredFigure], fmt: str) -> dict[str, dict]:
    """The three tables as rows of printed cells, with labels, for a viewer to lay out."""
    by_key = {(c.table, c.row, c.col): c for c in cells}
    tables: dict[str, dict] = {}
    t2_specs = T2_2021 if fmt == "2021" else T2_2019
    if any(c.table == "t2" for c in cells):
        tables["t2"] = {"title": "表二 主动公开政府信息情况", "rows": [
            {"label": spec.label, "cells": [_cell(by_key.get(("t2", spec.key, col)), T2_COL_LABELS.get(col, col))
                                            for col in spec.cols]} for spec in t2_specs]}
    if any(c.table == "t3" for c in cells):
        specs = T3_2019 if ("t3", "other", "total") in by_key else T3_2021
        tables["t3"] = {"title": "表三 收到和处理政府信息公开申请情况",
                        "columns": [COL_LABELS[col] for col in T3_COLS],
                        "rows": [_row(by_key, "t3", spec.key, spec.label, T3_COLS) for spec in specs]}
    if any(c.table == "t4" for c in cells):
        tables["t4"] = {"title": "表四 政府信息公开行政复议、行政诉讼情况",
                        "columns": [COL_LABELS[col] for col in T4_COLS],
                        "rows": [_row(by_key, "t4", row, T4_LABELS[row], T4_COLS) for row in T4_ROWS]}
    return tables


def _row(by_key: dict, table: str, row: str, label: str, cols) -> dict:
    return {"label": label, "cells": [_cell(by_key.get((table, row, col)), COL_LABELS[col]) for col in cols]}


def _cell(cell: StoredFigure | None, column: str) -> dict:
    if cell is None:
        return {"column": column, "text": "—", "state": "absent"}
    if cell.read_across is not None:
        return {"column": column, "text": str(cell.value), "state": "read_across", "page": cell.page,
                "why": f"跨年度读出：{summary(cell.read_across)}"}
    if cell.uncertain:
        return {"column": column, "text": "?", "state": "uncertain", "why": cell.uncertain}
    if cell.value is None:
        return {"column": column, "text": cell.raw or "", "state": "blank"}
    return {"column": column, "text": cell.raw or str(cell.value), "state": "printed", "page": cell.page}
