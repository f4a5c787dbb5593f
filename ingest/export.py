"""The `nianbao extract` contract: a Report as the JSON object of the spec, and as a readable summary."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ingest import template
from ingest.checks import COL_LABELS, ROW_LABELS, T4_LABELS
from ingest.model import Figure, Report, Uncertain


def report_to_json(report: Report) -> dict[str, Any]:
    return {
        "source": report.source,
        "agency": report.agency,
        "region": report.region,
        "year": report.year,
        "format": report.format,
        "title": report.title,
        "sections": [{"n": s.n, "title": s.title, "page": s.page} for s in report.sections],
        "figures": [_figure_json(figure) for figure in report.figures],
        "checks": [{"rule": c.rule, "where": c.where, "status": c.status, "detail": c.detail} for c in report.checks],
        "uncertain": [_uncertain_json(u) for u in report.uncertain],
        "tables": [{"table": t.table, "status": t.status, "reason": t.reason} for t in report.tables],
    }


def _uncertain_json(uncertain: Uncertain) -> dict[str, Any]:
    """An unread cell; one whose digits ran together also lists its run and every candidate value
    of this cell, which another year's report may decide (`qa.crossyear`)."""
    entry: dict[str, Any] = {"table": uncertain.table, "row": uncertain.row, "col": uncertain.col,
                             "why": uncertain.why}
    split = uncertain.split
    if split is not None:
        position = split.cells.index((uncertain.row, uncertain.col))
        entry["printed"] = split.printed
        entry["candidates"] = sorted({_plain(reading[position]) for reading in split.readings
                                      if reading[position] is not None})
    return entry


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def _figure_json(figure: Figure) -> dict[str, Any]:
    value = _plain(figure.value)
    entry = {"table": figure.table, "row": figure.row, "col": figure.col, "value": value, "raw": figure.raw,
             "page": figure.page}
    if figure.unit:
        entry["unit"] = figure.unit
    return entry


def report_summary(report: Report) -> str:
    lines = [
        f"文件 source: {report.source}",
        f"标题 title: {report.title or '（未识别）'}",
        f"发布机关 agency: {report.agency or '（未识别）'}    地区 region: {report.region or '（未识别）'}",
        f"年度 year: {report.year or '（未识别）'}    格式 format: {report.format}",
        "",
        "章节 sections:",
    ]
    lines += [f"  {s.title}" + (f"  (第{s.page}页)" if s.page else "") for s in report.sections] or ["  （无）"]
    unread = {status.table: status for status in report.tables if status.status == "unread"}
    if unread:
        lines.append("")
        lines += [f"{status.name}：无法读取（{_chinese(status.reason)}）" for status in unread.values()]
    cells = {(f.table, f.row, f.col): f for f in report.figures if f.table not in unread}
    doubtful = {(u.table, u.row, u.col) for u in report.uncertain}
    if any(table == "t2" for table, _, _ in cells):
        lines += ["", "表二 主动公开政府信息情况:"]
        specs = template.T2_2021 if report.format == "2021" else template.T2_2019
        for spec in specs:
            values = [_shown(cells.get(("t2", spec.key, col)), doubtful) for col in spec.cols]
            lines.append(f"  {spec.label:<12}" + "".join(f"{v:>12}" for v in values))
    if any(table == "t3" for table, _, _ in cells):
        lines += ["", "表三 收到和处理政府信息公开申请情况:"]
        header = "".join(f"{COL_LABELS[col]:>8}" for col in template.T3_COLS)
        lines.append(f"  {'':<30}{header}")
        rows = [spec for spec in template.T3_2021 + template.T3_OTHER_2019 if ("t3", spec.key, "total") in cells]
        order = {spec.key: n for n, spec in enumerate(template.T3_2019 if any(s.key == "other" for s in rows)
                                                       else template.T3_2021)}
        for spec in sorted(rows, key=lambda s: order.get(s.key, 99)):
            label = spec.label[-14:]
            values = "".join(f"{_shown(cells.get(('t3', spec.key, col)), doubtful):>10}" for col in template.T3_COLS)
            lines.append(f"  {label:<30}{values}")
    if any(table == "t4" for table, _, _ in cells):
        lines += ["", "表四 行政复议、行政诉讼情况:"]
        lines.append(f"  {'':<16}" + "".join(f"{COL_LABELS[col]:>10}" for col in template.T4_COLS))
        for row in template.T4_ROWS:
            values = "".join(f"{_shown(cells.get(('t4', row, col)), doubtful):>12}" for col in template.T4_COLS)
            lines.append(f"  {T4_LABELS[row]:<16}{values}")
    failing = report.failing_checks()
    lines += ["", f"勾稽检查 checks: {len(report.checks)} 项，未通过 {len(failing)} 项"]
    lines += [f"  ✗ {c.rule} [{_where(c.where)}] {c.detail}" for c in failing]
    if report.uncertain:
        lines += ["", f"无法确定的单元格 uncertain cells: {len(report.uncertain)}"]
        lines += [f"  ? {u.table}.{u.row}.{u.col}: {u.why}" for u in report.uncertain[:20]]
    return "\n".join(lines)


def _shown(figure: Figure | None, doubtful: set[tuple[str, str, str]]) -> str:
    if figure is None:
        return "—"
    if (figure.table, figure.row, figure.col) in doubtful:
        return "？"
    return "（空）" if figure.value is None else str(figure.value)


def _chinese(reason: str) -> str:
    """The Chinese half of a bilingual "中文 / English" reason (several reasons joined by ；)."""
    return "；".join(part.split(" / ")[0].strip() for part in reason.split("；")) or "原因不明"


def _where(where: str) -> str:
    return COL_LABELS.get(where) or T4_LABELS.get(where) or ROW_LABELS.get(where) or where
