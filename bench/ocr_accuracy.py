"""Scanned and legacy formats: cells right, abstained and wrong, and seconds per page.

Usage: python bench/ocr_accuracy.py [--dpi 150 200] [--variants chromium-break-in-table-3 ...]
                                    [--seeds 1] [--no-legacy]

The generated report (tests/ingest/report_builder.py) is rendered to PDF (Chromium or LibreOffice,
see report_builder.PDF_VARIANTS), scanned by tests/ingest/scan_builder.py at each resolution (turned
by up to ±1°, blurred, grainy, JPEG-compressed) into an image-only PDF, and read by `read_report`.
Its description is the truth for all 200 cells. `right`: the described value; `abstained`: the
cell is uncertain (null with a reason); `wrong`: any other value, the failure that matters.
`s/page` is wall time per recognised page, `cpu s/page` the CPU time over all threads (on an
idle machine with two cores the wall time is about half the CPU time).
The legacy part saves the generated DOCX as Word 97 .doc with LibreOffice (and that file named .wps)
and compares every cell with the DOCX; its time is the conversion and reading of one file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.errors import UnreadableReport  # noqa: E402
from ingest.reader import read_report  # noqa: E402
from tests.ingest.report_builder import REPORT, render_pdf, write_docx  # noqa: E402
from tests.ingest.scan_builder import image_pdf, scanned_pages  # noqa: E402

DEFAULT_VARIANTS = ("chromium-break-in-table-3", "libreoffice-rows-cut-by-page-breaks")


def score(report) -> dict[str, int]:
    expected = REPORT.figures()
    got = {(figure.table, figure.row, figure.col): figure for figure in report.figures}
    doubtful = {(entry.table, entry.row, entry.col) for entry in report.uncertain}
    counts = {"right": 0, "abstained": 0, "wrong": 0, "missing": 0}
    for key, value in expected.items():
        if key in doubtful:
            counts["abstained"] += 1
        elif key not in got:
            counts["missing"] += 1
        elif got[key].value == value:
            counts["right"] += 1
        else:
            counts["wrong"] += 1
            print(f"    WRONG {'.'.join(key)}: {got[key].value!r} (raw {got[key].raw!r}), described {value!r}")
    return counts


def scans(variants: list[str], resolutions: list[int], seeds: int, work: Path) -> None:
    print("| source | dpi | pages | right | abstained | wrong | missing | s/page | cpu s/page |")
    print("|---|---|---|---|---|---|---|---|---|")
    totals: dict[int, dict[str, float]] = {}
    for variant in variants:
        printed = render_pdf(variant, work)
        for dpi in resolutions:
            for seed in range(seeds):
                scan = image_pdf(scanned_pages(printed, dpi, seed=seed), work / f"{variant}-{dpi}-{seed}.pdf", dpi)
                pages: list[int] = []
                wall, cpu = time.perf_counter(), time.process_time()
                try:
                    report = read_report(scan, progress=lambda page, count, seen=pages: seen.append(page))
                except UnreadableReport as error:
                    print(f"| {variant} (seed {seed}) | {dpi} | UNREADABLE: {error.message} |")
                    continue
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                counts = score(report)
                total = totals.setdefault(dpi, {"pages": 0, "wall": 0.0, "cpu": 0.0, "right": 0, "abstained": 0,
                                                "wrong": 0, "missing": 0})
                for key, value in counts.items():
                    total[key] += value
                total["pages"] += len(pages)
                total["wall"] += wall
                total["cpu"] += cpu
                per = max(len(pages), 1)
                print(f"| {variant} (seed {seed}) | {dpi} | {len(pages)} | {counts['right']} | {counts['abstained']} "
                      f"| {counts['wrong']} | {counts['missing']} | {wall / per:.1f} | {cpu / per:.1f} |", flush=True)
    for dpi, total in totals.items():
        cells = total["right"] + total["abstained"] + total["wrong"] + total["missing"]
        per = max(total["pages"], 1)
        share = 100 * total["right"] / cells
        print(f"| **all at {dpi} dpi** | {dpi} | {total['pages']} | {total['right']} ({share:.1f}%)"
              f" | {total['abstained']} | {total['wrong']} | {total['missing']} | {total['wall'] / per:.1f} "
              f"| {total['cpu'] / per:.1f} |")


def legacy(work: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("legacy formats: LibreOffice (soffice) is not installed")
        return
    docx = write_docx(REPORT, work / "report.docx")
    subprocess.run([soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--convert-to",
                    "doc:MS Word 97", "--outdir", str(work / "doc"), str(docx)], check=True, capture_output=True,
                   timeout=300)
    doc = work / "doc" / "report.doc"
    wps = work / "doc" / "report.wps"
    wps.write_bytes(doc.read_bytes())
    reference = read_report(docx)
    print("\n| source | right | abstained | wrong | missing | same figures as the DOCX | s/file |")
    print("|---|---|---|---|---|---|---|")
    for path in (docx, doc, wps):
        started = time.perf_counter()
        report = read_report(path)
        seconds = time.perf_counter() - started
        counts = score(report)
        print(f"| {path.suffix} | {counts['right']} | {counts['abstained']} | {counts['wrong']} | {counts['missing']} "
              f"| {'yes' if report.figures == reference.figures else 'NO'} | {seconds:.1f} |", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 200])
    parser.add_argument("--variants", nargs="+", default=list(DEFAULT_VARIANTS))
    parser.add_argument("--seeds", type=int, default=1, help="scans per variant and resolution")
    parser.add_argument("--no-legacy", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-ocr-bench-") as work:
        scans(args.variants, args.dpi, args.seeds, Path(work))
        if not args.no_legacy:
            legacy(Path(work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
