"""Numbers only the prose states: reports without 表三 (pre-2019) are answered from the sentence
that counts the requests, quoted with its number, or that says there were none."""

from __future__ import annotations

import json

from qa.answerer import _near_own
from tests.conftest import TRUTH


def ask(answering, question):
    return answering.answerer.ask(question, None, [])


def test_a_report_without_table_three_answers_requests_received_from_the_sentence_that_counts_them(answering):
    answer = ask(answering, "平潭县人民政府2012年收到多少申请？")
    assert "没有刊载表三" in answer.answer and "21" in answer.answer
    quote = next(c for c in answer.citations if "申请21条" in c.quote)
    assert (quote.agency, quote.year) == ("平潭县人民政府", 2012)


def test_a_qualifier_of_the_requests_is_quoted_from_the_same_sentence(answering):
    answer = ask(answering, "平潭县人民政府2012年当面申请的有多少条？")
    assert "18" in answer.answer
    assert any("当面申请数18条" in c.quote for c in answer.citations)


def test_a_report_that_received_none_is_quoted_and_read_as_zero(answering):
    answer = ask(answering, "平潭综合实验区管委会2012年收到多少政府信息公开申请？")
    quote = next(c for c in answer.citations if "未收到" in c.quote)
    assert quote.year == 2012 and "行政复议申请" not in quote.quote.split("，")[0]
    assert "0件" in answer.answer


def test_a_sentence_about_review_requests_does_not_count_information_requests():
    assert _near_own("2016年未收到有关政府信息公开行政复议申请", ["申请"]) == []
    assert _near_own("因政府信息公开申请行政复议、提起行政诉讼的情况", ["申请"]) == []
    assert _near_own("2013年全区未收到有关政府信息公开的申请，收到1份有关政府信息公开行政复议申请",
                     ["申请"]) == ["2013年全区未收到有关政府信息公开的申请"]
    assert _near_own("2016年，我厅共收到信息公开申请1件", ["申请"]) == ["我厅共收到信息公开申请1件"]


def test_a_review_request_counts_reviews():
    sentence = "收到1份有关政府信息公开行政复议申请已及时处理"
    assert _near_own(sentence, ["复议"]) == [sentence]


def test_each_year_without_the_table_is_answered_from_its_own_report(answering):
    answer = ask(answering, "平潭县人民政府2012年和2013年收到的申请分别是多少？")
    assert "2012年的报告没有刊载表三" in answer.answer and "21" in answer.answer
    assert any(c.year == 2012 and "申请21条" in c.quote for c in answer.citations)


def test_years_without_the_table_beside_years_with_it_are_quoted_from_their_own_report(answering):
    answer = ask(answering, "平潭综合实验区管委会2012年和2022年收到的申请分别多少？")
    received = json.loads((TRUTH / "013.json").read_text(encoding="utf-8"))["tables"]["t3"]["new_received"]["total"]
    assert f"2022年本年新收政府信息公开申请为{received}件" in answer.answer
    assert any(c.year == 2012 and "未收到" in c.quote for c in answer.citations)
    assert answer.answer.rstrip().endswith("。）")  # the plan line still closes the answer
