"""Typed records that leave the ingest package: a Report and its parts."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Number = int | Decimal
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
class Uncertain:
    table: str
    row: str
    col: str
    why: str


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
    table_spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Where each table with figures is printed in `text` (start, end)."""
    page_starts: list[int] = field(default_factory=list)
    """Offset in `text` where each page begins (PDF only)."""

    def page_at(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        return bisect.bisect_right(self.page_starts, offset)

    def figure(self, table: str, row: str, col: str) -> Figure | None:
        for candidate in self.figures:
            if (candidate.table, candidate.row, candidate.col) == (table, row, col):
                return candidate
        return None

    def failing_checks(self) -> list[Check]:
        return [check for check in self.checks if check.status == "fail"]
