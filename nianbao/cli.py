"""The `nianbao` command line."""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from pathlib import Path

from ingest.errors import UnreadableReport
from ingest.export import report_summary, report_to_json
from ingest.reader import SUFFIXES, read_report
from nianbao.settings import Settings


def main(argv: list[str] | None = None) -> int:
    # Global options are accepted before or after the subcommand: people type them after. SUPPRESS keeps a
    # subcommand's unset copy from overwriting a value given before the subcommand.
    global_options = argparse.ArgumentParser(add_help=False)
    global_options.add_argument("--data-dir", default=argparse.SUPPRESS,
                                help="数据目录（默认 ./data，或 NIANBAO_DATA_DIR）")
    parser = argparse.ArgumentParser(prog="nianbao", description="政府信息公开工作年度报告问答 / annual-report QA",
                                     parents=[global_options])
    commands = _Subcommands(parser.add_subparsers(dest="command", required=True), global_options)

    extract = commands.add_parser("extract", help="读取一份年报，输出元数据、章节、表格数字和勾稽检查")
    extract.add_argument("file")
    extract.add_argument("--json", action="store_true", help="输出 JSON")

    ingest = commands.add_parser("ingest", help="把年报（文件、目录或通配符）加入索引")
    ingest.add_argument("paths", nargs="+")

    search = commands.add_parser("search", help="检索已入库的年报")
    search.add_argument("query")
    search.add_argument("--agency")
    search.add_argument("--region")
    years = search.add_mutually_exclusive_group()
    years.add_argument("--year", type=int)
    years.add_argument("--years", help="年份范围，如 2019-2023")
    search.add_argument("--section", type=int)
    search.add_argument("--top-k", type=int, default=5)
    search.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    search.add_argument("--json", action="store_true")

    ask = commands.add_parser("ask", help="提问：数字来自表格工具，其他内容来自报告原文，均附出处")
    ask.add_argument("question")
    ask.add_argument("--agency", help="默认单位（问题中没有提到单位时使用）")
    ask.add_argument("--json", action="store_true")

    serve = commands.add_parser("serve", help="启动网页（问答、工作台）、REST 接口和嵌入式小部件")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    commands.add_parser("reports", help="列出已入库的年报")
    remove = commands.add_parser("remove", help="从所有存储中删除一份年报")
    remove.add_argument("report", help="年报编号（或其前缀）或源文件路径")

    args = parser.parse_args(argv)
    if args.command == "extract":
        return _extract(args.file, args.json)
    data_dir = getattr(args, "data_dir", None)
    settings = Settings(**({"data_dir": Path(data_dir)} if data_dir else {}))
    from nianbao.container import Container

    container = Container(settings)
    try:
        if args.command == "ingest":
            return _ingest(container, args.paths)
        if args.command == "search":
            return _search(container, args)
        if args.command == "reports":
            return _reports(container)
        if args.command == "serve":
            return _serve(container, args.host, args.port)
        if args.command == "ask":
            return _ask(container, args.question, args.agency, args.json)
        return _remove(container, args.report)
    except (RuntimeError, ValueError) as error:
        print(f"错误 / error: {error}", file=sys.stderr)
        return 1


class _Subcommands:
    """Adds subcommands that all accept the global options too."""

    def __init__(self, subparsers, global_options: argparse.ArgumentParser) -> None:
        self._subparsers = subparsers
        self._global_options = global_options

    def add_parser(self, name: str, **kwargs) -> argparse.ArgumentParser:
        return self._subparsers.add_parser(name, parents=[self._global_options], **kwargs)


def _extract(path: str, as_json: bool) -> int:
    try:
        report = read_report(path)
    except UnreadableReport as error:
        print(error.message, file=sys.stderr)
        return 1
    print(json.dumps(report_to_json(report), ensure_ascii=False, indent=2) if as_json else report_summary(report))
    return 0


def expand_paths(patterns: list[str]) -> list[Path]:
    """Files, directories (recursively, supported types) and globs, in a stable order, once each."""
    found: dict[Path, None] = {}
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) or [pattern]
        for match in map(Path, matches):
            if match.is_dir():
                for file in sorted(match.rglob("*")):
                    if file.is_file() and file.suffix.lower() in SUFFIXES:
                        found[file] = None
            else:
                found[match] = None
    return list(found)


def _ingest(container, patterns: list[str]) -> int:
    from tqdm import tqdm

    files = expand_paths(patterns)
    indexer = container.indexer
    repaired = indexer.repair()
    if repaired:
        print(f"已清理上次中断留下的 {repaired} 份未完成年报 / repaired {repaired} unfinished reports")
    outcomes = []
    chunks = 0
    with tqdm(files, unit="份", desc="入库 ingest", disable=not files, file=sys.stderr) as progress:
        for path in progress:
            outcome = indexer.ingest(path)
            outcomes.append(outcome)
            chunks += outcome.chunks if outcome.status in ("ingested", "replaced") else 0
            rate = chunks / max(progress.format_dict["elapsed"], 1e-6)
            progress.set_postfix_str(f"{chunks} 块 chunks, {rate:.1f} 块/秒")
    counts = {status: sum(1 for o in outcomes if o.status == status)
              for status in ("ingested", "unchanged", "replaced", "failed")}
    print(
        f"新入库 ingested {counts['ingested']}，未变化 unchanged {counts['unchanged']}，"
        f"已替换 replaced {counts['replaced']}，失败 failed {counts['failed']}"
    )
    for outcome in outcomes:
        if outcome.status == "failed":
            print(f"  ✗ {outcome.reason}")
    return 1 if counts["failed"] and counts["failed"] == len(outcomes) else 0


def _search(container, args) -> int:
    from qa.search import SearchRequest, hit_json

    year_from = year_to = args.year
    if args.years:
        first, _, last = args.years.partition("-")
        year_from, year_to = int(first), int(last or first)
    request = SearchRequest(
        query=args.query, agency=args.agency, region=args.region, year_from=year_from, year_to=year_to,
        section=args.section, top_k=args.top_k, mode=args.mode,
    )
    results = [hit_json(hit) for hit in container.search.search(request)]
    if args.json:
        print(json.dumps({"results": results}, ensure_ascii=False, indent=2))
        return 0
    if not results:
        print("没有找到相关内容。")
    for number, result in enumerate(results, start=1):
        page = f" 第{result['page']}页" if result["page"] else ""
        print(f"[{number}] {result['agency']} {result['year']}年 · {result['section_title']}{page}"
              f"  ({os.path.basename(result['source'])}, {result['score']:.4f})")
        print(f"    {result['text'][:200]}")
    return 0


def _ask(container, question: str, agency: str | None, as_json: bool) -> int:
    if as_json:
        print(json.dumps(container.answerer.ask(question, agency).json(), ensure_ascii=False, indent=2))
        return 0
    answer = None
    for piece in container.answerer.stream(question, agency):
        if piece is None:
            print("\n（模型的措辞中有无法核对的数字，以下改用核对过的回答）")
        elif isinstance(piece, str):
            print(piece, end="", flush=True)
        else:
            answer = piece
    print()
    for number, citation in enumerate(answer.citations if answer else [], start=1):
        page = f" 第{citation.page}页" if citation.page else ""
        print(f"  [{number}] {citation.agency} {citation.year}年 · {citation.section_title}{page} · "
              f"{os.path.basename(citation.source)}：{citation.quote}")
    return 0


def _serve(container, host: str, port: int) -> int:
    import uvicorn

    from ui.app import create_app

    repaired = container.indexer.repair()  # a crash during an upload leaves nothing half-ingested
    if repaired:
        print(f"已清理 {repaired} 份未完成的年报 / repaired {repaired} unfinished reports", flush=True)
    app = create_app(container)
    print(f"年报问答已启动：问答 http://{host}:{port}/  工作台 http://{host}:{port}/staff  "
          f"接口文档 http://{host}:{port}/docs  小部件 http://{host}:{port}/widget.js", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def _reports(container) -> int:
    stored = container.figure_store.reports()
    if not stored:
        print("尚未入库任何年报。先运行：nianbao ingest samples/")
        return 0
    print(f"{'编号 id':<18}{'年度':<6}{'格式':<9}{'块数':>6}{'勾稽未通过':>8}  发布机关 / 来源")
    for report in stored:
        print(f"{report.id:<18}{report.year or '':<6}{report.format or '':<9}{report.chunks:>6}"
              f"{report.failing_checks:>10}  {report.agency}  ({Path(report.source).name})")
    print(f"共 {len(stored)} 份 / {len(stored)} reports")
    history = container.figure_store.reports(status="superseded")
    if history:
        print(f"另有 {len(history)} 份被新版本替换的旧版本保留在历史中 / {len(history)} older versions kept as history")
    return 0


def _remove(container, key: str) -> int:
    matches = container.figure_store.find(key) or container.figure_store.find(str(Path(key).resolve()))
    if len(matches) != 1:
        print(f"{'找不到' if not matches else '匹配到多份'}年报：{key} / "
              f"{'no' if not matches else 'several'} reports match", file=sys.stderr)
        return 1
    container.indexer.remove(matches[0])
    print(f"已删除 removed: {matches[0].agency} {matches[0].year} ({matches[0].id})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
