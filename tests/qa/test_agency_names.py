"""Short place names: one agency when only one there has reports for the years asked, ask back when
two fit equally."""

from __future__ import annotations

import pytest

from qa.understanding import AgencyDirectory

YEARS = {
    "沭阳县人民政府": [2025],
    "沭阳县发展和改革局": [2023],
    "淮安市人民政府": [2024],
    "淮安市洪泽区人民政府": [2023, 2024],
    "平潭综合实验区管委会": list(range(2011, 2026)),
    "平潭县人民政府": [2011, 2012, 2013],
    "平潭综合实验区地方税务局": [2013],
}
REGIONS = {
    "沭阳县人民政府": "江苏省 宿迁市 沭阳县", "沭阳县发展和改革局": "江苏省 宿迁市 沭阳县",
    "淮安市人民政府": "江苏省 淮安市", "淮安市洪泽区人民政府": "江苏省 淮安市 洪泽区",
    "平潭综合实验区管委会": "福建省 平潭综合实验区（福州市平潭县）",
    "平潭县人民政府": "福建省 平潭综合实验区（福州市平潭县）",
    "平潭综合实验区地方税务局": "福建省 平潭综合实验区（福州市平潭县）",
}


@pytest.fixture(scope="module")
def directory():
    return AgencyDirectory(list(REGIONS.items()), years_of=lambda name: YEARS.get(name, []))


def found(directory, text: str) -> list[str]:
    return [agency.name for agency in directory.find(text)[0]]


@pytest.mark.parametrize("text, agency", [
    ("沭阳2023年收到多少申请？", "沭阳县发展和改革局"),  # the county government has no 2023 report
    ("沭阳2025年收到多少申请？", "沭阳县人民政府"),
    ("沭阳收到多少申请？", "沭阳县人民政府"),  # no year: the government the place name means
    ("洪泽2024年部分公开多少件？", "淮安市洪泽区人民政府"),
    ("平潭2020年部分公开的有几件？", "平潭综合实验区管委会"),
    ("平潭管委会2013年收到多少申请？", "平潭综合实验区管委会"),  # the kind of body named decides
    ("平潭县政府2013年收到多少申请？", "平潭县人民政府"),
])
def test_a_short_place_name_fits_the_one_agency_with_reports_for_the_years_asked(directory, text, agency):
    assert found(directory, text) == [agency]


@pytest.mark.parametrize("text", ["平潭2013年收到多少申请？", "平潭2012年予以公开多少件？"])
def test_a_short_place_name_fitting_two_governments_equally_names_both(directory, text):
    assert sorted(found(directory, text)) == ["平潭县人民政府", "平潭综合实验区管委会"]


def test_without_the_years_of_reports_a_place_name_means_its_government():
    directory = AgencyDirectory(list(REGIONS.items()))
    assert found(directory, "沭阳2023年收到多少申请？") == ["沭阳县人民政府"]


def test_a_short_name_fitting_two_agencies_of_that_year_is_asked_back(answering):
    answer = answering.answerer.ask("平潭2012年收到多少申请？", None, [])
    assert "哪个单位" in answer.answer


def test_a_short_name_fitting_two_agencies_neither_with_that_year_asks_which_and_says_so(answering):
    answer = answering.answerer.ask("平潭2010年收到多少申请？", None, [])
    assert "哪个单位" in answer.answer and "没有找到2010年" in answer.answer and not answer.figures


def test_a_number_only_the_text_states_is_asked_back_when_two_governments_fit(answering):
    answer = answering.answerer.ask("平潭2012年主动公开了多少条政府信息？", None, [])
    assert "哪个单位" in answer.answer and answer.route == "figures"
