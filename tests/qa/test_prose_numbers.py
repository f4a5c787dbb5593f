"""Numbers only the prose states: reports without 表三 (pre-2019) are answered from the sentence
that counts the requests, quoted with its number, or that says there were none."""

from __future__ import annotations

import json

from qa.answerer import _near_own
from qa.composer import _asked_words, labelled_count
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


def test_a_channel_the_question_names_in_other_words_is_read_from_the_number_it_labels(answering):
    online = ask(answering, "河北教育厅二〇二二年网上申请有多少？")
    assert online.citations[0].quote.endswith("网络申请39件，占88.6%，信函申请5件，占11.4%。")
    by_letter = ask(answering, "教育厅2022年写信申请的有几件")
    assert "信函申请5件" in by_letter.citations[0].quote
    assert len({c.quote for c in by_letter.citations}) == len(by_letter.citations)  # no sentence quoted twice


def test_a_number_is_labelled_by_two_words_of_the_question_not_by_one():
    asked = _asked_words({"网上", "申请"})
    assert labelled_count("从申请方式看，网络申请39件，占88.6%", asked) > 0
    assert labelled_count("全年收到政府信息公开申请共44件", asked) == 0  # only 申请 labels it
    assert labelled_count("信函申请4件", _asked_words({"写信", "申请"})) > labelled_count(
        "政府信息公开申请共19件", _asked_words({"写信", "申请"}))


def test_requests_handled_in_a_report_without_tables_are_read_from_the_sentence_that_counts_requests(answering):
    for question in ("河北省人力资源和社会保障厅2022年办理了多少件依申请公开？",
                     "河北人社厅2022年依申请公开有多少件？"):
        answer = ask(answering, question)
        assert "没有刊载表三" in answer.answer and "正文中也没有找到" not in answer.answer, question
        assert any("申请166件" in c.quote and c.year == 2022 for c in answer.citations), question
