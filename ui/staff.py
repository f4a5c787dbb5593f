"""The staff workspace (Gradio, at `/staff`): search, report viewer, figure explorer, 勾稽 audit, upload."""

from __future__ import annotations

import csv
import html
import re
import secrets
import tempfile
from pathlib import Path

import gradio as gr

from qa.search import SearchRequest

SECTIONS = [("全部", 0), ("一、总体情况", 1), ("二、主动公开", 2), ("三、依申请公开", 3), ("四、复议诉讼", 4),
            ("五、问题及改进", 5), ("六、其他事项", 6)]
CSS = """
.nb-hit{border-bottom:1px solid #d0d7de;padding:8px 0}
.nb-hit mark{background:#fff3b0}
.nb-table{border-collapse:collapse;margin:8px 0;font-size:0.9em}
.nb-table td,.nb-table th{border:1px solid #8c959f;padding:2px 6px;text-align:right}
.nb-table td:first-child{text-align:left}
.nb-uncertain{background:#ffe0e0}
.nb-fail{color:#b42318;font-weight:600}
"""


def highlight(text: str, query: str) -> str:
    """Escaped text with the query's words marked."""
    escaped = html.escape(text)
    words = sorted({w for w in re.split(r"[\s，。？?、]+", query) if len(w) >= 2}, key=len, reverse=True)
    for word in words[:8]:
        escaped = escaped.replace(html.escape(word), f"<mark>{html.escape(word)}</mark>")
    return escaped


def report_html(report: dict) -> str:
    about = f"{report['agency'] or ''} · {report['year']}年 · 格式 {report['format'] or ''} · {report['source']}"
    parts = [f"<h2>{html.escape(report['title'] or '')}</h2>", f"<p>{html.escape(about)}</p>"]
    failing = [c for c in report["checks"] if c["status"] == "fail"]
    if failing:
        parts.append("<p class='nb-fail'>勾稽检查未通过：" + "；".join(
            html.escape(f"{c['rule']}[{c['where']}] {c['detail']}") for c in failing) + "</p>")
    for table in report["tables"].values():
        parts.append(_table_html(table))
    for section in report["sections"]:
        page = f"（第{section['page']}页）" if section.get("page") else ""
        parts.append(f"<h3>{html.escape(section['title'])}{page}</h3>")
        parts.append("<p>" + html.escape(section["text"]).replace("\n", "<br>") + "</p>")
    return "\n".join(parts)


def _table_html(table: dict) -> str:
    rows = [f"<caption>{html.escape(table['title'])}</caption>"]
    if table.get("columns"):
        rows.append("<tr><th></th>" + "".join(f"<th>{html.escape(c)}</th>" for c in table["columns"]) + "</tr>")
    for row in table["rows"]:
        cells = []
        for cell in row["cells"]:
            klass = " class='nb-uncertain'" if cell["state"] == "uncertain" else ""
            title = f" title='{html.escape(cell.get('why', ''))}'" if cell.get("why") else ""
            label = "" if table.get("columns") else f"{html.escape(cell['column'])} "
            cells.append(f"<td{klass}{title}>{label}{html.escape(cell['text'])}</td>")
        rows.append(f"<tr><td>{html.escape(row['label'])}</td>{''.join(cells)}</tr>")
    return "<table class='nb-table'>" + "".join(rows) + "</table>"


def staff_blocks(container) -> gr.Blocks:
    catalog = container.catalog

    def run_search(query, agency, region, year_from, year_to, section):
        if not query.strip():
            return "<p>请输入检索词。</p>"
        request = SearchRequest(query=query, agency=agency or None, region=region or None,
                                year_from=int(year_from) if year_from else None,
                                year_to=int(year_to) if year_to else None, section=section or None, top_k=10)
        hits = container.search.search(request)
        if not hits:
            return "<p>没有找到相关内容。</p>"
        return "".join(
            f"<div class='nb-hit'><b>{html.escape(h.chunk.agency)} {h.chunk.year}年 · "
            f"{html.escape(h.chunk.section_title)}</b>{f' · 第{h.chunk.page}页' if h.chunk.page else ''}"
            f"<br>{highlight(h.chunk.text, query)}</div>" for h in hits)

    def report_choices():
        return [(f"{r['agency']} {r['year']}年（{r['source']}）", r["id"]) for r in catalog.reports()]

    def show_report(report_id):
        report = catalog.report(report_id) if report_id else None
        return report_html(report) if report else "<p>请选择一份年报。</p>"

    def explore(figure, agencies, year_from, year_to):
        years = list(range(int(year_from), int(year_to) + 1)) if year_from and year_to else []
        rows = catalog.figures(figure, agencies or None, years)
        table = [[r["agency"], r["year"], r["value"] if r["state"] == "printed" else
                  ("无法可靠读出" if r["state"] == "uncertain" else "未填报"), r["unit"]] for r in rows]
        plot = [{"年度": str(r["year"]), "数值": r["value"], "单位名称": r["agency"]}
                for r in rows if r["state"] == "printed"]
        import pandas as pd

        label = dict((name, label) for label, name in catalog.figure_names()).get(figure, figure)
        paths = _exports(table, label)
        return (pd.DataFrame(table, columns=["发布机关", "年度", label, "单位"]),
                pd.DataFrame(plot, columns=["年度", "数值", "单位名称"]), paths[0], paths[1])

    def audit():
        import pandas as pd

        rows = [[c["agency"], c["year"], c["rule"], c["where"], c["detail"], c["source"]]
                for c in catalog.failing_checks()]
        return pd.DataFrame(rows, columns=["发布机关", "年度", "规则", "位置", "数字", "来源文件"])

    def upload(token, files, progress=gr.Progress()):
        expected = container.settings.admin_token
        if not expected or not secrets.compare_digest((token or "").encode(), expected.encode()):
            return "<p class='nb-fail'>需要正确的管理员令牌才能上传。</p>"
        results = []
        for path in progress.tqdm(files or [], desc="入库"):
            data = Path(path).read_bytes()
            results.append(catalog.ingest_upload(Path(path).name, data))
        lines = "".join(f"<li>{html.escape(r['file'])}：{html.escape(r['status'])} "
                        f"{html.escape(r.get('reason') or '')}</li>" for r in results)
        return f"<ul>{lines}</ul>"

    with gr.Blocks(title="年报问答 · 工作台") as blocks:
        gr.Markdown("# 年报问答 · 工作人员工作台")
        with gr.Tab("检索"):
            with gr.Row():
                query = gr.Textbox(label="检索词", elem_id="nb-query")
                agency = gr.Dropdown(choices=[("全部单位", ""), *[(a, a) for a in catalog.agencies()]], value="",
                                     label="发布机关", allow_custom_value=True, elem_id="nb-agency")
                region = gr.Textbox(label="地区", elem_id="nb-region")
            with gr.Row():
                year_from = gr.Number(label="起始年度", precision=0, elem_id="nb-year-from")
                year_to = gr.Number(label="截止年度", precision=0, elem_id="nb-year-to")
                section = gr.Dropdown(choices=SECTIONS, value=0, label="部分")
                search_button = gr.Button("检索", variant="primary", elem_id="nb-search")
            results = gr.HTML(elem_id="nb-results")
            search_button.click(run_search, [query, agency, region, year_from, year_to, section], results)
        with gr.Tab("年报"):
            report_id = gr.Dropdown(choices=report_choices(), label="选择年报", elem_id="nb-report")
            report_view = gr.HTML(elem_id="nb-report-view")
            report_id.change(show_report, report_id, report_view)
        with gr.Tab("数字"):
            with gr.Row():
                figure = gr.Dropdown(choices=catalog.figure_names(), value="new_received", label="数字",
                                     elem_id="nb-figure")
                figure_agencies = gr.Dropdown(choices=catalog.agencies(), value=[], multiselect=True,
                                              label="发布机关（可多选）")
                figure_from = gr.Number(label="起始年度", precision=0)
                figure_to = gr.Number(label="截止年度", precision=0)
                explore_button = gr.Button("查询", variant="primary", elem_id="nb-explore")
            figure_table = gr.Dataframe(label="数字表", elem_id="nb-figure-table")
            figure_plot = gr.BarPlot(x="年度", y="数值", color="单位名称", label="按年度")
            with gr.Row():
                csv_file = gr.File(label="导出 CSV", elem_id="nb-csv")
                xlsx_file = gr.File(label="导出 XLSX", elem_id="nb-xlsx")
            explore_button.click(explore, [figure, figure_agencies, figure_from, figure_to],
                                 [figure_table, figure_plot, csv_file, xlsx_file])
        with gr.Tab("勾稽核对"):
            audit_button = gr.Button("列出未通过勾稽检查的年报", elem_id="nb-audit")
            audit_table = gr.Dataframe(elem_id="nb-audit-table")
            audit_button.click(audit, None, audit_table)
        with gr.Tab("上传"):
            token = gr.Textbox(label="管理员令牌", type="password")
            files = gr.File(file_count="multiple", label="年报文件（PDF、HTML、DOCX、TXT、MD）")
            upload_button = gr.Button("上传并入库")
            upload_result = gr.HTML()
            upload_button.click(upload, [token, files], upload_result)
    return blocks


def _exports(rows: list[list], label: str) -> tuple[str, str]:
    folder = Path(tempfile.mkdtemp(prefix="nianbao-export-"))
    header = ["发布机关", "年度", label, "单位"]
    csv_path = folder / "figures.csv"
    with open(csv_path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    xlsx_path = folder / "figures.xlsx"
    workbook.save(xlsx_path)
    return str(csv_path), str(xlsx_path)
