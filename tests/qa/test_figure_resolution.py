"""Figure mentions resolve to their own cell: every official label, every synonym and every
vocabulary phrase of the catalogue, siblings that share words (部分公开 / 予以公开), and the words
citizens use for carried-over, received, answered and otherwise-handled requests."""

from __future__ import annotations

import json

import pytest

from ingest.checks import COL_LABELS
from qa.cells import FigureCatalogue, load_synonyms
from qa.planner import RulePlanner
from qa.timeexpr import normalise_years
from qa.understanding import AgencyDirectory
from qa.vocabulary import load_vocabulary
from tests.conftest import TRUTH

# A question frame around each mention: plain, and with the question words glued to it.
FRAMES = ("平潭2023年{}的有多少件？", "平潭2023年{}了多少？", "平潭2023年{}了几件？")


def t3(number: str, row: str) -> int:
    return json.loads((TRUTH / f"{number}.json").read_text(encoding="utf-8"))["tables"]["t3"][row]["total"]


@pytest.fixture(scope="module")
def planner():
    vocabulary = load_vocabulary()
    return RulePlanner(vocabulary, lambda name: [2021, 2022, 2023], FigureCatalogue(vocabulary, load_synonyms()))


@pytest.fixture(scope="module")
def directory():
    return AgencyDirectory([("平潭综合实验区管委会", "福建省 平潭综合实验区（福州市平潭县）")])


def planned(planner, directory, text: str) -> list[str]:
    plan = planner.plan(normalise_years(text), directory)
    assert plan is not None, text
    return [term.figure for term in plan.steps[0].terms]


def catalogue_mentions() -> list[tuple[str, str]]:
    """(mention, figure) for every catalogue entry: its row label (with its group when the label alone
    is a bare word such as 总计 or 其他), group + label, and each synonym said with its group."""
    vocabulary = load_vocabulary()
    labels = {term.name: term.label for term in vocabulary.figures}
    mentions = []
    for entry in FigureCatalogue(vocabulary, load_synonyms()).entries:
        if entry.table == "t2":  # table 二 rows share one label across columns: the figure's own label
            mentions.append((labels[entry.figure], entry.figure))
            continue
        own = entry.row_label if len(entry.row_label) >= 3 else entry.group_label + entry.row_label
        mentions.append((own, entry.figure))
        if entry.group_label:
            mentions.append((entry.group_label + entry.row_label, entry.figure))
        mentions += [(synonym + entry.group_label, entry.figure) for synonym in entry.synonyms]
    return mentions


def vocabulary_mentions() -> list[tuple[str, str]]:
    mentions = []
    vocabulary = load_vocabulary()
    for term in vocabulary.figures + vocabulary.variants:
        for phrase in term.phrases:
            required = [word.split("|")[0] for word in term.requires]
            mentions.append((phrase + "".join(word for word in required if word not in phrase), term.name))
    return mentions


def test_every_official_label_and_synonym_of_the_catalogue_resolves_to_its_own_cell(planner, directory):
    wrong = [(frame.format(mention), figure, planned(planner, directory, frame.format(mention)))
             for mention, figure in catalogue_mentions() for frame in FRAMES
             if planned(planner, directory, frame.format(mention)) != [figure]]
    assert wrong == []


def test_every_vocabulary_phrase_resolves_to_its_own_figure(planner, directory):
    vocabulary = load_vocabulary()
    wrong = [(mention, figure) for mention, figure in vocabulary_mentions()
             if vocabulary.figure(mention).name != figure
             or any(planned(planner, directory, frame.format(mention)) != [figure] for frame in FRAMES)]
    assert wrong == []


@pytest.mark.parametrize("text, figure", [
    ("部分公开了多少", "partial"),
    ("不予公开了多少", "denied"),
    ("予以公开了多少", "granted"),
    ("复议后又起诉的有几件", "suit_after_review"),
    ("没经过复议就起诉的有几件", "suit_direct"),
    ("行政复议了几件", "review"),
    ("政府集中采购总金额是多少", "procurement_amount"),
    ("还没办完转到明年的有几件", "carried_forward"),
    ("结转下年度的比去年多几件", "carried_forward"),
])
def test_siblings_sharing_words_resolve_to_the_one_the_qualifier_names(text, figure):
    assert load_vocabulary().figure(text).name == figure


@pytest.mark.parametrize("text, figure", [
    ("去年没办完转到今年的有几件", "carried_over"),
    ("从上一年遗留下来的申请有多少件", "carried_over"),
    ("总共收到几份申请", "new_received"),
    ("部分公开的申请数量是多少", "partial"),
    ("以别的方式处理掉的有几件", "other_processing"),
    ("通过其他方式处理的申请有几件", "other_processing"),
    ("一共答复了多少件申请", "total_processed"),
    ("办完了多少件申请", "total_processed"),
    ("一共办了多少件申请", "total_processed"),
    ("上一年没处理完的有几件", "carried_over"),
    ("还在办理中的申请有几件", "carried_forward"),
    ("公开了一部分的有几件", "partial"),
    ("信息不存在的有几件", "unable_not_held"),
    ("申请人没缴费不再处理的有几件", "other_overdue_fee"),
])
def test_a_cell_in_a_citizens_words_resolves_to_that_cell(text, figure):
    assert load_vocabulary().figure(text).name == figure


@pytest.mark.parametrize("text", ["门户网站公开了多少条政府信息", "通过公众号公开了几条", "主动公开了多少条政府信息",
                                  "举办了几场新闻发布会", "清理了多少件规范性文件",
                                  "网上来信留言咨询投诉处理了多少件", "12345热线办结了几件"])
def test_the_agencys_own_work_is_not_a_figure_of_the_requests(text):
    assert load_vocabulary().figure(text) is None


@pytest.mark.parametrize("text, figure", [
    ("平潭2023年不予公开危及“三安全一稳定”的有几件", "denied_security_stability"),
    ("平潭2023年部分同意公开的有几件", "partial"),
])
def test_a_join_character_inside_a_word_does_not_split_the_mention(planner, directory, text, figure):
    assert planned(planner, directory, text) == [figure]


def test_answered_requests_are_the_results_total_not_the_requests_received(answering):
    answer = answering.answerer.ask("淮安市政府2024年一共答复了多少件申请？", None, [])
    assert str(t3("001", "total_processed")) in answer.answer
    assert str(t3("001", "new_received")) not in answer.answer


def test_partly_disclosed_is_not_answered_with_the_disclosed(answering):
    answer = answering.answerer.ask("淮安市人民政府2024年部分公开了多少？", None, [])
    assert str(t3("001", "partial")) in answer.answer
    assert str(t3("001", "granted")) not in answer.answer


def test_requests_left_over_from_last_year_are_the_carried_over_row(answering):
    answer = answering.answerer.ask("淮安市政府2024年去年没办完转到今年的申请有几件？", None, [])
    assert str(t3("001", "carried_over")) in answer.answer
    assert str(t3("001", "carried_forward")) not in answer.answer


def test_every_column_label_of_tables_three_and_four_resolves_to_its_own_column():
    vocabulary = load_vocabulary()
    t3_columns = ("natural_person", "commercial", "research", "social_org", "legal_service")
    wrong = [(table, col) for table, cols in (("t3", t3_columns), ("t4", ("upheld", "corrected", "other", "pending")))
             for col in cols
             if (found := vocabulary.column(f"2023年{COL_LABELS[col]}的有多少", table)) is None or found.cols != (col,)]
    assert wrong == []


def test_a_clause_naming_only_the_whole_completes_the_share_before_it(planner, directory):
    plan = planner.plan(normalise_years("平潭2023年其他方式处理的有几件，占办理总数多少？"), directory)
    assert len(plan.steps) == 1
    step = plan.steps[0]
    assert (step.operation, [t.figure for t in step.terms], step.whole.figure) == (
        "share", ["other_processing"], "total_processed")


def test_a_question_asking_how_long_names_no_figure():
    vocabulary = load_vocabulary()
    assert vocabulary.figure("淮安市人民政府2024年依申请公开的平均答复时间是几天？") is None
    assert vocabulary.figure("依申请公开一般多久能办完") is None
    assert vocabulary.figure("淮安市人民政府2024年依申请公开有多少件？").name == "new_received"


@pytest.mark.parametrize("text, figure", [
    ("平潭2023年规章废止了几件", "rules_repealed"),
    ("平潭2023年废止了多少件规章", "rules_repealed"),
    ("平潭2023年废止了多少件规范性文件", "normative_repealed"),
    ("平潭2019年规范性文件本年新公开数量是多少", "normative_published"),
    ("平潭2019年新公开了多少件规章", "rules_published"),
    ("平潭2019年制作了多少件规章", "rules_issued"),
])
def test_every_column_of_table_two_is_a_figure_of_its_own(text, figure):
    assert load_vocabulary().figure(text).name == figure


@pytest.mark.parametrize("text, figure", [
    ("平潭2023年结转到下年度继续办的有多少", "carried_forward"),
    ("平潭2023年补正以后申请内容还是不清楚的有几件", "unable_unclear"),
])
def test_a_mention_no_vocabulary_phrase_names_resolves_to_the_label_it_nearly_spells(planner, directory, text,
                                                                                      figure):
    assert load_vocabulary().figure(text) is None or load_vocabulary().figure(text).name != figure
    assert planned(planner, directory, text) == [figure]


def test_a_label_several_figures_share_or_a_duration_resolves_to_no_figure_by_spelling():
    catalogue = FigureCatalogue(load_vocabulary(), load_synonyms())
    assert catalogue.resolve("规章") is None
    assert catalogue.resolve("结转下年度继续办理要几天") is None
