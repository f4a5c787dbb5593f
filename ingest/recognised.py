"""Figures read by OCR are believed only where the table's 勾稽 rules let them.

In a born-digital report a broken rule is the agency's own printing, reported as a failed check.
On a recognised (scanned) page it may just as well be a digit the recogniser misread with
confidence (8 for 3, 6 for 5), and which cell is wrong cannot be told. So every cell of a broken
rule that was read from a recognised page becomes `uncertain` instead of a possibly wrong number.
Likewise a row of table 三 or 四 that came out with no value at all: in a text layer that is a row
printed blank, on a scan the recogniser may have lost or misplaced its digits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ingest import template
from ingest.checks import run_checks
from ingest.model import Check, Figure, TableStatus, Uncertain

WHY = "扫描件识别出的数字不符合勾稽关系，可能识别有误 / recognised digits break a consistency rule (possible OCR error)"
EMPTY_ROW = "扫描件中这一行没有识别出任何数字 / no digit was recognised in this row of a scan"
_BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")


def distrust_broken_rules(
    figures: list[Figure], uncertain: list[Uncertain], tables: list[TableStatus], recognised_pages: frozenset[int]
) -> tuple[list[Figure], list[Uncertain], list[Check], list[TableStatus]]:
    """Figures, uncertain entries, checks and table statuses once the suspect cells are withdrawn."""
    checks = run_checks(figures)
    suspects = {
        key
        for check in checks
        if check.status == "fail"
        for key in _cells_of(check, figures)
        if _page_of(figures, key) in recognised_pages
    }
    already = {(entry.table, entry.row, entry.col) for entry in uncertain}
    empty = _empty_rows(figures, recognised_pages) - already
    if not suspects and not empty:
        return figures, uncertain, checks, tables
    kept = [replace(figure, value=None, raw="") if (figure.table, figure.row, figure.col) in suspects else figure
            for figure in figures]
    doubts = uncertain + [Uncertain(*key, WHY) for key in sorted(suspects - already)]
    doubts += [Uncertain(*key, EMPTY_ROW) for key in sorted(empty - suspects)]
    return kept, doubts, run_checks(kept), _statuses(tables, kept, doubts)


def _cells_of(check: Check, figures: Sequence[Figure]) -> set[tuple[str, str, str]]:
    t3_rows = [figure.row for figure in figures if figure.table == "t3" and figure.col == "total"]
    if check.rule == "t3.balance":
        return {("t3", row, check.where) for row in _BALANCE_ROWS}
    if check.rule == "t3.results_sum":
        results = [row for row in t3_rows if row not in _BALANCE_ROWS]
        return {("t3", row, check.where) for row in [*results, "total_processed"]}
    if check.rule == "t3.row_sum":
        return {("t3", check.where, col) for col in template.T3_COLS}
    if check.rule == "t4.row_sum":
        return {("t4", check.where, col) for col in template.T4_COLS}
    return set()


def _empty_rows(figures: Sequence[Figure], recognised_pages: frozenset[int]) -> set[tuple[str, str, str]]:
    rows: dict[tuple[str, str], list[Figure]] = {}
    for figure in figures:
        if figure.table in ("t3", "t4"):
            rows.setdefault((figure.table, figure.row), []).append(figure)
    return {
        (figure.table, figure.row, figure.col)
        for cells in rows.values()
        if all(cell.raw == "" and cell.page in recognised_pages for cell in cells)
        for figure in cells
    }


def _page_of(figures: Sequence[Figure], key: tuple[str, str, str]) -> int | None:
    return next((figure.page for figure in figures if (figure.table, figure.row, figure.col) == key), None)


def _statuses(tables: list[TableStatus], figures: list[Figure], uncertain: list[Uncertain]) -> list[TableStatus]:
    statuses = []
    for status in tables:
        cells = sum(1 for figure in figures if figure.table == status.table)
        doubts = sum(1 for entry in uncertain if entry.table == status.table)
        if status.status == "unread" or not doubts:
            statuses.append(status)
        elif doubts >= cells:
            statuses.append(TableStatus(status.table, "unread", WHY))
        else:
            statuses.append(TableStatus(status.table, "partly_read"))
    return statuses
