"""Questions about the text: a figure that is only their topic is not looked up, and plans for a
year are read from the report of the year before (which states them)."""

from __future__ import annotations

from qa.composer import best_sentences
from qa.timeexpr import normalise_years
from qa.understanding import AgencyDirectory, Understanding
from qa.vocabulary import load_vocabulary
from vectorstore.model import Chunk, Hit

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


def test_a_yes_or_no_question_is_answered_by_the_sentence_that_says_yes_or_no(answering):
    answer = answering.answerer.ask("平潭综合实验区管委会2023年收取信息处理费了吗", None, [])
    assert "无收取信息处理费情况" in answer.citations[0].quote


def test_the_best_sentence_for_whether_states_it_rather_than_the_policy_behind_it():
    text = "认真贯彻执行《政府信息公开信息处理费管理办法》要求，落实信息处理收费政策。2021年未收取信息处理费。"
    chunk = Chunk("c", "r", text,
                  "某厅", "", 2021, "2021", 6, "六、其他需要报告的事项", None, "x.txt", 0, 60)
    tokens = {"收", "信息处理费"}
    chosen = best_sentences([Hit(chunk, 1.0)], tokens, lambda text: [t for t in tokens if t in text], yes_no=True)
    assert chosen[0][1] == "2021年未收取信息处理费。"


def test_a_place_two_governments_share_is_answered_by_the_only_report_that_mentions_what_is_asked(answering):
    answer = answering.answerer.ask("平潭2012年公开了多少条征地拆迁信息？", None, [])
    assert "只有平潭综合实验区管委会的报告提到" in answer.answer
    assert any("征地拆迁信息2条" in c.quote and c.agency == "平潭综合实验区管委会" for c in answer.citations)
    both = answering.answerer.ask("平潭2012年主动公开了多少条政府信息？", None, [])
    assert "哪个单位" in both.answer  # both reports state it: still asked back
    assert answering.answerer.ask("平潭明天会下雨吗？", None, []).route == "none"


def test_the_askers_own_request_is_declined_plainly(answering):
    for question in ("我上个月交的信息公开申请什么时候能有结果？", "帮我查一下我的申请办到哪一步了"):
        answer = answering.answerer.ask(question, None, [])
        assert answer.route == "none" and "无法从年度报告中回答" in answer.answer and not answer.figures
    assert answering.answerer.ask("我想知道平潭2023年收到多少申请", None, []).figures


def test_a_sentence_cut_short_by_the_end_of_an_overlapping_chunk_is_not_quoted_again():
    whole = "“上海科技”网站全年累计发布信息 2139 条，其中动态类信息发布 1744 条。"
    first = Chunk("a", "r", whole, "某委", "", 2024, "2021", 6, "六、平台建设", None, "x.md", 0, 40)
    second = Chunk("b", "r", "“上海科技”网站全年累计发布信息 2139 条，其中动态类", "某委", "", 2024, "2021", 6,
                   "六、平台建设", None, "x.md", 0, 30)
    tokens = {"网站", "发布"}
    chosen = best_sentences([Hit(first, 1.0), Hit(second, 0.9)], tokens, lambda text: [t for t in tokens if t in text],
                            wants_number=True)
    assert [sentence for _, sentence in chosen] == [whole]


def test_once_a_sentence_says_yes_or_no_a_table_rendering_that_only_mentions_the_topic_is_not_quoted(answering):
    answer = answering.answerer.ask("桃江县财政局2025年有没有收信息处理费？", None, [])
    assert [c.quote for c in answer.citations] == ["2025年未收取信息处理费"]
