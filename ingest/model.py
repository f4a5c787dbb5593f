"""Typed records that leave the ingest package: a Report and its parts."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Number = int | Decimal
READER_VERSION = 3
"""Raised whenever the same file reads into a different Report or index (2: run-together cells keep
their candidate splits; 3: prose inside a table's region is indexed as text). A stored report read
by an older version is read again when it is next ingested."""
CheckStatus = Literal["pass", "fail", "not_assessable"]


@dataclass(frozen=True)
class Page:
    """Text of one physical page (PDF) or of the whole document (other formats)."""

    number: int
    text: str


@dataclass(frozen=True)
class Section:
    n: int
    title: str
    text: str
    page: int | None
    start: int
    """Character offset of the section in the report's full text."""


@dataclass(frozen=True)
class Figure:
    table: str
    row: str
    col: str
    value: Number | None
    raw: str
    page: int | None
    unit: str | None = None


@dataclass(frozen=True)
class SplitCandidates:
    """Every reading of a run of cells whose digits ran together ("693665" for three cells), when
    the table's own 勾稽 rules could not choose one. Another year's report of the same agency may
    (spec rules 5-6); until then each of these cells is `Uncertain`."""

    table: str
    cells: tuple[tuple[str, str], ...]
    """(row, col) of each cell of the run, in printed order."""
    printed: str
    """The run as printed, digits together ("693665"; runs separated by a space)."""
    readings: tuple[tuple[Number | None, ...], ...]
    """Distinct candidate values of `cells`, one tuple per way to split `printed`."""


@dataclass(frozen=True)
class Uncertain:
    table: str
    row: str
    col: str
    why: str
    split: SplitCandidates | None = None
    """The candidate readings when the cell is uncertain only because its digits split several ways."""


TableRead = Literal["read", "partly_read", "unread"]
TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}


@dataclass(frozen=True)
class TableStatus:
    """How a table the report shows was read. `unread`: not one cell could be read (every cell is a
    null figure with an `Uncertain` entry) and `reason` says why; `partly_read`: some cells are
    uncertain; `read`: every cell has its printed value or is printed blank."""

    table: str
    status: TableRead
    reason: str = ""
    """Bilingual ("中文 / English"), empty when the table was read."""

    @property
    def name(self) -> str:
        return TABLE_NAMES.get(self.table, self.table)


@dataclass(frozen=True)
class Check:
    rule: str
    where: str
    status: CheckStatus
    detail: str


@dataclass
class Report:
    source: str
    title: str | None
    agency: str | None
    region: str | None
    year: int | None
    format: str
    text: str
    pages: list[Page]
    sections: list[Section] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    uncertain: list[Uncertain] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    tables: list[TableStatus] = field(default_factory=list)
    """One entry per table (t2, t3, t4) the report shows, in that order; none for a table it does not print."""
    table_spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Where each table with figures is printed in `text` (start, end)."""
    page_starts: list[int] = field(default_factory=list)
    """Offset in `text` where each page begins (PDF only)."""
    reader_version: int = READER_VERSION

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)

    def figure(self, table: str, row: str, col: str) -> Figure | None:
        for candidate in self.figures:
            if (candidate.table, candidate.row, candidate.col) == (table, row, col):
                return candidate
        return None

    def table_status(self, table: str) -> TableStatus | None:
        """None when the report does not print the table at all (e.g. pre-2019 reports)."""
        return next((status for status in self.tables if status.table == table), None)

    def failing_checks(self) -> list[Check]:
        return [check for check in self.checks if check.status == "fail"]
