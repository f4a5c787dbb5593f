"""Questions about the text: a figure that is only their topic is not looked up, and plans for a
year are read from the report of the year before (which states them)."""

from __future__ import annotations

from qa.timeexpr import normalise_years
from qa.understanding import AgencyDirectory, Understanding
from qa.vocabulary import load_vocabulary

YEARS = {"平潭综合实验区管委会": [2022, 2023]}


def understood(text: str):
    directory = AgencyDirectory([("平潭综合实验区管委会", "福建省 平潭综合实验区（福州市平潭县）")],
                                years_of=lambda name: YEARS.get(name, []))
    return Understanding(load_vocabulary(), directory, lambda name: YEARS.get(name, [])).understand(
        normalise_years(text))


def test_a_figure_that_is_only_the_topic_of_a_how_question_is_not_looked_up():
    assert understood("平潭2023年打算怎么降低行政复议的发生率？").figure is None
    assert understood("平潭2023年行政复议有几件？为什么？").figure.name == "review"


def test_plans_for_a_year_without_a_report_are_read_from_the_report_of_the_year_before():
    assert understood("平潭2024年打算怎么加强政务公开？").years == [2023]
    assert understood("平潭2024年收到多少申请？").years == [2024]  # a figure of that year: not the year before


def test_the_answer_about_next_years_plans_quotes_the_report_that_states_them(answering):
    answer = answering.answerer.ask("平潭综合实验区管委会2024年打算怎么改进政务公开工作？", None, [])
    assert answer.route == "documents" and "没有找到" not in answer.answer
    assert {c.year for c in answer.citations} == {2023}
