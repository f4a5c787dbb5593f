"""Hybrid retrieval with filters, over real reports embedded by the real model."""

import json

import pytest

from nianbao.cli import main
from qa.search import SearchRequest


def top(indexed, query, **options):
    return indexed.search.search(SearchRequest(query=query, top_k=5, **options))


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_each_mode_finds_the_section_that_answers(indexed, mode):
    hits = top(indexed, "淮安市政府2024年收取了多少信息处理费", mode=mode)
    assert any(h.chunk.agency == "淮安市人民政府" and h.chunk.section == 6 for h in hits)


def test_a_figure_question_finds_its_table(indexed):
    hits = top(indexed, "平潭2023年本年新收政府信息公开申请数量")
    assert hits[0].chunk.kind == "table"
    assert "总计81件" in hits[0].chunk.text


def test_a_short_agency_name_filters_to_that_agency(indexed):
    hits = top(indexed, "存在的主要问题", agency="桃江财政局")
    assert hits and {h.chunk.agency for h in hits} == {"桃江县财政局"}


def test_region_year_range_and_section_filters(indexed):
    regions = {h.chunk.region for h in top(indexed, "政务公开", region="江苏")}
    assert regions and regions <= {"江苏省 淮安市", "江苏省 宿迁市 沭阳县"}
    assert {h.chunk.year for h in top(indexed, "政务公开", year_from=2024, year_to=2025)} <= {2024, 2025}
    assert {h.chunk.section for h in top(indexed, "政务公开", section=5)} == {5}


def test_an_agency_that_is_not_indexed_finds_nothing(indexed):
    assert top(indexed, "政务公开", agency="不存在的单位") == []


def test_search_json_contract(indexed, capsys):
    data_dir = str(indexed.settings.data_dir)
    assert main(["--data-dir", data_dir, "search", "行政复议", "--years", "2023-2024", "--top-k", "3", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]

    assert 0 < len(results) <= 3
    assert set(results[0]) == {"agency", "year", "section", "section_title", "page", "source", "text", "score"}
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert all(2023 <= r["year"] <= 2024 for r in results)
