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
from ingest.reader import SUFFIXES, page_images, read_report
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
    ingest.add_argument("--queue", action="store_true", help="交给任务队列（nianbao worker 处理），立即返回任务编号")

    search = commands.add_parser("search", help="检索已入库的年报")
    search.add_argument("query")
    search.add_argument("--agency")
    search.add_argument("--region")
    years = search.add_mutually_exclusive_group()
    years.add_argument("--year", type=int)
    years.add_argument("--years", type=_year_span, help="年份范围，如 2019-2023")
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
    serve.add_argument("--workers", type=int, default=1,
                       help="接口进程数（大于 1 时需要 PostgreSQL 和 Chroma 服务器）")

    worker = commands.add_parser("worker", help="处理入库任务队列（PostgreSQL 部署）")
    worker.add_argument("--concurrency", type=int, default=1, help="同时处理的任务数")
    jobs = commands.add_parser("jobs", help="入库任务的状态：给出编号查看一个，否则列出最近的任务")
    jobs.add_argument("job", nargs="?")
    jobs.add_argument("--json", action="store_true")
    migrate = commands.add_parser("migrate", help="升级数据库结构；或把内嵌数据目录迁移到 PostgreSQL 和 Chroma 服务器")
    migrate.add_argument("--to-database", help="目标 PostgreSQL 地址（postgresql+psycopg://…）")
    migrate.add_argument("--to-chroma", help="目标 Chroma 服务器（http://host:port）")

    commands.add_parser("reports", help="列出已入库的年报")
    remove = commands.add_parser("remove", help="从所有存储中删除一份年报")
    remove.add_argument("report", help="年报编号（或其前缀）或源文件路径")

    args = parser.parse_args(argv)
    if args.command == "extract":
        return _extract(args.file, args.json, Settings().ocr)
    data_dir = getattr(args, "data_dir", None)
    settings = Settings(**({"data_dir": Path(data_dir)} if data_dir else {}))
    from nianbao.container import Container

    container = Container(settings)
    try:
        if args.command == "ingest":
            return _enqueue(container, args.paths) if args.queue else _ingest(container, args.paths)
        if args.command == "worker":
            return _worker(container, args.concurrency)
        if args.command == "jobs":
            return _jobs(container, args.job, args.json)
        if args.command == "migrate":
            return _migrate(container, args.to_database, args.to_chroma)
        if args.command == "search":
            return _search(container, args)
        if args.command == "reports":
            return _reports(container)
        if args.command == "serve":
            return _serve(container, args.host, args.port, args.workers)
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


def _extract(path: str, as_json: bool, ocr: bool = True) -> int:
    def show_progress(page: int, pages: int) -> None:
        print(f"文字识别 OCR：第 {page}/{pages} 页", file=sys.stderr, flush=True)

    try:
        report = read_report(path, ocr=ocr, progress=show_progress)
    except UnreadableReport as error:
        print(error.message, file=sys.stderr)
        return 1
    print(json.dumps(report_to_json(report), ensure_ascii=False, indent=2) if as_json else report_summary(report))
    return 0


def expand_paths(patterns: list[str]) -> list[Path]:
    """Files, directories (recursively, supported types) and globs, in a stable order, once each.
    A folder of page images and nothing else is one report (a scan delivered page by page)."""
    found: dict[Path, None] = {}
    for pattern in patterns:
        matches = sorted(glob.glob(pattern, recursive=True)) or [pattern]
        for match in map(Path, matches):
            found.update(dict.fromkeys(_reports_in(match) if match.is_dir() else [match]))
    return list(found)


def _reports_in(folder: Path) -> list[Path]:
    if page_images(folder) is not None:
        return [folder]
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir():
            found += _reports_in(entry)
        elif entry.suffix.lower() in SUFFIXES:
            found.append(entry)
    return found


def _ingest(container, patterns: list[str]) -> int:
    from tqdm import tqdm

    from vectorstore.indexer import OCR_STAGE

    files = expand_paths(patterns)
    jobs = container.jobs  # each file is a journalled job, run here, so other processes see it alive
    repaired = jobs.repair()
    if repaired:
        print(f"已清理上次中断留下的 {repaired} 份未完成年报 / repaired {repaired} unfinished reports")
    outcomes = []
    chunks = 0
    with tqdm(files, unit="份", desc="入库 ingest", disable=not files, file=sys.stderr) as progress:
        def show_ocr(stage: str, _report_id: str | None) -> None:
            if stage.startswith(OCR_STAGE):
                progress.set_postfix_str(f"文字识别 OCR 第 {stage.removeprefix(OCR_STAGE)} 页 page")

        for path in progress:
            outcome = jobs.ingest_now(path, on_stage=show_ocr)
            outcomes.append(outcome)
            chunks += outcome["chunks"] if outcome["status"] in ("ingested", "replaced") else 0
            rate = chunks / max(progress.format_dict["elapsed"], 1e-6)
            progress.set_postfix_str(f"{chunks} 块 chunks, {rate:.1f} 块/秒")
    counts = {status: sum(1 for o in outcomes if o["status"] == status)
              for status in ("ingested", "unchanged", "replaced", "failed")}
    print(
        f"新入库 ingested {counts['ingested']}，未变化 unchanged {counts['unchanged']}，"
        f"已替换 replaced {counts['replaced']}，失败 failed {counts['failed']}"
    )
    for outcome in outcomes:
        if outcome["status"] == "failed":
            print(f"  ✗ {outcome['reason']}")
    return 1 if counts["failed"] and counts["failed"] == len(outcomes) else 0


def _year_span(text: str) -> tuple[int, int]:
    from qa.search import year_span

    try:
        return year_span(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _search(container, args) -> int:
    from qa.search import SearchRequest, hit_json

    year_from, year_to = args.years or (args.year, args.year)
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
        answer = container.answerer.ask(question, agency)
        print(json.dumps(answer.json(), ensure_ascii=False, indent=2))
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


def _serve(container, host: str, port: int, workers: int = 1) -> int:
    from ui.app import create_app
    from ui.server import serve, server_config

    settings = container.settings
    if workers > 1 and not (settings.database_url and settings.chroma_url):
        raise ValueError("多个接口进程需要共享的存储：请设置 NIANBAO_DATABASE_URL（PostgreSQL）和 NIANBAO_CHROMA_URL "
                         "/ several workers need PostgreSQL and a Chroma server")
    repaired = container.jobs.repair()  # a crash during an upload leaves nothing half-ingested
    if repaired:
        print(f"已清理 {repaired} 份未完成的年报 / repaired {repaired} unfinished reports", flush=True)
    print(f"年报问答已启动：问答 http://{host}:{port}/  工作台 http://{host}:{port}/staff  "
          f"接口文档 http://{host}:{port}/docs  小部件 http://{host}:{port}/widget.js", flush=True)
    if workers > 1:
        # Each worker process builds its own container from the same settings (the environment).
        os.environ["NIANBAO_DATA_DIR"] = str(settings.data_dir)
        if settings.embedding_threads is None:
            # N processes each embedding on every core would oversubscribe them under load.
            os.environ["NIANBAO_EMBEDDING_THREADS"] = str(max(1, (os.cpu_count() or 1) // workers))
        serve(server_config("nianbao.asgi:create_app", host, port, settings.header_timeout_seconds, workers))
        return 0
    container.jobs.resume()  # embedded: uploads left queued by the previous run
    serve(server_config(create_app(container), host, port, settings.header_timeout_seconds))
    return 0


def _enqueue(container, patterns: list[str]) -> int:
    jobs = container.jobs
    files = [path for path in expand_paths(patterns) if path.is_file()]
    if not files:
        print(f"没有找到文件 / no files: {' '.join(patterns)}", file=sys.stderr)
        return 1
    for path in files:
        job = jobs.submit(path.resolve())
        print(f"{job.id}  {path}", flush=True)
    if not jobs.queued_elsewhere:
        print("内嵌部署没有独立的任务进程，任务在本进程内运行… / embedded: running the jobs here", file=sys.stderr)
        jobs.wait()
    return 0


def _worker(container, concurrency: int) -> int:
    jobs = container.jobs
    repaired = jobs.repair()
    if repaired:
        print(f"已清理 {repaired} 份未完成的年报 / repaired {repaired} unfinished reports", flush=True)
    if not jobs.queued_elsewhere:
        print("内嵌部署：运行排队中的任务后退出 / embedded: running the queued jobs, then exiting", flush=True)
        jobs.resume()
        jobs.wait()
        return 0
    print(f"入库任务进程已启动（并发 {concurrency}）/ worker started", flush=True)
    jobs.serve(concurrency)
    return 0


def _jobs(container, job_id: str | None, as_json: bool) -> int:
    journal = container.job_journal  # reading needs no model and no vector store
    found = [journal.get(job_id)] if job_id else journal.recent()
    if job_id and found[0] is None:
        print(f"找不到任务 / no such job: {job_id}", file=sys.stderr)
        return 1
    if as_json:
        data = [job.json() for job in found]
        print(json.dumps(data[0] if job_id else {"jobs": data}, ensure_ascii=False, indent=2))
        return 0
    for job in found:
        detail = job.error or ""
        print(f"{job.id}  {job.status:<8}{job.stage or '':<12}第{job.attempts}次  {job.filename}  {detail}")
    return 0


def _migrate(container, to_database: str | None, to_chroma: str | None) -> int:
    from vectorstore.database import schema_revision

    print(f"数据库结构版本 schema revision: {schema_revision(container.database)}")
    container.lexical  # noqa: B018  (imports a release 0.1 data directory's BM25 files, once)
    if not (to_database or to_chroma):
        return 0
    if not (to_database and to_chroma):
        raise ValueError("迁移需要同时指定 --to-database 和 --to-chroma / give both targets")
    from nianbao.container import Container
    from vectorstore.transfer import copy_stores

    target = Container(container.settings.model_copy(update={"database_url": to_database, "chroma_url": to_chroma}))
    container.jobs.repair()
    copied = copy_stores(container, target)
    print(f"已迁移 {copied} 份年报 / copied {copied} reports → {to_database.split('@')[-1]}, {to_chroma}")
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
