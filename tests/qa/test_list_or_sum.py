"""Several years of one figure are listed, and added only when the question's own words ask for a
total; "这两年" counts back like "近两年"."""

from __future__ import annotations

import pytest

from qa.planner import RulePlanner
from qa.timeexpr import normalise_years, read_time
from qa.understanding import AgencyDirectory
from qa.vocabulary import load_vocabulary

YEARS = {"河北省教育厅": [2019, 2021, 2022, 2023]}


@pytest.fixture(scope="module")
def planner():
    return RulePlanner(load_vocabulary(), lambda name: YEARS.get(name, []))


@pytest.fixture(scope="module")
def directory():
    return AgencyDirectory([("河北省教育厅", "河北省（省级部门）")])


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
