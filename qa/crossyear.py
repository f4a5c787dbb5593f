"""Cross-year 勾稽 checks (spec rules 5 and 6), computed from the stored figures of two years of
the same agency: warnings, never errors, and `not_assessable` when an operand is blank.

- t3.carry: 上年结转 of year N = 结转下年度 of year N-1, per column.
- t2.roll_forward (2021 format): 现行有效 of N = 现行有效 of N-1 + 本年制发 of N - 本年废止 of N."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.template import T3_COLS
from qa.tools import FigureValue
from vectorstore.figure_store import FigureStore

_STATUS = {"pass": "一致", "fail": "不一致", "not_assessable": "无法核对（有空白）"}


@dataclass(frozen=True)
class CrossYearCheck:
    rule: str
    agency: str
    year: int
    where: str
    status: str
    detail: str

    def json(self) -> dict:
        return {"rule": self.rule, "agency": self.agency, "year": self.year, "where": self.where,
                "status": self.status, "detail": self.detail}

    def line(self) -> str:
        if self.rule == "t3.carry":
            return (f"{self.year}年上年结转与{self.year - 1}年结转下年度（{self.where}）"
                    f"{_STATUS[self.status]}：{self.detail}")
        return f"{self.year}年现行有效{self.where}与上年滚动推算{_STATUS[self.status]}：{self.detail}"


class CrossYearChecks:
    def __init__(self, store: FigureStore) -> None:
        self.store = store

    def for_agency(self, agency: str) -> list[CrossYearCheck]:
        """Every check between consecutive years both stored for the agency."""
        years = self.store.years_of(agency)
        checks: list[CrossYearCheck] = []
        for year in years:
            if year - 1 in years:
                checks += self.carry(agency, year, T3_COLS)
                checks += self.roll_forward(agency, year)
        return checks

    def lines_for(self, values: list[FigureValue]) -> list[str]:
        """Checks touching the cells an answer used (上年结转, 结转下年度, 现行有效)."""
        lines: list[str] = []
        seen: set[tuple] = set()
        for value in values:
            for cell in value.cells + value.blank:
                found: list[CrossYearCheck] = []
                if (cell.table, cell.row) == ("t3", "carried_over"):
                    found = self.carry(cell.agency, cell.year, (cell.col,))
                elif (cell.table, cell.row) == ("t3", "carried_forward"):
                    found = self.carry(cell.agency, cell.year + 1, (cell.col,))
                elif cell.table == "t2" and cell.col == "in_force":
                    found = [c for c in self.roll_forward(cell.agency, cell.year) if c.where == _T2_NAMES[cell.row]]
                for check in found:
                    key = (check.rule, check.agency, check.year, check.where)
                    if key not in seen:
                        seen.add(key)
                        lines.append(check.line())
        return lines

    def carry(self, agency: str, year: int, cols) -> list[CrossYearCheck]:
        checks = []
        for col in cols:
            now = self._cell("t3", "carried_over", col, agency, year)
            before = self._cell("t3", "carried_forward", col, agency, year - 1)
            if now is None or before is None:
                continue
            status, detail = _compare(now.value, before.value, f"{_shown(now.value)} 对 {_shown(before.value)}")
            checks.append(CrossYearCheck("t3.carry", agency, year, _COL_NAMES.get(col, col), status, detail))
        return checks

    def roll_forward(self, agency: str, year: int) -> list[CrossYearCheck]:
        checks = []
        for row, name in _T2_NAMES.items():
            now = self._cell("t2", row, "in_force", agency, year)
            before = self._cell("t2", row, "in_force", agency, year - 1)
            issued = self._cell("t2", row, "issued", agency, year)
            repealed = self._cell("t2", row, "repealed", agency, year)
            if None in (now, before, issued, repealed):
                continue
            operands = (now.value, before.value, issued.value, repealed.value)
            if any(v is None for v in operands):
                checks.append(CrossYearCheck("t2.roll_forward", agency, year, name, "not_assessable", "有空白单元格"))
                continue
            expected = before.value + issued.value - repealed.value
            status = "pass" if expected == now.value else "fail"
            detail = (f"{_shown(before.value)} + {_shown(issued.value)} - {_shown(repealed.value)} = "
                      f"{_shown(expected)}，报告为 {_shown(now.value)}")
            checks.append(CrossYearCheck("t2.roll_forward", agency, year, name, status, detail))
        return checks

    def _cell(self, table: str, row: str, col: str, agency: str, year: int):
        found = self.store.cells(table, row, col, [agency], [year])
        return found[0] if found else None


_T2_NAMES = {"rules": "（规章）", "normative": "（行政规范性文件）"}
_COL_NAMES = {"total": "总计", "natural_person": "自然人", "commercial": "商业企业", "research": "科研机构",
              "social_org": "社会公益组织", "legal_service": "法律服务机构", "other_org": "其他"}


def _compare(now, before, detail: str) -> tuple[str, str]:
    if now is None or before is None:
        return "not_assessable", detail
    return ("pass" if now == before else "fail"), detail


def _shown(value) -> str:
    return "空白" if value is None else str(value)
