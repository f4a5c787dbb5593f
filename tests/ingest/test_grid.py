"""Ruled tables rebuilt from geometry: characters and ruling lines in, `| cell |` rows out.

Pages are drawn here by hand in points (y grows downwards), each character a 10 pt box, so that
each test states one layout rule: merged cells, labels spanning rows, a row cut by a page break,
and a heading row that merely happens to start the next page.
"""

from __future__ import annotations

import itertools

from ingest.readers.grid import MAX_RULES, Glyph, Rule, layout_page, pages_text


def write(text: str, x: float, y: float) -> list[Glyph]:
    return [Glyph(char, x + 10 * n, y, x + 10 * n + 10, y + 10) for n, char in enumerate(text)]


def ruled(xs: list[float], ys: list[float], missing: set[tuple[str, float, float]] = frozenset()) -> list[Rule]:
    """Every grid line, cell edge by cell edge, except the edges named in `missing`
    (("v", x, y_top_of_slot) or ("h", y, x_left_of_slot)) — how renderers draw merged cells."""
    rules = []
    for y in ys:
        for left, right in itertools.pairwise(xs):
            if ("h", y, left) not in missing:
                rules.append(Rule(True, y, left, right))
    for x in xs:
        for top, bottom in itertools.pairwise(ys):
            if ("v", x, top) not in missing:
                rules.append(Rule(False, x, top, bottom))
    return rules


def test_a_cell_without_an_inner_rule_spans_columns_and_a_label_spans_rows():
    xs, ys = [0, 100, 150, 200], [0, 20, 40, 60]
    # Row 0: a heading across all three columns; column 0 of rows 1-2: one label spanning both rows.
    missing = {("v", 100, 0), ("v", 150, 0), ("h", 40, 0)}
    glyphs = write("第二十条", 10, 5) + write("处罚", 10, 35) + write("1", 110, 25) + write("2", 160, 25)
    glyphs += write("3", 110, 45) + write("4", 160, 45)
    lines = pages_text([layout_page(glyphs, ruled(xs, ys, missing))])[0]
    assert lines == ["| 第二十条 |", "| 处罚 | 1 | 2 |", "| 3 | 4 |"]


def test_text_outside_the_rules_stays_text_in_reading_order_around_the_table():
    glyphs = write("三、收到和处理", 0, -30) + write("7", 10, 5) + write("四、复议", 0, 40)
    assert pages_text([layout_page(glyphs, ruled([0, 50], [0, 20]))])[0] == ["三、收到和处理", "| 7 |", "四、复议"]


def test_two_numbers_in_one_cell_are_never_read_as_one():
    glyphs = write("1", 10, 2) + write("5", 10, 14)
    assert pages_text([layout_page(glyphs, ruled([0, 50], [0, 30]))])[0] == ["| 1 5 |"]


def test_a_row_cut_by_a_page_break_is_joined_with_its_rest_on_the_next_page():
    xs = [0, 120, 150, 180]
    upper = layout_page(write("一、本年新收", 5, 85) + write("12", 125, 85) + write("3", 155, 85),
                        ruled(xs, [80, 100]))
    lower = layout_page(write("申请数量", 5, 5) + write("二、上年结转", 5, 25) + write("4", 125, 25)
                        + write("5", 155, 25), ruled(xs, [0, 20, 40]))
    first, second = pages_text([upper, lower])
    assert first == ["| 一、本年新收申请数量 | 12 | 3 |"]
    assert second == ["| 二、上年结转 | 4 | 5 |"]


def test_a_repeated_header_is_skipped_before_the_cut_row_is_joined():
    xs = [0, 120, 150]
    header = write("项目", 5, 5) + write("数", 125, 5)
    upper = layout_page(header + write("一、本年", 5, 25) + write("9", 125, 25), ruled(xs, [0, 20, 40]))
    lower = layout_page(header + write("新收", 5, 25) + write("（二）其他", 5, 45) + write("8", 125, 45),
                        ruled(xs, [0, 20, 40, 60]))
    first, second = pages_text([upper, lower])
    assert first == ["| 项目 | 数 |", "| 一、本年新收 | 9 |"]
    assert second == ["| 项目 | 数 |", "| （二）其他 | 8 |"]


def test_a_heading_row_that_starts_the_next_page_is_a_row_of_its_own():
    """The corpus's 淮安 PDF: 行政许可 | 9487 ends a page and 第二十条第（六）项 starts the next one."""
    xs = [0, 100, 200]
    upper = layout_page(write("行政许可", 5, 5) + write("9487", 105, 5), ruled(xs, [0, 20]))
    lower = layout_page(write("第二十条第（六）项", 5, 5) + write("行政处罚", 5, 25) + write("58", 105, 25),
                        ruled(xs, [0, 20, 40], {("v", 100, 0)}))
    first, second = pages_text([upper, lower])
    assert first == ["| 行政许可 | 9487 |"]
    assert second == ["| 第二十条第（六）项 |", "| 行政处罚 | 58 |"]


def test_a_numbered_label_that_starts_the_next_page_is_not_joined_to_the_row_above():
    xs = [0, 100, 130]
    upper = layout_page(write("1.重复", 5, 5) + write("3", 105, 5), ruled(xs, [0, 20]))
    lower = layout_page(write("2.出版物", 5, 5), ruled(xs, [0, 20]))
    assert pages_text([upper, lower]) == [["| 1.重复 | 3 |"], ["| 2.出版物 |  |"]]


def test_a_page_drawn_with_more_lines_than_any_form_is_read_as_text():
    hatching = [Rule(False, 3.0 * n, 0, 100) for n in range(MAX_RULES + 1)] + [Rule(True, 50, 0, 3.0 * MAX_RULES)]
    glyphs = write("图", 10, 45)
    assert pages_text([layout_page(glyphs, hatching)])[0] == ["图"]


def test_a_label_printed_top_to_bottom_stays_one_label_beside_the_rows_it_spans():
    """Drawn one character a line, 无法提供 would otherwise lend its 无 (a blank mark) to a row of values."""
    stacked = [Glyph(char, 0, 10 * n, 10, 10 * n + 10, line_start=True) for n, char in enumerate("无法提供")]
    rows = write("1.不掌握", 30, 0) + write("15 3", 120, 0) + write("2.另行制作", 30, 10) + write("5 1", 120, 10)
    rows = [Glyph(g.char, g.x0, g.top, g.x1, g.bottom, line_start=n == 0) for n, g in enumerate(rows)]
    assert pages_text([layout_page(stacked + rows, [])])[0] == ["无法提供", "1.不掌握 15 3", "2.另行制作 5 1"]


def test_a_running_head_above_the_continued_table_does_not_keep_the_cut_row_apart():
    xs = [0, 120, 150]
    head = "某某县2024年政府信息公开工作年度报告"
    upper = layout_page(write(head, 0, 0) + write("一、本年", 5, 85) + write("9", 125, 85), ruled(xs, [80, 100]))
    lower = layout_page(write(head, 0, 0) + write("新收", 5, 45) + write("（二）其他", 5, 65) + write("8", 125, 65),
                        ruled(xs, [40, 60, 80]))
    first, second = pages_text([upper, lower])
    assert first == [head, "| 一、本年新收 | 9 |"]
    assert second == [head, "| （二）其他 | 8 |"]
