"""The 勾稽 rules of the spec over one report's figures (rules 1-4; 5-6 need two years)."""

from __future__ import annotations

from collections.abc import Sequence

from ingest import template
from ingest.model import Check, Figure, Number

ROW_LABELS = {spec.key: spec.label for spec in template.T3_2021 + template.T3_OTHER_2019}
COL_LABELS = {
    "natural_person": "自然人", "commercial": "商业企业", "research": "科研机构", "social_org": "社会公益组织",
    "legal_service": "法律服务机构", "other_org": "其他", "total": "总计",
    "upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结",
}
T4_LABELS = {"review": "行政复议", "suit_direct": "未经复议直接起诉", "suit_after_review": "复议后起诉"}


def run_checks(figures: Sequence[Figure]) -> list[Check]:
    cells = {(figure.table, figure.row, figure.col): figure.value for figure in figures}
    t3_rows = {row for table, row, _ in cells if table == "t3"}
    checks: list[Check] = []
    if t3_rows:
        result_rows = template.T3_RESULT_ROWS_2019 if "other" in t3_rows else template.T3_RESULT_ROWS_2021
        for col in template.T3_COLS:
            checks.append(_balance(cells, col))
            checks.append(_results_sum(cells, col, result_rows))
        for row in [spec.key for spec in template.T3_2021 + template.T3_OTHER_2019 if spec.key in t3_rows]:
            checks.append(_sum_rule("t3.row_sum", row, cells, "t3", row, template.T3_COLS))
    if any(table == "t4" for table, _, _ in cells):
        for row in template.T4_ROWS:
            checks.append(_sum_rule("t4.row_sum", row, cells, "t4", row, template.T4_COLS))
    return checks


def _balance(cells: dict, col: str) -> Check:
    names = ("new_received", "carried_over", "total_processed", "carried_forward")
    a, b, c, d = (cells.get(("t3", row, col)) for row in names)
    if None in (a, b, c, d):
        return Check("t3.balance", col, "not_assessable", _missing(col, names, (a, b, c, d)))
    status = "pass" if a + b == c + d else "fail"
    relation = "=" if status == "pass" else "≠"
    return Check("t3.balance", col, status, f"{_n(a)} + {_n(b)} {relation} {_n(c)} + {_n(d)}")


def _results_sum(cells: dict, col: str, result_rows: Sequence[str]) -> Check:
    total = cells.get(("t3", "total_processed", col))
    parts = [cells.get(("t3", row, col)) for row in result_rows]
    if total is None or None in parts:
        return Check("t3.results_sum", col, "not_assessable", _missing(col, ("total_processed", *result_rows),
                                                                       (total, *parts)))
    added = sum(parts)
    status = "pass" if added == total else "fail"
    shown = " + ".join(_n(part) for part in parts if part) or "0"
    return Check("t3.results_sum", col, status, f"{shown} = {_n(added)} {'=' if status == 'pass' else '≠'} "
                                                 f"总计 {_n(total)}")


def _sum_rule(rule: str, where: str, cells: dict, table: str, row: str, cols: Sequence[str]) -> Check:
    values = [cells.get((table, row, col)) for col in cols]
    if None in values:
        return Check(rule, where, "not_assessable", _missing(row, [f"{row}.{col}" for col in cols], values))
    added = sum(values[:-1])
    status = "pass" if added == values[-1] else "fail"
    parts = " + ".join(_n(value) for value in values[:-1])
    return Check(rule, where, status, f"{parts} = {_n(added)} {'=' if status == 'pass' else '≠'} "
                                      f"总计 {_n(values[-1])}")


def _missing(where: str, names: Sequence[str], values: Sequence[Number | None]) -> str:
    blank = [name for name, value in zip(names, values, strict=True) if value is None]
    return f"{where}: 空白或无法确定 / blank or uncertain: {', '.join(blank)}"


def _n(value: Number) -> str:
    return str(value)
