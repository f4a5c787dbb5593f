"""Answers: exact figures from the tables with the cells cited, narrative from quoted text,
and plain refusals for what the reports do not hold."""

from __future__ import annotations

import json

from nianbao.cli import main
from qa.answerer import Turn
from qa.composer import failed_checks
from qa.tools import FigureValue
from vectorstore.figure_store import StoredFigure


def ask(answering, question, agency=None, history=()):
    return answering.answerer.ask(question, agency, [Turn("user", h) for h in history])


def test_a_single_figure_is_exact_and_cites_its_cell(answering):
    answer = ask(answering, "平潭2023年收到多少政府信息公开申请？")

    assert answer.route == "figures"
    assert "81" in answer.answer and "[1]" in answer.answer
    cell = answer.figures[0]
    assert (cell.agency, cell.year, cell.table, cell.row, cell.col, cell.value) == (
        "平潭综合实验区管委会", 2023, "t3", "new_received", "total", 81)
    assert answer.citations[0].section == 3


def test_a_column_of_table_three(answering):
    answer = ask(answering, "平潭综合实验区管委会2023年企业申请了多少？")
    assert [(f.col, f.value) for f in answer.figures] == [("commercial", 1)]


def test_a_derived_sum_adds_the_rows_and_cites_each(answering):
    answer = ask(answering, "河北省教育厅2022年不予公开的有多少件？")

    assert answer.route == "figures"
    assert {f.row for f in answer.figures} == {
        "denied_state_secret", "denied_law_forbidden", "denied_security_stability", "denied_third_party",
        "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_admin_query"}
    expected = sum(f.value for f in answer.figures)
    assert f"为{expected}件" in answer.answer


def test_lawsuits_add_both_kinds_of_suit(answering):
    answer = ask(answering, "淮安市政府2024年被起诉了几次？")
    assert "46件" in answer.answer
    assert {(f.row, f.value) for f in answer.figures} == {("suit_direct", 26), ("suit_after_review", 20)}


def test_a_blank_cell_is_not_reported_as_zero(answering):
    answer = ask(answering, "桃江县财政局2025年废止了多少行政规范性文件？")
    assert "未填报" in answer.answer
    assert answer.figures[0].value is None


def test_figures_of_a_report_that_fails_its_checks_carry_a_warning(answering):
    answer = ask(answering, "河北省科学技术厅2022年收到多少申请？")
    assert "11" in answer.answer
    assert "勾稽检查" in answer.answer and "表三" in answer.answer


def test_relative_years_count_from_the_newest_report_of_the_agency(answering):
    answer = ask(answering, "河北省教育厅去年收到多少申请？")
    assert {f.year for f in answer.figures} == {2022}


def test_two_years_are_compared_with_the_difference(answering):
    answer = ask(answering, "河北省教育厅2022年和2023年收到的申请相比有什么变化？")
    assert answer.route == "aggregate"
    assert "44件" in answer.answer and "19件" in answer.answer and "减少25件" in answer.answer


def test_a_ranking_across_agencies(answering):
    answer = ask(answering, "2022年哪个单位收到的政府信息公开申请最多？")
    assert answer.route == "aggregate"
    first = answer.answer.splitlines()[1]
    assert "平潭综合实验区管委会" in first and "74件" in first


def test_follow_ups_reuse_the_previous_question(answering):
    first = "河北省教育厅2022年收到多少申请？"
    assert {f.year for f in ask(answering, "那2023年呢？", history=[first]).figures} == {2023}
    assert {f.col for f in ask(answering, "其中企业申请的呢？", history=[first]).figures} == {"commercial"}


def test_a_default_agency_answers_questions_that_name_none(answering):
    answer = ask(answering, "罚了多少次？", agency="桃江县财政局")
    assert answer.figures[0].row == "punishment" and answer.figures[0].value == 1


def test_a_figure_of_two_matching_agencies_is_asked_back_not_guessed(answering):
    answer = ask(answering, "平潭2012年收到多少政府信息公开申请？")
    assert "哪个单位" in answer.answer
    assert "平潭县人民政府" in answer.answer and "平潭综合实验区管委会" in answer.answer
    assert answer.figures == [] and answer.citations == []


def test_a_narrative_question_matching_two_agencies_quotes_each_by_name(answering):
    answer = ask(answering, "平潭2012年主动公开工作有哪些做法？")
    assert answer.route == "documents"
    assert {c.agency for c in answer.citations} <= {"平潭县人民政府", "平潭综合实验区管委会"}
    assert all(f"{c.agency}{c.year}年" in answer.answer for c in answer.citations)


def test_unreadable_cells_are_refused_rather_than_guessed(answering):
    # The text prints 行政规范性文件88556698: 88/55/698 is one reading of several.
    answer = ask(answering, "平潭综合实验区管委会2022年现行有效的行政规范性文件有多少件？")
    assert answer.route == "figures"
    assert "无法从报告原文可靠读出" in answer.answer
    assert "698" not in answer.answer and answer.figures[0].value is None


def test_a_narrative_question_quotes_the_right_section(answering):
    answer = ask(answering, "淮安市人民政府2024年政府信息公开工作存在哪些问题？")
    assert answer.route == "documents"
    assert any(c.agency == "淮安市人民政府" and c.section == 5 for c in answer.citations)
    assert all(c.quote in answer.answer for c in answer.citations)


def test_out_of_scope_and_missing_reports_are_declined(answering):
    for question in ("明天天气怎么样？", "北京市2023年收到多少申请？", "平潭综合实验区管委会2030年收到多少申请？"):
        answer = ask(answering, question)
        assert answer.route == "none", question
        assert answer.figures == []


def test_empty_and_punctuation_only_questions(answering):
    assert ask(answering, "").route == "none"
    assert ask(answering, "？？？！！").route == "none"


def test_ask_json_contract(answering, capsys):
    data_dir = str(answering.settings.data_dir)
    assert main(["--data-dir", data_dir, "ask", "平潭2022年收到多少申请？", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)

    assert set(printed) == {"answer", "route", "figures", "citations", "plan"}
    assert printed["route"] == "figures"
    assert printed["plan"]["steps"][0]["operation"] == "lookup" and "计算方式" in printed["answer"]
    assert set(printed["figures"][0]) == {"agency", "year", "table", "row", "col", "value", "raw", "page"}
    assert set(printed["citations"][0]) == {"source", "agency", "year", "section", "page", "quote"}


def test_a_figure_warns_of_the_failing_checks_of_its_own_table_only():
    failing = ("t4.row_sum[review]: 10 + 1 + 0 + 0 = 11 ≠ 总计 0", "t3.balance[total]: 21 + 0 ≠ 20 + 0")
    cell = StoredFigure("r", "某区政府", 2023, "t3", "denied", "total", 3, "3", "件", 4, "x.pdf", failing)
    assert FigureValue("某区政府", 2023, "不予公开", "件", 3, [cell]).warnings == [failing[1]]
    review = StoredFigure("r", "某区政府", 2023, "t4", "review", "total", 0, "0", "件", 5, "x.pdf", failing)
    assert FigureValue("某区政府", 2023, "行政复议", "件", 0, [review]).warnings == [failing[0]]


def test_a_column_only_the_other_format_prints_is_said_to_be_missing_from_a_printed_table(answering):
    answer = ask(answering, "淮安市人民政府2024年规章新公开了多少件？")
    assert "表二没有“规章本年新公开”这一栏" in answer.answer and "没有刊载表二" not in answer.answer
    assert not answer.figures


def test_a_failing_check_is_named_in_words_without_numbers_the_answer_does_not_cite():
    rules = ["t3.results_sum[natural_person]: 6 + 6 + 4 + 3 + 3 + 4 = 26 ≠ 总计 20",
             "t3.results_sum[total]: 7 + 6 + 4 + 3 + 3 + 4 = 27 ≠ 总计 21",
             "t4.row_sum[suit_after_review]: 5 + 0 + 0 + 0 = 5 ≠ 总计 0"]
    words = failed_checks(rules)
    assert words == ("表三各项办理结果之和与“办理结果总计”不符（自然人、总计）；"
                     "表四有的行各项之和与该行“总计”不符（复议后起诉）")
    assert not any(character.isdigit() for character in words)

