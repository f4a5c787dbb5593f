"""The staff workspace (Gradio, at `/staff`): search, report viewer, figure explorer, 勾稽 audit, upload."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import gradio as gr

from qa.search import SearchRequest
from ui.exports import figure_rows

SECTIONS = [("全部", 0), ("一、总体情况", 1), ("二、主动公开", 2), ("三、依申请公开", 3), ("四、复议诉讼", 4),
            ("五、问题及改进", 5), ("六、其他事项", 6)]
CSS = """
.nb-hit{border-bottom:1px solid #d0d7de;padding:8px 0}
.nb-hit mark{background:#fff3b0}
.nb-table{border-collapse:collapse;margin:8px 0;font-size:0.9em}
.nb-table td,.nb-table th{border:1px solid #8c959f;padding:2px 6px;text-align:right}
.nb-table td:first-child{text-align:left}
.nb-uncertain{background:#ffe0e0}
.nb-read-across{background:#e0efff}
.nb-read-across-notes{font-size:0.85em;color:#57606a}
.nb-fail{color:#b42318;font-weight:600}
.nb-upload{display:flex;flex-direction:column;gap:8px;max-width:640px}
"""
# Uploads go to the REST API (`POST /api/reports`), which checks the admin token before it reads a byte of
# the files. The token is sent once and never stored: Gradio would keep a component's value in the
# browser's run history, so the token field is plain HTML outside Gradio's state.
HEAD = r"""<script>
document.addEventListener("submit", async (event) => {
  const form = event.target.closest && event.target.closest("form.nb-upload");
  if (!form) return;
  event.preventDefault();
  const token = form.elements.token, chosen = form.elements.files, result = form.querySelector(".nb-upload-result");
  const body = new FormData();
  for (const file of chosen.files) body.append("files", file);
  result.textContent = "正在上传……";
  let reply;
  try {
    reply = await fetch("/api/reports", {method: "POST", body, headers: {Authorization: "Bearer " + token.value}});
  } catch (error) {
    result.textContent = "上传失败：无法连接服务器。";
    return;
  } finally {
    token.value = "";
  }
  const data = await reply.json().catch(() => ({}));
  if (!reply.ok) { result.textContent = "上传失败：" + (data.error || data.detail || reply.status); return; }
  result.replaceChildren(...(data.results || []).map((item) => {
    const line = document.createElement("li");
    line.textContent = `${item.file}：${STATES[item.status] || item.status} ${item.reason || ""}`;
    if (item.job) follow(item.file, item.job, line);
    return line;
  }));
});
// Each upload is a job that a worker ingests: its line follows the job until it is done or failed.
const STATES = {queued: "排队中", running: "处理中", ingested: "已入库", replaced: "已入库（替换旧版本）",
                unchanged: "内容未变化", failed: "失败", reading: "读取中", indexing: "建立索引中",
                recording: "写入数字中", recovering: "恢复中"};
async function follow(file, job, line) {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let state;
    try {
      state = await (await fetch("/api/jobs/" + encodeURIComponent(job))).json();
    } catch (error) {
      continue;
    }
    if (state.status === "done" || state.status === "failed") {
      const outcome = state.outcome || {};
      const what = STATES[outcome.status || state.status] || state.status;
      line.textContent = `${file}：${what} ${outcome.agency || ""}${outcome.year ? " " + outcome.year + "年" : ""} ` +
                         `${state.error || outcome.reason || ""}`;
      return;
    }
    const retry = state.attempts > 1 ? `（第 ${state.attempts} 次尝试）` : "";
    const scanning = /^ocr:(\d+)\/(\d+)$/.exec(state.stage || "");  // a scanned page being recognised
    const stage = scanning ? `文字识别中（第 ${scanning[1]}/${scanning[2]} 页）` : STATES[state.stage];
    line.textContent = `${file}：${stage || STATES[state.status] || state.status}${retry}`;
  }
}
</script>"""
UPLOAD_FORM = """<form class="nb-upload" autocomplete="off">
<label>管理员令牌 <input name="token" type="password" autocomplete="off" required></label>
<label>年报文件（PDF、HTML、DOCX、TXT、MD） <input name="files" type="file" multiple required></label>
<button type="submit">上传并入库</button>
<ul class="nb-upload-result" aria-live="polite"></ul>
</form>"""


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


READ_ACROSS_MARK = "※"
"""Marks a cell whose run-together digits the neighbouring year's report decided; its note is under the table."""


def _table_html(table: dict) -> str:
    rows = [f"<caption>{html.escape(table['title'])}</caption>"]
    notes = []
    if table.get("columns"):
        rows.append("<tr><th></th>" + "".join(f"<th>{html.escape(c)}</th>" for c in table["columns"]) + "</tr>")
    for row in table["rows"]:
        cells = []
        for cell in row["cells"]:
            klass = {"uncertain": " class='nb-uncertain'", "read_across": " class='nb-read-across'"}.get(
                cell["state"], "")
            title = f" title='{html.escape(cell.get('why', ''))}'" if cell.get("why") else ""
            label = "" if table.get("columns") else f"{html.escape(cell['column'])} "
            mark = READ_ACROSS_MARK if cell["state"] == "read_across" else ""
            if mark:
                notes.append(cell["why"])
            cells.append(f"<td{klass}{title}>{label}{html.escape(cell['text'])}{mark}</td>")
        rows.append(f"<tr><td>{html.escape(row['label'])}</td>{''.join(cells)}</tr>")
    shown = "<table class='nb-table'>" + "".join(rows) + "</table>"
    if notes:
        shown += "<ul class='nb-read-across-notes'>" + "".join(
            f"<li>{READ_ACROSS_MARK} {html.escape(note)}</li>" for note in dict.fromkeys(notes)) + "</ul>"
    return shown


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
        table = figure_rows(rows)
        plot = [{"年度": str(r["year"]), "数值": r["value"], "单位名称": r["agency"]}
                for r in rows if r["state"] in ("printed", "read_across")]
        import pandas as pd

        label = dict((name, label) for label, name in catalog.figure_names()).get(figure, figure)
        return (pd.DataFrame(table, columns=["发布机关", "年度", label, "单位"]),
                pd.DataFrame(plot, columns=["年度", "数值", "单位名称"]),
                export_links(figure, agencies or [], year_from, year_to))

    def audit():
        import pandas as pd

        rows = [[c["agency"], c["year"], c["rule"], c["where"], c["detail"], c["source"]]
                for c in catalog.failing_checks()]
        # Across two years of one agency (rules 5-6 of the spec): warnings, listed after the report's own.
        rows += [[c["agency"], c["year"], c["rule"], c["where"], c["detail"], "跨年度核对（警告）"]
                 for c in catalog.cross_year_checks() if c["status"] == "fail"]
        return pd.DataFrame(rows, columns=["发布机关", "年度", "规则", "位置", "数字", "来源文件"])

    def refresh_choices():
        agencies = catalog.agencies()
        return (gr.Dropdown(choices=[("全部单位", ""), *[(a, a) for a in agencies]]),
                gr.Dropdown(choices=report_choices()), gr.Dropdown(choices=agencies))

    with gr.Blocks(title="年报问答 · 工作台", analytics_enabled=False) as blocks:
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
            downloads = gr.HTML(elem_id="nb-exports")
            explore_button.click(explore, [figure, figure_agencies, figure_from, figure_to],
                                 [figure_table, figure_plot, downloads])
        with gr.Tab("勾稽核对"):
            audit_button = gr.Button("列出未通过勾稽检查的年报", elem_id="nb-audit")
            audit_table = gr.Dataframe(elem_id="nb-audit-table")
            audit_button.click(audit, None, audit_table)
        with gr.Tab("上传"):
            gr.HTML(UPLOAD_FORM, elem_id="nb-upload")
        # Reports uploaded since the page was built appear without a restart.
        blocks.load(refresh_choices, None, [agency, report_id, figure_agencies])
    return blocks


def export_links(figure: str, agencies: list[str], year_from, year_to) -> str:
    """Download links for the explorer's rows, served by the REST API (`/api/figures/export`)."""
    query: list[tuple[str, str]] = [("figure", figure), *[("agency", a) for a in agencies]]
    if year_from and year_to:
        query.append(("years", f"{int(year_from)}-{int(year_to)}"))
    links = [f'<a href="/api/figures/export?{html.escape(urlencode([*query, ("format", kind)]))}" download '
             f'id="nb-export-{kind}">导出 {kind.upper()}</a>' for kind in ("csv", "xlsx")]
    return " · ".join(links)
