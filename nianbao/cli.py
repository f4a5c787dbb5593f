"""The `nianbao` command line."""

from __future__ import annotations

import argparse
import json
import sys

from ingest.errors import UnreadableReport
from ingest.export import report_summary, report_to_json
from ingest.reader import read_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nianbao", description="政府信息公开工作年度报告问答 / annual-report QA")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="读取一份年报并输出元数据、章节、表格数字和勾稽检查")
    extract.add_argument("file")
    extract.add_argument("--json", action="store_true", help="输出 JSON")
    args = parser.parse_args(argv)
    if args.command == "extract":
        return _extract(args.file, args.json)
    return 2


def _extract(path: str, as_json: bool) -> int:
    try:
        report = read_report(path)
    except UnreadableReport as error:
        print(error.message, file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(report_to_json(report), ensure_ascii=False, indent=2))
    else:
        print(report_summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
