"""Chunks stay inside one section, fit the token budget, and never cut a number in two."""

import re

import pytest

from ingest.reader import read_report
from vectorstore.chunking import Chunker
from vectorstore.tokens import TokenCounter

FILES = ["000_taojiang-czj-2025.txt", "001_huaian-city-2024.pdf", "008_pingtan-2015.txt", "043_shuyang-fgj-2023.html"]


@pytest.fixture(scope="module")
def chunker() -> Chunker:
    return Chunker(TokenCounter(), chunk_tokens=200, overlap_tokens=30)


@pytest.mark.parametrize("name", FILES)
def test_text_chunks_stay_within_their_section_and_budget(reports_dir, chunker, name):
    report = read_report(reports_dir / name)
    spans = {s.n: (s.start, s.start + len(report.text[s.start:])) for s in report.sections}
    counter = TokenCounter()
    for chunk in (c for c in chunker.chunks(report, "r") if c.kind == "text"):
        assert counter.count(chunk.text) <= 200
        if chunk.section:
            section = next(s for s in report.sections if s.n == chunk.section)
            following = [s.start for s in report.sections if s.start > section.start]
            assert section.start <= chunk.start and chunk.end <= min(following, default=len(report.text))
        assert chunk.section in spans or chunk.section == 0


@pytest.mark.parametrize("name", FILES)
def test_no_chunk_boundary_falls_inside_a_number(reports_dir, chunker, name):
    report = read_report(reports_dir / name)
    for chunk in chunker.chunks(report, "r"):
        if chunk.kind != "text":
            continue
        before = report.text[chunk.start - 1 : chunk.start]
        after = report.text[chunk.end : chunk.end + 1]
        assert not (before.isdigit() and chunk.text[:1].isdigit())
        assert not (after.isdigit() and chunk.text[-1:].isdigit())


def test_tables_become_readable_sentences_with_their_figures(reports_dir, chunker):
    report = read_report(reports_dir / "001_huaian-city-2024.pdf")
    tables = [c for c in chunker.chunks(report, "r") if c.kind == "table"]
    text = "".join(c.text for c in tables)

    assert {c.section for c in tables} == {2, 3, 4}
    assert "本年新收政府信息公开申请数量 自然人" in text and "总计3119件" in text
    assert "行政复议 结果维持72件" in text
    assert not re.search(r"\d{8,}", text), "no wall of run-together digits"


def test_chunks_carry_what_a_citation_needs(reports_dir, chunker):
    report = read_report(reports_dir / "001_huaian-city-2024.pdf")
    chunk = next(c for c in chunker.chunks(report, "r") if c.section == 5)

    assert (chunk.agency, chunk.year, chunk.format) == ("淮安市人民政府", 2024, "2021")
    assert chunk.section_title.startswith("五、")
    assert chunk.page is not None and chunk.page >= 5
    assert report.text[chunk.start : chunk.end].replace("\n", "").startswith(chunk.text.replace("\n", "")[:20])


@pytest.mark.parametrize("name, paragraph", [
    # Markdown renderings of PDFs: the narrative numbered like the template's sections lies inside
    # the regions where the tables may be printed.
    ("045_shanghai-kewei-2024.md", "“上海科技”网站全年累计发布信息 2139 条"),
    ("046_shanghai-bgt-2025.md", "一是进一步提升政策公开质效。"),
])
def test_prose_inside_a_tables_region_is_indexed_as_text(reports_dir, chunker, name, paragraph):
    report = read_report(reports_dir / name)
    start = report.text.index(paragraph)
    assert any(start < end and begin < start + len(paragraph) for begin, end in report.table_spans.values())
    text = [c for c in chunker.chunks(report, "r") if c.kind == "text"]
    assert any(paragraph.replace("\n", "") in c.text.replace("\n", "") for c in text)


def test_a_flattened_table_is_not_indexed_as_text(reports_dir, chunker):
    report = read_report(reports_dir / "013_pingtan-2022.txt")
    text = "".join(c.text for c in chunker.chunks(report, "r") if c.kind == "text")
    assert "行政规范性文件8855698" not in text and "结果维持结果纠正其他结果尚未审结" not in text
