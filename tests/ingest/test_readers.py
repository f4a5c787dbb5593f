"""Format readers: encodings, line endings, web pages and cell layouts become the same text."""

import io

from ingest.readers.html import read_html
from ingest.readers.pdf import read_pdf
from ingest.readers.text import decode, join_pipe_terminated_cells, read_text, rows_from_other_separators

REPORT_LINE = "某某县财政局2024年政府信息公开工作年度报告"


def test_utf8_with_bom_and_bare_cr_line_endings():
    page = read_text(b"\xef\xbb\xbf" + "第一行\r第二行".encode()).pages[0]
    assert page == "第一行\n第二行"


def test_gb18030_without_declaration_and_crlf():
    page = read_text(f"{REPORT_LINE}\r\n二、主动公开".encode("gb18030")).pages[0]
    assert page == f"{REPORT_LINE}\n二、主动公开"


def test_a_declared_gbk_charset_is_read_as_its_gb18030_superset():
    html = f'<meta charset="gbk"><p>{REPORT_LINE}</p><p>䶮</p>'.encode("gb18030")
    assert "䶮" in decode(html)


def test_web_page_chrome_is_dropped_and_tables_become_rows():
    page = """<html><head><title>t</title><script>var x = "一、总体情况";</script></head><body>
    <div class="nav">首页 | 政务公开</div>
    <div class="article"><p>一、总体情况</p><p>二、主动公开政府信息情况</p>
    <table><tr><td rowspan="2">规章</td><td>1</td><td>&nbsp;</td></tr><tr><td>2</td></tr></table>
    </div><div class="footer">版权所有</div></body></html>"""
    text = read_html(page.encode()).pages[0]
    assert "首页" not in text and "版权所有" not in text and "var x" not in text
    assert "| 规章 | 1 |  |" in text
    assert "| 2 |" in text


def test_labels_split_into_one_span_per_character_are_joined_in_a_cell():
    cell = "<td><span>三</span><span>、</span><span>本</span></td>"
    page = f"<p>一、总体情况</p><p>二、主动公开</p><table><tr>{cell}</tr></table>"
    assert "| 三、本 |" in read_html(page.encode()).pages[0]


def test_cells_exported_one_per_line_are_rebuilt_into_rows():
    lines = ["|", "规章 |", "0 |", "0 |", "0 |", "|", "行政规范性文件 |", "0 |", "|", "|", "|", "标题"]
    text = join_pipe_terminated_cells("\n".join(lines * 5))
    assert "| 规章 | 0 | 0 | 0 |" in text
    assert "| 行政规范性文件 | 0 |  |  |" in text, "two blank cells, then the end of the row"


def test_rows_separated_by_tabs_or_full_width_bars_keep_their_empty_cells():
    text = "一、总体情况\t说明\n规章\t1\t\t3\n｜行政许可｜236｜｜\n全文｜一处"
    assert rows_from_other_separators(text).split("\n") == [
        "一、总体情况\t说明", "| 规章 | 1 |  | 3 |", "| 行政许可 | 236 |  |", "全文｜一处",
    ]


def one_path_table_pdf() -> bytes:
    """A 2 x 2 table whose six border lines are one stroked path, as some PDF producers draw tables."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    content = DecodedStreamObject()
    content.set_data(
        b"0.8 w 100 700 m 300 700 l 100 680 m 300 680 l 100 660 m 300 660 l "
        b"100 700 m 100 660 l 200 700 m 200 660 l 300 700 m 300 660 l S "
        b"BT /F1 10 Tf 150 686 Td (1) Tj 100 0 Td (2) Tj -100 -20 Td (3) Tj 100 0 Td (4) Tj ET"
    )
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Contents")] = writer._add_object(content)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_table_whose_borders_are_one_path_is_read_cell_by_cell():
    assert read_pdf(one_path_table_pdf(), "one-path.pdf").pages == ["| 1 | 2 |\n| 3 | 4 |"]
