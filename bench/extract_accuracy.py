"""Table-extractor accuracy: the corpus against people's reading of it, and generated reports
rendered independently of the corpus (PDFs by Chromium and LibreOffice with table 三 across page
breaks, text in every separator layout), per source format and renderer.

Usage: python bench/extract_accuracy.py [--corpus ../shared/corpus] [--verbose] [--only NNN]
                                        [--no-generated] [--across-years]

Truth for the corpus lives in tests/corpus_truth/NNN.json (read by people from the documents);
for generated reports it is their description (tests/ingest/report_builder.py). A cell is right
when the extractor gives the truth's value (null for blank or genuinely unknowable cells);
`abstained` counts cells the extractor declared uncertain although the truth knows them;
`wrong` counts cells with a different value, which is the failure that matters most; `missing`
counts cells that came back neither as a figure nor as uncertain; `unread` counts tables the
report shows that came back with not one readable cell. `s/report` is the time of `read_report`.

`--across-years` first stores every corpus report in a figure store (SQLite in a temporary
directory), then scores each report as answers read it: cells whose run-together digits another
year's report of the same agency decides (`qa.crossyear.CrossYearReader`) count with that value.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.errors import UnreadableReport  # noqa: E402
from ingest.reader import read_report  # noqa: E402

TRUTH = ROOT / "tests" / "corpus_truth"
Counts = dict[str, float]


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


def score(name: str, path: Path, expected: dict, counts: Counts, verbose: bool, across=None) -> object | None:
    """`across`: a CrossYearReader over a store holding the report and its neighbours."""
    started = time.perf_counter()
    try:
        report = read_report(path)
    except UnreadableReport as error:
        print(f"  UNREADABLE {name}: {error.message}")
        return None
    counts["seconds"] += time.perf_counter() - started
    got = {(f.table, f.row, f.col): f.value for f in report.figures}
    uncertain = {(u.table, u.row, u.col) for u in report.uncertain}
    if across is not None and report.agency:
        for (year, *key), cell in across.read(report.agency).items():
            if year == report.year:
                got[tuple(key)] = cell.value
                uncertain.discard(tuple(key))
                counts["read_across"] += 1
    for key, value in expected.items():
        counts["total"] += 1
        if key not in got:
            counts["missing"] += 1
            verdict = f"MISSING truth={value}"
        elif same(got[key], value):
            counts["right"] += 1
            continue
        elif got[key] is None and key in uncertain:
            counts["abstained"] += 1
            verdict = f"ABSTAIN truth={value}"
        else:
            counts["wrong"] += 1
            verdict = f"WRONG   got={got[key]} truth={value}"
        if verbose:
            print(f"  {verdict} {name} {'.'.join(key)}")
    for key in got.keys() - expected.keys():
        counts["extra"] += 1
        if verbose:
            print(f"  EXTRA   {name} {'.'.join(key)} got={got[key]}")
    counts["unread"] += sum(1 for status in report.tables if status.status == "unread")
    counts["reports"] += 1
    return report


def corpus(corpus_dir: Path, only: str, verbose: bool, across_years: bool = False) -> None:
    reports = corpus_dir / "reports"
    totals: dict[str, Counts] = defaultdict(lambda: defaultdict(float))
    metadata_errors = []
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-store-") as work:
        across = stored_corpus(reports, Path(work)) if across_years else None
        for truth_path in sorted(TRUTH.glob("*.json")):
            if only and not truth_path.stem.startswith(only):
                continue
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            source = reports / truth["file"]
            report = score(truth["file"], source, truth_cells(truth), totals[source.suffix.lstrip(".")], verbose,
                           across)
            if report is None:
                metadata_errors.append(f"{truth['file']}: unreadable")
                continue
            for field in ("agency", "year", "format"):
                if truth.get(field) is not None and getattr(report, field) != truth[field]:
                    metadata_errors.append(
                        f"{truth['file']}: {field} {getattr(report, field)!r} != {truth[field]!r}")
        if across is not None:
            across.store.engine.dispose()
    print("Corpus (tests/corpus_truth)" + (", read with the stored reports of other years" if across else ""))
    print_table(totals)
    if across is not None:
        print(f"cells decided across years: {sum(counts['read_across'] for counts in totals.values()):.0f}")
    print(f"\nmetadata (agency, year, format) errors: {len(metadata_errors)}")
    for line in metadata_errors:
        print("  " + line)


def stored_corpus(reports: Path, work: Path):
    """Every corpus report in a figure store, as `nianbao ingest` stores figures (no index needed)."""
    from qa.crossyear import CrossYearReader
    from vectorstore.database import open_database
    from vectorstore.figure_store import FigureStore

    store = FigureStore(open_database(f"sqlite:///{work / 'figures.sqlite3'}"))
    for path in sorted(reports.iterdir()):
        try:
            report = read_report(path)
        except UnreadableReport:
            continue
        store.begin(path.stem, str(path), path.stem, report)
        store.complete(path.stem, report, 0)
    return CrossYearReader(store)


def generated(verbose: bool) -> None:
    from tests.ingest.report_builder import (
        PDF_VARIANTS,
        REPORT,
        TEXT_LAYOUTS,
        UNRULED_PDF_VARIANTS,
        html_page,
        render_pdf,
        text_in_layout,
        text_with_a_lost_column,
        write_docx,
    )

    expected = REPORT.figures()
    totals: dict[str, Counts] = defaultdict(lambda: defaultdict(float))
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as work:
        directory = Path(work)
        for variant, (renderer, _, _) in PDF_VARIANTS.items():
            score(variant, render_pdf(variant, directory), expected, totals[f"pdf/{renderer}"], verbose)
        for variant, (renderer, _, _) in UNRULED_PDF_VARIANTS.items():
            score(variant, render_pdf(variant, directory), expected, totals[f"pdf/{renderer} unruled"], verbose)
        score("docx", write_docx(REPORT, directory / "report.docx"), expected, totals["docx"], verbose)
        page = directory / "report.html"
        page.write_text(html_page(REPORT), encoding="utf-8")
        score("html", page, expected, totals["html"], verbose)
        for layout in TEXT_LAYOUTS:
            path = directory / f"{layout}.txt"
            path.write_text(text_in_layout(REPORT, layout), encoding="utf-8")
            score(layout, path, expected, totals[f"txt/{layout}"], verbose)
        # Not legible: a crawler lost a column of table 三. It must come back unread, not wrong.
        path = directory / "lost-column.txt"
        path.write_text(text_with_a_lost_column(REPORT), encoding="utf-8")
        score("lost-column", path, expected, totals["txt/lost column (illegible)"], verbose)
    print("\nGenerated reports (tests/ingest/report_builder.py; PDFs with tables across page breaks)")
    print_table(totals)


def print_table(totals: dict[str, Counts]) -> None:
    print(f"{'source':<22} {'reports':>7} {'cells':>6} {'right':>6} {'wrong':>6} {'abstained':>9} {'missing':>7} "
          f"{'extra':>6} {'unread':>6} {'accuracy':>8} {'s/report':>8}")
    grand: Counts = defaultdict(float)
    for kind, counts in sorted(totals.items()):
        for key, value in counts.items():
            grand[key] += value
        print_row(kind, counts)
    print_row("all", grand)


def print_row(kind: str, counts: Counts) -> None:
    total = counts["total"] or 1
    per_report = counts["seconds"] / (counts["reports"] or 1)
    print(f"{kind:<22} {counts['reports']:>7.0f} {counts['total']:>6.0f} {counts['right']:>6.0f} "
          f"{counts['wrong']:>6.0f} {counts['abstained']:>9.0f} {counts['missing']:>7.0f} {counts['extra']:>6.0f} "
          f"{counts['unread']:>6.0f} {counts['right'] / total:>8.1%} {per_report:>8.2f}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--only", default="", help="corpus reports whose number starts with this")
    parser.add_argument("--no-generated", action="store_true", help="skip rendering the generated reports")
    parser.add_argument("--across-years", action="store_true",
                        help="score the corpus as answers read it, with every report's neighbouring years stored")
    args = parser.parse_args()
    corpus(Path(args.corpus), args.only, args.verbose, args.across_years)
    if not args.no_generated and not args.only:
        generated(args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
