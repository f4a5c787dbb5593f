"""Several years of one figure are listed, and added only when the question's own words ask for a
total; "这两年" counts back like "近两年"."""

from __future__ import annotations

import json

import pytest

from qa.planner import RulePlanner
from qa.timeexpr import normalise_years, read_time
from qa.understanding import AgencyDirectory
from qa.vocabulary import load_vocabulary
from tests.conftest import TRUTH

YEARS = {"河北省教育厅": [2019, 2021, 2022, 2023], "河北省科学技术厅": [2020, 2021, 2022, 2023]}


@pytest.fixture(scope="module")
def planner():
    return RulePlanner(load_vocabulary(), lambda name: YEARS.get(name, []))


@pytest.fixture(scope="module")
def directory():
    return AgencyDirectory([("河北省教育厅", "河北省（省级部门）"), ("河北省科学技术厅", "河北省（省级部门）")])


def test_these_two_years_count_back_from_the_newest_report_like_recent_years():
    assert read_time("这两年收到多少申请", [2019, 2021, 2022, 2023]).years == (2022, 2023)
    assert read_time("这三年收到多少申请", [2019, 2021, 2022, 2023]).years == (2021, 2022, 2023)


@pytest.mark.parametrize("text, operation", [
    ("河北省教育厅近两年收到的申请分别是多少？", "trend"),
    ("河北省教育厅这两年收到的申请各有多少？", "trend"),
    ("河北省教育厅近两年收到的申请总数分别是多少？", "trend"),
    ("河北省教育厅近两年每年收到多少申请？", "trend"),
    ("河北省教育厅近两年收到的申请加起来一共多少？", "sum"),
    ("河北省教育厅这两年收到的申请一共有多少？", "sum"),
    ("河北省教育厅近两年收到的申请数量之和是多少？", "sum"),
])
def test_years_are_listed_unless_the_question_asks_for_their_total(planner, directory, text, operation):
    step = planner.plan(normalise_years(text), directory).steps[0]
    assert (step.operation, step.across, step.years) == (operation, "years", (2022, 2023))


@pytest.mark.parametrize("text, operation", [
    ("河北教育厅和科技厅2022年收到的申请分别多少？", "list"),
    ("河北教育厅和科技厅2022年收到的申请各是多少？", "list"),
    ("河北教育厅和科技厅2022年收到的申请加起来多少？", "sum"),
    ("河北教育厅和科技厅2022年各收到多少申请？", "list"),
    ("河北教育厅和科技厅2022年哪个收到的申请多？", "diff"),
])
def test_two_agencies_are_listed_added_or_compared_as_the_question_says(planner, directory, text, operation):
    step = planner.plan(normalise_years(text), directory).steps[0]
    assert (step.operation, step.across, step.agencies) == (operation, "agencies", ("河北省教育厅", "河北省科学技术厅"))


def test_two_figures_over_two_years_added_give_each_years_total_and_the_whole(answering):
    answer = answering.answerer.ask("河北省教育厅近两年予以公开和部分公开一共多少？", None, [])
    t3 = {n: json.loads((TRUTH / f"{n}.json").read_text(encoding="utf-8"))["tables"]["t3"] for n in ("041", "042")}
    each = {n: t3[n]["granted"]["total"] + t3[n]["partial"]["total"] for n in t3}
    assert f"合计{each['041']}件" in answer.answer and f"合计{each['042']}件" in answer.answer
    assert f"2022、2023年合计{each['041'] + each['042']}件" in answer.answer


def test_items_increased_or_decreased_in_one_year_are_the_2019_change_column(planner, directory):
    step = planner.plan(normalise_years("河北省教育厅2019年行政许可事项减少了多少项？"), directory).steps[0]
    assert (step.operation, step.years, step.terms[0].figure, step.terms[0].columns) == (
        "lookup", (2019,), "licensing", ("change",))


@pytest.mark.parametrize("text", [
    "河北省教育厅2022年予以公开的加上部分公开的是多少",
    "河北省教育厅2022年不予公开加无法提供有多少件？",
    "河北省教育厅2022年不予公开的和无法提供的加在一起是多少？",
    "河北省教育厅2022年予以公开、部分公开两项相加是多少",
    "河北省教育厅2022年被申请复议的加上被起诉的合起来有几件",
])
def test_figures_joined_by_plus_are_added_without_a_word_for_the_total(planner, directory, text):
    step = planner.plan(normalise_years(text), directory).steps[0]
    assert (step.operation, step.across, len(step.terms)) == ("sum", "terms", 2)


def test_figures_joined_by_and_without_a_word_for_the_total_are_listed(planner, directory):
    step = planner.plan("河北省教育厅2022年予以公开和部分公开是多少", directory).steps[0]
    assert (step.operation, step.across) == ("list", "terms")
