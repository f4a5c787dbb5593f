"""Remembered answers: the same question is composed once per data version, and never outlives the
data it was composed from, whichever process changed that data."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from nianbao.container import Container
from nianbao.settings import Settings
from qa.cache import (
    CachedAnswerer,
    CachedSearch,
    ResultCache,
    SharedTier,
    answer_from_text,
    answer_text,
    composer_fingerprint,
    hits_from_text,
    hits_text,
)
from qa.search import SearchRequest
from tests.conftest import corpus_reports
from vectorstore.database import open_database
from vectorstore.shared_results import SharedResults

QUESTION = "河北省教育厅2023年收到多少政府信息公开申请？"


@pytest.fixture
def fresh(tmp_path) -> Container:
    container = Container(Settings(data_dir=tmp_path / "data"))
    assert container.indexer.ingest(corpus_reports() / "041_hebei-jyt-2022.txt").status == "ingested"
    return container


def test_the_same_question_is_composed_once_while_the_data_stays_the_same(fresh):
    assert isinstance(fresh.answerer, CachedAnswerer)
    first = fresh.answerer.ask("河北省教育厅2022年收到多少政府信息公开申请？")
    again = fresh.answerer.ask("河北省教育厅2022年收到多少政府信息公开申请？")
    assert again is first
    assert "44" in first.answer
    other_agency = fresh.answerer.ask("河北省教育厅2022年收到多少政府信息公开申请？", agency="河北省教育厅")
    assert other_agency is not first  # the agency is part of the question


def test_an_answer_is_composed_again_after_a_report_is_added(fresh):
    before = fresh.answerer.ask(QUESTION)
    assert "没有找到" in before.answer
    assert fresh.indexer.ingest(corpus_reports() / "042_hebei-jyt-2023.txt").status == "ingested"
    after = fresh.answerer.ask(QUESTION)
    assert "19" in after.answer and "没有找到" not in after.answer


def test_a_report_removed_by_another_process_is_no_longer_cited(fresh, tmp_path):
    assert fresh.indexer.ingest(corpus_reports() / "042_hebei-jyt-2023.txt").status == "ingested"
    cited = fresh.answerer.ask(QUESTION)
    assert any("042_hebei-jyt-2023" in citation.source for citation in cited.citations)
    # A second container on the same database stands for another process: its removal reaches the
    # first one through the stored data's version only.
    other = Container(Settings(data_dir=tmp_path / "data"))
    [report] = [r for r in other.figure_store.reports() if r.source.endswith("042_hebei-jyt-2023.txt")]
    other.figure_store.remove(report.id)
    after = fresh.answerer.ask(QUESTION)
    assert not any("042_hebei-jyt-2023" in citation.source for citation in after.citations)
    assert "没有找到" in after.answer


def test_search_results_are_remembered_until_the_data_changes(fresh):
    assert isinstance(fresh.search, CachedSearch)
    request = SearchRequest("依申请公开工作")
    first = fresh.search.search(request)
    assert [hit.chunk.id for hit in fresh.search.search(request)] == [hit.chunk.id for hit in first]
    assert len(fresh.search.cache) == 1
    assert fresh.indexer.ingest(corpus_reports() / "042_hebei-jyt-2023.txt").status == "ingested"
    widened = fresh.search.search(SearchRequest("依申请公开工作", top_k=20))
    assert {hit.chunk.report_id for hit in widened} >= {r.id for r in fresh.figure_store.reports()}


def test_a_cache_of_size_zero_remembers_nothing(tmp_path):
    container = Container(Settings(data_dir=tmp_path / "data", answer_cache_size=0))
    assert not isinstance(container.answerer, CachedAnswerer)
    assert not isinstance(container.search, CachedSearch)


def test_the_cache_holds_at_most_its_size_and_forgets_the_least_recently_used():
    cache = ResultCache(2, version=lambda: 1)
    for key in ("a", "b"):
        cache.get_or_compute(key, lambda key=key: key.upper())
    cache.get_or_compute("a", lambda: pytest.fail("'a' was remembered"))
    cache.get_or_compute("c", lambda: "C")  # evicts b, the least recently used
    assert len(cache) == 2
    assert cache.get_or_compute("b", lambda: "recomputed") == "recomputed"


def test_a_new_version_empties_the_cache():
    version = [1]
    cache = ResultCache(10, version=lambda: version[0])
    cache.get_or_compute("q", lambda: "old")
    version[0] = 2
    assert cache.get_or_compute("q", lambda: "new") == "new"
    assert len(cache) == 1


def test_concurrent_callers_get_their_own_answers(fresh):
    assert fresh.indexer.ingest(corpus_reports() / "042_hebei-jyt-2023.txt").status == "ingested"
    questions = ["河北省教育厅2022年收到多少政府信息公开申请？", QUESTION] * 10
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(fresh.answerer.ask, questions))
    for question, answer in zip(questions, answers, strict=True):
        year = "2022" if "2022" in question else "2023"
        assert all(citation.year == int(year) for citation in answer.citations), answer.answer


def test_the_same_question_asked_at_once_from_many_pages_is_computed_once():
    cache = ResultCache(10, version=lambda: 1)
    calls = []
    started = threading.Event()

    def slow_answer():
        calls.append(1)
        started.set()
        time.sleep(0.3)  # long enough for every other caller to arrive while it runs
        return "answer"

    with ThreadPoolExecutor(max_workers=8) as pool:
        first = pool.submit(cache.get_or_compute, "q", slow_answer)
        started.wait()
        others = [pool.submit(cache.get_or_compute, "q", slow_answer) for _ in range(7)]
        results = [first.result(), *(other.result() for other in others)]
    assert results == ["answer"] * 8
    assert len(calls) == 1


def test_a_failed_computation_lets_the_waiting_callers_compute_for_themselves():
    cache = ResultCache(10, version=lambda: 1)
    started = threading.Event()

    def failing():
        started.set()
        time.sleep(0.2)
        raise RuntimeError("store unavailable")

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(cache.get_or_compute, "q", failing)
        started.wait()
        second = pool.submit(cache.get_or_compute, "q", lambda: "answer")
        with pytest.raises(RuntimeError):
            first.result()
        assert second.result() == "answer"


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_store(request, tmp_path) -> SharedResults:
    url = (f"sqlite:///{tmp_path / 'shared.sqlite3'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    return SharedResults(open_database(url), size=50)


def test_answers_and_hits_survive_their_text_form_unchanged(fresh):
    assert fresh.indexer.ingest(corpus_reports() / "042_hebei-jyt-2023.txt").status == "ingested"
    for question in ("河北省教育厅2022年和2023年收到的申请一共多少件？", "河北省教育厅2023年存在哪些主要问题？",
                     "河北省教育厅2023年部分公开的有多少件？", "明天天气怎么样"):
        answer = fresh.answerer.ask(question)
        again = answer_from_text(answer_text(answer))
        assert (again.answer, again.route, again.figures, again.citations, again.warnings, again.computed) == (
            answer.answer, answer.route, answer.figures, answer.citations, answer.warnings, answer.computed), question
        # The plan's tuples come back as lists: the same JSON for every client.
        assert json.dumps(again.json(), ensure_ascii=False) == json.dumps(answer.json(), ensure_ascii=False)
    hits = tuple(fresh.search.search(SearchRequest("依申请公开工作", top_k=5)))
    assert hits and hits_from_text(hits_text(hits)) == hits


def test_an_answer_one_process_composed_is_read_by_another_from_the_shared_database(fresh, shared_store):
    answer = fresh.answerer.compose("河北省教育厅2022年收到多少政府信息公开申请？")
    version = fresh.figure_store.version
    tier = SharedTier(shared_store, "answer", answer_text, answer_from_text)
    composing, other_process = ResultCache(10, version, tier), ResultCache(10, version, tier)
    composing.get_or_compute("q", lambda: answer)
    shared = other_process.get_or_compute("q", lambda: pytest.fail("composed again"))
    assert json.dumps(shared.record(), ensure_ascii=False) == answer_text(answer)


def test_a_shared_answer_of_another_data_version_is_not_used(shared_store):
    shared_store.put("answer", "k", "version 1", "old")
    assert shared_store.get("answer", "k", "version 2") is None
    assert shared_store.get("answer", "k", "version 1") == "old"


def test_the_shared_results_are_pruned_to_their_size_and_to_the_current_version(shared_store):
    shared_store.put("answer", "stale", "version 1", "old")
    for n in range(shared_store.size + 30):
        shared_store.put("answer", f"k{n}", "version 2", str(n))
    shared_store.prune("version 2")
    assert len(shared_store) == shared_store.size
    assert shared_store.get("answer", "stale", "version 1") is None
    assert shared_store.get("answer", f"k{shared_store.size + 29}", "version 2") == str(shared_store.size + 29)


def test_an_answer_composed_by_other_answering_code_is_not_read(shared_store):
    def cache(composer: str) -> ResultCache:
        return ResultCache(10, lambda: "version 1", SharedTier(shared_store, "answer", str, str, composer))

    cache("release A").get_or_compute("q", lambda: "composed by release A")
    assert cache("release B").get_or_compute("q", lambda: "composed by release B") == "composed by release B"


def test_the_composer_fingerprint_follows_the_settings():
    assert composer_fingerprint('{"llm_backend": "none"}') == composer_fingerprint('{"llm_backend": "none"}')
    assert composer_fingerprint('{"llm_backend": "none"}') != composer_fingerprint('{"llm_backend": "openai"}')
