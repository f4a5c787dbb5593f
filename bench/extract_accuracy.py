"""Table-extractor accuracy over the corpus: cells right / cells total, per source format.

Usage: python bench/extract_accuracy.py [--corpus ../shared/corpus] [--verbose]

Truth lives in tests/corpus_truth/NNN.json (read by people from the documents). A cell is
right when the extractor gives the truth's value (null for blank or genuinely unknowable
cells); `abstained` counts cells the extractor declared uncertain although the truth knows
them (for example digits that ran together and that no 勾稽 rule can split); `wrong` counts
cells with a different value, which is the failure that matters most.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.errors import UnreadableReport  # noqa: E402
from ingest.reader import read_report  # noqa: E402

TRUTH = ROOT / "tests" / "corpus_truth"


def truth_cells(truth: dict) -> dict[tuple[str, str, str], object]:
    cells = {}
    for table, rows in (truth.get("tables") or {}).items():
        for row, cols in (rows or {}).items():
            for col, value in cols.items():
                cells[(table, row, col)] = value
    return cells


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    reports = Path(args.corpus) / "reports"
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    metadata_errors = []
    for truth_path in sorted(TRUTH.glob("*.json")):
        if args.only and not truth_path.stem.startswith(args.only):
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        source = reports / truth["file"]
        kind = source.suffix.lstrip(".")
        try:
            report = read_report(source)
        except UnreadableReport as error:
            metadata_errors.append(f"{truth['file']}: {error.message}")
            continue
        for field in ("agency", "year", "format"):
            if truth.get(field) is not None and getattr(report, field) != truth[field]:
                metadata_errors.append(f"{truth['file']}: {field} {getattr(report, field)!r} != {truth[field]!r}")
        expected = truth_cells(truth)
        got = {(f.table, f.row, f.col): f.value for f in report.figures}
        uncertain = {(u.table, u.row, u.col) for u in report.uncertain}
        counts = totals[kind]
        for key, value in expected.items():
            counts["total"] += 1
            if key not in got:
                counts["missing"] += 1
                if args.verbose:
                    print(f"  MISSING {truth['file']} {'.'.join(key)} truth={value}")
            elif same(got[key], value):
                counts["right"] += 1
            elif got[key] is None and key in uncertain:
                counts["abstained"] += 1
                if args.verbose:
                    print(f"  ABSTAIN {truth['file']} {'.'.join(key)} truth={value}")
            else:
                counts["wrong"] += 1
                if args.verbose:
                    print(f"  WRONG   {truth['file']} {'.'.join(key)} got={got[key]} truth={value}")
        for key in got.keys() - expected.keys():
            counts["extra"] += 1
            if args.verbose:
                print(f"  EXTRA   {truth['file']} {'.'.join(key)} got={got[key]}")
        counts["reports"] += 1
    print(f"{'format':<6} {'reports':>7} {'cells':>6} {'right':>6} {'wrong':>6} {'abstained':>9} {'missing':>7} "
          f"{'extra':>6} {'accuracy':>8}")
    grand: dict[str, int] = defaultdict(int)
    for kind, counts in sorted(totals.items()):
        for key, value in counts.items():
            grand[key] += value
        _print_row(kind, counts)
    _print_row("all", grand)
    print(f"\nmetadata (agency, year, format) errors: {len(metadata_errors)}")
    for line in metadata_errors:
        print("  " + line)
    return 0


def _print_row(kind: str, counts: dict[str, int]) -> None:
    total = counts["total"] or 1
    print(f"{kind:<6} {counts['reports']:>7} {counts['total']:>6} {counts['right']:>6} {counts['wrong']:>6} "
          f"{counts['abstained']:>9} {counts['missing']:>7} {counts['extra']:>6} {counts['right'] / total:>8.1%}")


if __name__ == "__main__":
    raise SystemExit(main())
