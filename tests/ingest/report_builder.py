"""One invented 2021-format annual report, described once and written out as DOCX, HTML, TXT and PDF.

The description (`REPORT`) is the single source of truth for the generated-document tests: every
file written here prints exactly its sections and its figures, laid out as the State Council form
prints them (国办公开办函〔2021〕30号): table 二 in four 第二十条 blocks, table 三 with its header
rows and merged, rotated group labels, table 四 as one row of fifteen numbers under its headers.

Tables are described once as a layout (rows of cells with rowspan/colspan, the way HTML writes
them) and rendered from that layout into each format, so that the DOCX, the HTML and the text
files all print the same table.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

T3_COLS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
T4_ROWS = ("review", "suit_direct", "suit_after_review")
T4_COLS = ("upheld", "corrected", "other", "pending", "total")

# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    n: int
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class T3Row:
    key: str
    group: str | None
    """The merged group label the row sits under (（三）不予公开 …), or None."""
    label: str
    values: tuple[int, ...]
    """natural_person, commercial, research, social_org, legal_service, other_org, total."""
    fragment: str
    """A piece of the printed label that no other text of the report contains (to find its page)."""


@dataclass(frozen=True)
class Report:
    agency: str
    year: int
    signed: str
    sections: tuple[Section, ...]
    t2: dict[tuple[str, str], int | Decimal]
    t3: tuple[T3Row, ...]
    t4: dict[str, tuple[int, int, int, int, int]]

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def figures(self) -> dict[tuple[str, str, str], int | Decimal]:
        """Every printed cell under its canonical key: 10 of t2, 175 of t3, 15 of t4."""
        cells: dict[tuple[str, str, str], int | Decimal] = {}
        for (row, col), value in self.t2.items():
            cells[("t2", row, col)] = value
        for t3_row in self.t3:
            for col, value in zip(T3_COLS, t3_row.values, strict=True):
                cells[("t3", t3_row.key, col)] = value
        for row, values in self.t4.items():
            for col, value in zip(T4_COLS, values, strict=True):
                cells[("t4", row, col)] = value
        return cells

    def t3_row(self, key: str) -> T3Row:
        return next(row for row in self.t3 if row.key == key)


def _t3(key: str, group: str | None, label: str, fragment: str, *values: int) -> T3Row:
    return T3Row(key, group, label, tuple(values), fragment)


DENIED, UNABLE, NOT_PROCESSED, OTHER = "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"

REPORT = Report(
    agency="某某县生态环境局",
    year=2024,
    signed="2025年1月20日",
    sections=(
        Section(1, "一、总体情况", (
            "2024年，某某县生态环境局坚持以公开为常态、不公开为例外，围绕大气、水、土壤污染防治和环境执法监管，"
            "及时准确地公开本机关的政府信息。",
            "本报告所列数据的统计期限为2024年1月1日至2024年12月31日。",
        )),
        Section(2, "二、主动公开政府信息情况", (
            "本年度通过门户网站和政务新媒体主动公开环境影响评价审批、排污许可和执法检查等信息。",
        )),
        Section(3, "三、收到和处理政府信息公开申请情况", (
            "本年度依法受理并按期答复公众提出的各类申请，办理情况见下表。",
        )),
        Section(4, "四、政府信息公开行政复议、行政诉讼情况", (
            "因政府信息公开引发的复议和诉讼情况如下。",
        )),
        Section(5, "五、存在的主要问题及改进情况", (
            "存在的主要问题是解读材料形式较为单一。下一步将丰富图解、短视频等解读形式，提升公开的可读性。",
        )),
        Section(6, "六、其他需要报告的事项", (
            "本年度未收取信息处理费。无其他需要报告的事项。",
        )),
    ),
    t2={
        ("rules", "issued"): 1,
        ("rules", "repealed"): 0,
        ("rules", "in_force"): 3,
        ("normative", "issued"): 4,
        ("normative", "repealed"): 2,
        ("normative", "in_force"): 17,
        ("licensing", "decisions"): 236,
        ("punishment", "decisions"): 58,
        ("coercion", "decisions"): 7,
        ("fees", "amount"): Decimal("12.5"),
    },
    #                                                              自然人 商业 科研 公益 法律 其他 总计
    t3=(
        _t3("new_received", None, "一、本年新收政府信息公开申请数量", "本年新收", 120, 25, 4, 7, 3, 9, 168),
        _t3("carried_over", None, "二、上年结转政府信息公开申请数量", "上年结转", 5, 1, 0, 1, 0, 0, 7),
        _t3("granted", None, "（一）予以公开", "予以公开", 46, 9, 2, 3, 1, 4, 65),
        _t3("partial", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开",
            7, 2, 0, 1, 0, 1, 11),
        _t3("denied_state_secret", DENIED, "1.属于国家秘密", "国家秘密", 1, 0, 0, 0, 0, 0, 1),
        _t3("denied_law_forbidden", DENIED, "2.其他法律行政法规禁止公开", "其他法律行政法规", 2, 1, 0, 0, 0, 0, 3),
        _t3("denied_security_stability", DENIED, "3.危及“三安全一稳定”", "三安全一稳定", 0, 0, 0, 0, 0, 0, 0),
        _t3("denied_third_party", DENIED, "4.保护第三方合法权益", "保护第三方", 3, 2, 0, 0, 1, 0, 6),
        _t3("denied_internal_affairs", DENIED, "5.属于三类内部事务信息", "三类内部事务", 1, 0, 0, 0, 0, 0, 1),
        _t3("denied_process_info", DENIED, "6.属于四类过程性信息", "四类过程性", 4, 1, 0, 0, 0, 1, 6),
        _t3("denied_enforcement_file", DENIED, "7.属于行政执法案卷", "行政执法案卷", 2, 0, 0, 0, 1, 0, 3),
        _t3("denied_admin_query", DENIED, "8.属于行政查询事项", "行政查询事项", 1, 0, 0, 0, 0, 0, 1),
        _t3("unable_not_held", UNABLE, "1.本机关不掌握相关政府信息", "不掌握相关", 15, 3, 1, 1, 0, 2, 22),
        _t3("unable_need_creation", UNABLE, "2.没有现成信息需要另行制作", "另行制作", 5, 1, 0, 0, 0, 0, 6),
        _t3("unable_unclear", UNABLE, "3.补正后申请内容仍不明确", "仍不明确", 2, 0, 0, 0, 0, 0, 2),
        _t3("not_processed_complaint", NOT_PROCESSED, "1.信访举报投诉类申请", "信访举报投诉", 6, 0, 0, 1, 0, 0, 7),
        _t3("not_processed_repeat", NOT_PROCESSED, "2.重复申请", "重复申请", 3, 1, 0, 0, 0, 0, 4),
        _t3("not_processed_publication", NOT_PROCESSED, "3.要求提供公开出版物", "公开出版物", 1, 0, 0, 0, 0, 0, 1),
        _t3("not_processed_excessive", NOT_PROCESSED, "4.无正当理由大量反复申请", "大量反复", 10, 0, 0, 0, 0, 0, 10),
        _t3("not_processed_confirm", NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息", "重新出具",
            2, 1, 0, 0, 0, 0, 3),
        _t3("other_overdue_correction", OTHER,
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "逾期不补正", 4, 1, 0, 0, 0, 0, 5),
        _t3("other_overdue_fee", OTHER,
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "收费通知",
            1, 0, 0, 0, 0, 0, 1),
        _t3("other_other", OTHER, "3.其他", "3.其他", 3, 0, 0, 1, 0, 1, 5),
        _t3("total_processed", None, "（七）总计", "（七）总计", 119, 22, 3, 7, 3, 9, 163),
        _t3("carried_forward", None, "四、结转下年度继续办理", "结转下年度", 6, 4, 1, 1, 0, 0, 12),
    ),
    t4={
        "review": (2, 1, 0, 1, 4),
        "suit_direct": (1, 0, 1, 2, 4),
        "suit_after_review": (0, 1, 0, 1, 2),
    },
)

T3_RESULT_ROWS = tuple(row.key for row in REPORT.t3[2:-2])

# --------------------------------------------------------------------------------------------
# Table layouts (HTML semantics: cells covered by a span are not listed)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    vertical: str = ""
    """A rotated label (竖排) as the form prints its group labels: "rotated" is set in vertical
    writing mode, "stacked" one character per line in a narrow column (how Word's HTML export and
    many sites show it). Both are rotated text in the DOCX."""


@dataclass(frozen=True)
class Table:
    width: int
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 0
    """Rows that a renderer may repeat at the top of each page the table continues on."""

    def grid(self) -> list[list[tuple[Cell, int, int] | None]]:
        """Each grid slot: (cell, row offset inside the cell, column offset inside the cell)."""
        slots: list[list[tuple[Cell, int, int] | None]] = [[None] * self.width for _ in self.rows]
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while slots[r][c] is not None:
                    c += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if slots[r + dr][c + dc] is not None:
                            raise ValueError(f"overlapping cells at row {r + dr}, column {c + dc}")
                        slots[r + dr][c + dc] = (cell, dr, dc)
                c += cell.colspan
        for r, row in enumerate(slots):
            if any(slot is None for slot in row):
                raise ValueError(f"row {r} of the layout does not fill {self.width} columns")
        return slots


def _shown(value: int | Decimal | None) -> str:
    return "" if value is None else str(value)


def table_2(report: Report) -> Table:
    t2 = report.t2
    one = lambda text: Cell(text)  # noqa: E731
    wide = lambda text: Cell(text, colspan=3)  # noqa: E731
    return Table(4, (
        (Cell("第二十条第（一）项", colspan=4),),
        (one("信息内容"), one("本年制发件数"), one("本年废止件数"), one("现行有效件数")),
        (one("规章"), *(one(_shown(t2[("rules", col)])) for col in ("issued", "repealed", "in_force"))),
        (one("行政规范性文件"), *(one(_shown(t2[("normative", col)])) for col in ("issued", "repealed", "in_force"))),
        (Cell("第二十条第（五）项", colspan=4),),
        (one("信息内容"), wide("本年处理决定数量")),
        (one("行政许可"), wide(_shown(t2[("licensing", "decisions")]))),
        (Cell("第二十条第（六）项", colspan=4),),
        (one("信息内容"), wide("本年处理决定数量")),
        (one("行政处罚"), wide(_shown(t2[("punishment", "decisions")]))),
        (one("行政强制"), wide(_shown(t2[("coercion", "decisions")]))),
        (Cell("第二十条第（八）项", colspan=4),),
        (one("信息内容"), wide("本年收费金额（单位：万元）")),
        (one("行政事业性收费"), wide(_shown(t2[("fees", "amount")]))),
    ))


def table_3(report: Report, blank: Iterable[tuple[str, str]] = ()) -> Table:
    """10 columns: three for the labels (merged as the form merges them), seven for the numbers."""
    blank = set(blank)

    def numbers(row: T3Row) -> tuple[Cell, ...]:
        return tuple(
            Cell("" if (row.key, col) in blank else _shown(value))
            for col, value in zip(T3_COLS, row.values, strict=True)
        )

    rows: list[tuple[Cell, ...]] = [
        (
            Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3),
            Cell("申请人情况", colspan=7),
        ),
        (Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)),
        (Cell("商业企业"), Cell("科研机构"), Cell("社会公益组织"), Cell("法律服务机构"), Cell("其他")),
    ]
    results = [row for row in report.t3 if row.key not in ("new_received", "carried_over", "carried_forward")]
    group_sizes = {group: sum(1 for row in results if row.group == group) for group in (DENIED, UNABLE,
                                                                                         NOT_PROCESSED, OTHER)}
    seen_groups: set[str] = set()
    for row in report.t3:
        lead: list[Cell] = []
        if row.key in ("new_received", "carried_over", "carried_forward"):
            lead.append(Cell(row.label, colspan=3))
        else:
            if row is results[0]:
                lead.append(Cell("三、本年度办理结果", rowspan=len(results), vertical="stacked"))
            if row.group is None:
                lead.append(Cell(row.label, colspan=2))
            else:
                if row.group not in seen_groups:
                    seen_groups.add(row.group)
                    lead.append(Cell(row.group, rowspan=group_sizes[row.group], vertical="rotated"))
                lead.append(Cell(row.label))
        rows.append((*lead, *numbers(row)))
    return Table(10, tuple(rows), header_rows=3)


def table_4(report: Report) -> Table:
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    numbers = tuple(Cell(_shown(value)) for row in T4_ROWS for value in report.t4[row])
    return Table(15, (
        (Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)),
        (*(Cell(label, rowspan=2) for label in results), Cell("未经复议直接起诉", colspan=5),
         Cell("复议后起诉", colspan=5)),
        tuple(Cell(label) for label in results * 2),
        numbers,
    ))


def _body(
    report: Report, blank: Iterable[tuple[str, str]] = (), spaced: tuple[int, ...] = (3,)
) -> list[tuple[str, object]]:
    """The report in reading order: ("title"|"heading"|"para"|"table"|"spacer", content); a spacer
    stands before the tables of the sections in `spaced`."""
    tables = {2: table_2(report), 3: table_3(report, blank), 4: table_4(report)}
    parts: list[tuple[str, object]] = [("title", report.title)]
    for section in report.sections:
        parts.append(("heading", section.title))
        parts.extend(("para", paragraph) for paragraph in section.paragraphs)
        if section.n in tables:
            if section.n in spaced:
                parts.append(("spacer", None))
            parts.append(("table", tables[section.n]))
    parts.append(("para", report.agency))
    parts.append(("para", report.signed))
    return parts


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------


def write_docx(
    report: Report,
    path: Path,
    blank: Iterable[tuple[str, str]] = (),
    spacer_lines: int = 0,
    repeat_header: bool = False,
    spaced: tuple[int, ...] = (3,),
) -> Path:
    """`spacer_lines` empty paragraphs before table 三 push it across a page break; `repeat_header`
    marks its three header rows to be repeated at the top of every page (w:tblHeader)."""
    import docx

    document = docx.Document()
    for kind, content in _body(report, blank, spaced):
        if kind == "title":
            document.add_heading(str(content), level=1)
        elif kind in ("heading", "para"):
            document.add_paragraph(str(content))
        elif kind == "spacer":
            for _ in range(spacer_lines):
                document.add_paragraph("")
        elif kind == "table":
            assert isinstance(content, Table)
            _docx_table(document, content, content.header_rows if repeat_header else 0)
    document.save(str(path))
    return path


def _docx_table(document, layout: Table, repeated_rows: int = 0) -> None:
    """Real merges: cell.merge writes w:gridSpan across columns and w:vMerge down rows."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = document.add_table(rows=len(layout.rows), cols=layout.width)
    table.style = "Table Grid"
    placed: set[int] = set()
    for r, row in enumerate(layout.grid()):
        for c, slot in enumerate(row):
            assert slot is not None
            cell, dr, dc = slot
            if dr or dc or id(cell) in placed:
                continue
            placed.add(id(cell))
            target = table.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            target.text = cell.text
            if cell.vertical:
                direction = OxmlElement("w:textDirection")
                direction.set(qn("w:val"), "tbRlV")
                target._tc.get_or_add_tcPr().append(direction)
    for row in table.rows[:repeated_rows]:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 20mm 18mm; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 10.5pt; line-height: 1.6; }
h1 { font-size: 16pt; text-align: center; }
p.heading { font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; }
td { padding: 2pt 3pt; text-align: center; vertical-align: middle; }
td.rotated { writing-mode: vertical-rl; }
td { border: 1px solid #000; }
td.stacked { width: 1.2em; word-break: break-all; }
"""


_RULES = "td { border: 1px solid #000; }"


def html_page(
    report: Report,
    charset_meta: bool = True,
    spacer_mm: int = 0,
    repeat_header: bool = False,
    spaced: tuple[int, ...] = (3,),
    blank: Iterable[tuple[str, str]] = (),
    ruled: bool = True,
) -> str:
    """`repeat_header` puts table 三's header rows in a <thead>, which Chromium repeats on every page;
    `ruled=False` prints the tables without any cell borders."""
    lines = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>"]
    if charset_meta:
        lines.append('<meta charset="utf-8">')
    css = _CSS if ruled else _CSS.replace(_RULES, "")
    lines += [f"<title>{html.escape(report.title)}</title>", f"<style>{css}</style>", "</head>", "<body>",
              '<div class="article">']
    for kind, content in _body(report, blank, spaced):
        if kind == "title":
            lines.append(f"<h1>{html.escape(str(content))}</h1>")
        elif kind == "heading":
            lines.append(f'<p class="heading">{html.escape(str(content))}</p>')
        elif kind == "para":
            lines.append(f"<p>{html.escape(str(content))}</p>")
        elif kind == "spacer":
            if spacer_mm:
                lines.append(f'<div class="spacer" style="height: {spacer_mm}mm"></div>')
        elif kind == "table":
            assert isinstance(content, Table)
            lines.append(_html_table(content, content.header_rows if repeat_header else 0))
    lines += ["</div>", "</body>", "</html>"]
    return "\n".join(lines) + "\n"


def _html_table(layout: Table, head_rows: int = 0) -> str:
    lines = ['<table>']
    for number, row in enumerate(layout.rows):
        if head_rows and number == 0:
            lines.append("<thead>")
        if head_rows and number == head_rows:
            lines.append("</thead><tbody>")
        cells = []
        for cell in row:
            attributes = ""
            if cell.rowspan > 1:
                attributes += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attributes += f' colspan="{cell.colspan}"'
            if cell.vertical:
                attributes += f' class="{cell.vertical}"'
            cells.append(f"<td{attributes}>{html.escape(cell.text)}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody></table>" if head_rows else "</table>")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Plain text: tables as `| cell |` rows, one line per printed row
# --------------------------------------------------------------------------------------------


def text_document(report: Report) -> str:
    lines = []
    for kind, content in _body(report):
        if kind in ("title", "heading", "para"):
            lines.append(str(content))
        elif kind == "table":
            assert isinstance(content, Table)
            lines.extend(_text_table(content))
    return "\n".join(lines) + "\n"


def _text_table(layout: Table) -> list[str]:
    """A horizontally merged cell is one cell; a slot under a vertically merged cell is empty."""
    return ["| " + " | ".join(cells) + " |" for cells in _text_rows(layout)]


def _text_rows(layout: Table) -> list[list[str]]:
    """Cell texts row by row: a horizontally merged cell once, a slot under a vertical merge empty."""
    rows = []
    for row in layout.grid():
        cells = []
        for slot in row:
            assert slot is not None
            cell, dr, dc = slot
            if not dc:
                cells.append("" if dr else cell.text)
        rows.append(cells)
    return rows


def _separator_lines(row: list[str]) -> list[str]:
    lines = ["|"]
    for cell in row:
        lines += [cell, "|"]
    return lines


def _wrapped(row: list[str], width: int = 36) -> list[str]:
    """A `| a | b |` row broken at the spaces between cells (and inside long labels) like a fixed-width export."""
    return textwrap.wrap("| " + " | ".join(row) + " |", width=width, break_on_hyphens=False)


def _cells_one_per_line(row: list[str]) -> list[str]:
    return [cell for cell in row if cell]


# How crawlers and converters write a table row as text; each takes a row's cell texts.
TEXT_LAYOUTS: dict[str, Callable[[list[str]], list[str]]] = {
    "pipe_rows": lambda row: ["| " + " | ".join(row) + " |"],
    "pipe_line_end": lambda row: [" | ".join(row) + " |"],
    "pipe_line_start": lambda row: ["| " + " | ".join(row)],
    "pipe_own_line": _separator_lines,
    "tabs": lambda row: ["\t".join(row)],
    "space_runs": lambda row: ["    ".join(cell for cell in row if cell)],
    "fullwidth_bars": lambda row: ["｜" + "｜".join(row) + "｜"],
    "cell_per_line": _cells_one_per_line,
    "wrapped_rows": _wrapped,
}


def text_in_layout(report: Report, layout: str, blank: Iterable[tuple[str, str]] = ()) -> str:
    """The report as plain text with its tables written in one of `TEXT_LAYOUTS` (`blank`: table 三
    cells printed empty)."""
    write_row = TEXT_LAYOUTS[layout]
    lines = []
    for kind, content in _body(report, blank):
        if kind in ("title", "heading", "para"):
            lines.append(str(content))
        elif kind == "table":
            assert isinstance(content, Table)
            for row in _text_rows(content):
                lines.extend(write_row(row))
    return "\n".join(lines) + "\n"


def text_with_a_lost_column(report: Report) -> str:
    """The report as `| cell |` text in which a crawler lost table 三's 其他 column in every row
    of values: the table is shown, its labels are all there, and not one row can be read."""
    lines = []
    for kind, content in _body(report):
        if kind in ("title", "heading", "para"):
            lines.append(str(content))
        elif kind == "table":
            assert isinstance(content, Table)
            for row in _text_rows(content):
                if content.header_rows and len(row) >= 8:
                    row = row[:-2] + row[-1:]
                lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# PDF through LibreOffice (from the DOCX)
# --------------------------------------------------------------------------------------------

SOFFICE = "soffice"
LIBREOFFICE_APT_PACKAGE = "libreoffice-writer-nogui"


class LibreOfficeMissing(RuntimeError):
    pass


def convert_with_libreoffice(docx_path: Path, out_dir: Path, profile_dir: Path, timeout: float = 180) -> Path:
    """The DOCX printed to PDF by LibreOffice Writer, as a Word user's "save as PDF" would."""
    executable = shutil.which(SOFFICE)
    if executable is None:
        raise LibreOfficeMissing(
            "LibreOffice (soffice) is not installed: the PDF tests render their DOCX with it. "
            f"Install it with `apt-get install -y {LIBREOFFICE_APT_PACKAGE}`."
        )
    command = [executable, f"-env:UserInstallation={profile_dir.resolve().as_uri()}", "--headless",
               "--convert-to", "pdf", "--outdir", str(out_dir), str(docx_path)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    pdf_path = out_dir / (docx_path.stem + ".pdf")
    if completed.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise RuntimeError(
            f"LibreOffice did not convert {docx_path.name} (exit {completed.returncode}):\n"
            f"{(completed.stdout + completed.stderr)[-2000:]}"
        )
    return pdf_path


# --------------------------------------------------------------------------------------------
# PDF through headless Chromium
# --------------------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-pdf-header-footer",
)
APT_PACKAGES = "chromium fonts-noto-cjk"


class ChromiumMissing(RuntimeError):
    pass


def print_to_pdf(html_path: Path, pdf_path: Path, profile_dir: Path, timeout: float = 120) -> Path:
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if executable is None:
        raise ChromiumMissing(
            f"{CHROMIUM} is not installed: the PDF tests print their report with headless Chromium. "
            f"Install it with `apt-get install -y {APT_PACKAGES}`."
        )
    command = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}", f"--print-to-pdf={pdf_path}",
               html_path.resolve().as_uri()]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if completed.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise RuntimeError(
            f"Chromium did not print {html_path.name} (exit {completed.returncode}):\n{completed.stderr[-2000:]}"
        )
    return pdf_path


@dataclass
class PdfText:
    """The text layer of a PDF as a reader of the page sees it, to tell where a label is printed.

    Whitespace is removed (labels wrap inside cells) and the text is NFKC-folded: fonts such as
    Noto CJK map shared glyphs to Kangxi radical code points in their ToUnicode tables, so the
    text layer says ⾏ (U+2F8F) where the page shows 行 (U+884C).
    """

    pages: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, pdf_path: Path) -> PdfText:
        from pypdf import PdfReader

        reader = PdfReader(str(pdf_path))
        return cls([_folded(page.extract_text() or "") for page in reader.pages])

    def pages_with(self, fragment: str) -> list[int]:
        folded = _folded(fragment)
        return [number for number, text in enumerate(self.pages, start=1) if folded in text]

    def page_of(self, fragment: str) -> int:
        """The page a label is printed on; for a label cut by a page break, the page it starts on."""
        found = self.pages_with(fragment) or self.cut_at_page_end(fragment)
        assert len(found) == 1, f"the label {fragment!r} should be printed on exactly one page, found on {found}"
        return found[0]

    def cut_at_page_end(self, fragment: str) -> list[int]:
        folded = _folded(fragment)
        for cut in range(len(folded) - 1, 1, -1):
            head, tail = folded[:cut], folded[cut:]
            found = [number for number in range(1, len(self.pages))
                     if head in self.pages[number - 1] and tail in self.pages[number]]
            if found:
                return found
        return []


def _folded(text: str) -> str:
    # Quotation marks are dropped: pypdf places LibreOffice's “ ” out of line with their text.
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_QUOTES)


_QUOTES = str.maketrans("", "", "“”‘’\"'")


def expected_pages(report: Report, pdf: PdfText) -> dict[tuple[str, str, str], int]:
    """The page each figure is printed on, by where the PDF's text layer shows its row label."""
    t2_labels = {"rules": "规章", "normative": "行政规范性文件", "licensing": "行政许可",
                 "punishment": "行政处罚", "coercion": "行政强制", "fees": "行政事业性收费"}
    row_pages: dict[tuple[str, str], int] = {}
    for key, fragment in t2_labels.items():
        row_pages[("t2", key)] = pdf.page_of(fragment)
    for row in report.t3:
        # A label cut by a page break ("5.属" | "于三类内部事务信息") starts its row on the first page.
        cut = [] if pdf.pages_with(row.label) else pdf.cut_at_page_end(row.label)
        row_pages[("t3", row.key)] = cut[0] if len(cut) == 1 else pdf.page_of(row.fragment)
    # The numbers of table 四 are printed on the page after its header when a page break falls between.
    numbers = pdf.pages_with("".join(str(value) for row in T4_ROWS for value in report.t4[row]))
    t4_page = numbers[0] if len(numbers) == 1 else pdf.page_of("未经复议直接起诉")
    for key in T4_ROWS:
        row_pages[("t4", key)] = t4_page
    return {key: row_pages[key[:2]] for key in report.figures()}


def consistency_violations(report: Report) -> list[str]:
    """The 勾稽 rules of the spec, computed here independently of ingest/."""
    problems = []
    t3 = {row.key: row.values for row in report.t3}
    for position, col in enumerate(T3_COLS):
        a, b, c, d = (t3[key][position] for key in ("new_received", "carried_over", "total_processed",
                                                     "carried_forward"))
        if a + b != c + d:
            problems.append(f"t3.balance {col}: {a} + {b} != {c} + {d}")
        results = sum(t3[key][position] for key in T3_RESULT_ROWS)
        if results != c:
            problems.append(f"t3.results_sum {col}: {results} != {c}")
    for key, values in t3.items():
        if sum(values[:-1]) != values[-1]:
            problems.append(f"t3.row_sum {key}: {sum(values[:-1])} != {values[-1]}")
    for key, values in report.t4.items():
        if sum(values[:-1]) != values[-1]:
            problems.append(f"t4.row_sum {key}: {sum(values[:-1])} != {values[-1]}")
    return problems


def figure_mismatches(report_figures: Sequence, expected: dict) -> list[str]:
    """Every expected cell whose extracted value differs, is missing, or is extra."""
    got = {(figure.table, figure.row, figure.col): figure for figure in report_figures}
    problems = []
    for key, value in expected.items():
        figure = got.get(key)
        if figure is None:
            problems.append(f"{'.'.join(key)}: missing (expected {value})")
        elif figure.value != value:
            problems.append(f"{'.'.join(key)}: got {figure.value!r} (raw {figure.raw!r}), expected {value!r}")
    problems += [f"{'.'.join(key)}: not printed in the report" for key in got.keys() - expected.keys()]
    return problems


# --------------------------------------------------------------------------------------------
# The rendered PDFs the tests and the benchmark read
# --------------------------------------------------------------------------------------------

# Page breaks at different places, found by rendering: Chromium moves whole rows to the next page;
# LibreOffice lets a row break, so a label starts on one page and ends on the next. Each variant
# names the table it breaks across pages.
PDF_VARIANTS: dict[str, tuple[str, dict, str]] = {
    "chromium-break-in-table-3": ("chromium", {"spacer_mm": 130}, "t3"),
    "chromium-break-under-repeated-header": ("chromium", {"spacer_mm": 170, "repeat_header": True}, "t3"),
    "chromium-break-after-header": ("chromium", {"spacer_mm": 200}, "t3"),
    "chromium-break-in-table-2": ("chromium", {"spacer_mm": 100, "spaced": (2,)}, "t2"),
    "chromium-break-in-table-4": ("chromium", {"spacer_mm": 160, "spaced": (2, 3, 4), "repeat_header": True},
                                  "t4"),
    "libreoffice-break-under-repeated-header": ("libreoffice", {"spacer_lines": 8, "repeat_header": True}, "t3"),
    "libreoffice-rows-cut-by-page-breaks": ("libreoffice", {"spacer_lines": 32}, "t3"),
    "libreoffice-rows-cut-under-repeated-header": ("libreoffice", {"spacer_lines": 32, "repeat_header": True},
                                                   "t3"),
    "libreoffice-break-in-table-2": ("libreoffice", {"spacer_lines": 40, "spaced": (2,)}, "t2"),
    "libreoffice-break-in-table-4": ("libreoffice", {"spacer_lines": 22, "spaced": (4,), "repeat_header": True},
                                     "t4"),
}
# Tables printed without cell borders: nothing to rebuild a grid from, only text positions.
UNRULED_PDF_VARIANTS: dict[str, tuple[str, dict, str]] = {
    "chromium-unruled-break-in-table-3": ("chromium", {"spacer_mm": 60, "ruled": False}, "t3"),
    "chromium-unruled-break-after-header": ("chromium", {"spacer_mm": 130, "ruled": False}, "t3"),
}


def render_pdf(variant: str, directory: Path, report: Report = REPORT) -> Path:
    """One of `PDF_VARIANTS` rendered into `directory` (Chromium from the HTML, LibreOffice from the DOCX)."""
    renderer, options, _ = {**PDF_VARIANTS, **UNRULED_PDF_VARIANTS}[variant]
    if renderer == "chromium":
        page = directory / f"{variant}.html"
        page.write_text(html_page(report, **options), encoding="utf-8")
        return print_to_pdf(page, directory / f"{variant}.pdf", directory / "chromium-profile")
    docx = write_docx(report, directory / f"{variant}.docx", **options)
    return convert_with_libreoffice(docx, directory, directory / "libreoffice-profile")
